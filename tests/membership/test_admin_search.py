"""Issue #18: searching the admin for a member's name, contact or listing finds the member."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group

from tests.factories import BusinessFactory, MemberContactFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

MEMBERS = "/admin/snippets/membership/member/"


@pytest.fixture
def staff(client, site_tree):
    user = UserFactory()
    user.groups.add(Group.objects.get(name="Chamber staff"))
    client.force_login(user)
    return user


@pytest.fixture
def riverbend(site_tree):
    member = MemberFactory(name="Riverbend Holdings LLC")
    MemberContactFactory(
        member=member,
        user=UserFactory(
            username="rosa", first_name="Rosa", last_name="Baker", email="rosa@riverbend.example"
        ),
    )
    BusinessFactory(member=member, name="Riverbend Bakery")
    BusinessFactory(member=member, name="Riverbend Bakery (Millbrook)")
    MemberFactory(name="Aspen Tax")
    return member


def found(client, query) -> list[str]:
    response = client.get(MEMBERS, {"q": query})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return [row.select_one("td a, th a").get_text(strip=True) for row in soup.select("tbody tr")]


@pytest.mark.parametrize(
    "query",
    ["Riverbend Holdings", "baker", "Rosa", "rosa@riverbend", "bakery millbrook", "rosa baker"],
)
def test_members_are_found_by_organisation_contact_or_listing(client, staff, riverbend, query):
    assert found(client, query) == ["Riverbend Holdings LLC"]  # once, however many matches


def test_every_word_must_match(client, staff, riverbend):
    assert found(client, "rosa aspen") == []
    assert found(client, "aspen") == ["Aspen Tax"]


def test_the_admin_search_offers_members(client, staff, riverbend):
    response = client.get("/admin/pages/search/", {"q": "Rosa"})
    assert response.status_code == 200
    assert f'href="{MEMBERS}?q=Rosa"' in response.content.decode()


def test_editors_are_not_offered_member_search(client, site_tree):
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    response = client.get("/admin/pages/search/", {"q": "Rosa"})
    assert MEMBERS not in response.content.decode()
