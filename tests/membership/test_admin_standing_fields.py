"""Issue #18: a member's status, paid-through date and "no end date" decide what it may do, as a
payment does; in the member form only staff who may record payments (Membership staff) change
them. Others who may edit members (a group a chamber makes itself) see them read-only."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from chamber import roles
from membership.models import Member
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

MEMBER_URL = "/admin/snippets/membership/member/"
LATER = timezone.localdate() + datetime.timedelta(days=400)


def user_in_group(name: str, *permissions: str):
    group, _ = Group.objects.get_or_create(name=name)
    for dotted in permissions:
        app_label, codename = dotted.split(".")
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    user = UserFactory()
    user.groups.add(group)
    return user


@pytest.fixture
def front_desk(site_tree):
    """A chamber's own group: edits members' names and levels, records no payments."""
    return user_in_group(
        "Front desk",
        "wagtailadmin.access_admin",
        "membership.view_member",
        "membership.change_member",
    )


@pytest.fixture
def membership_staff(site_tree):
    return user_in_group(roles.MEMBERSHIP_STAFF)


@pytest.fixture
def member(site_tree):
    return MemberFactory(name="Aspen Bakery", status=Member.Status.PAST_DUE)


def edit_form(member, **changes) -> dict[str, str]:
    return {
        "name": member.name,
        "level": str(member.level_id),
        "status": member.status,
        "paid_through": member.paid_through.isoformat(),
        "joined_on": member.joined_on.isoformat(),
        "auto_renew": "",
        "no_end_date": "",
        **changes,
    }


def standing_widgets(response) -> dict[str, bool]:
    """Whether each standing field's input is disabled."""
    soup = BeautifulSoup(response.text, "html.parser")
    return {
        name: soup.find(attrs={"name": name}).has_attr("disabled")
        for name in ("status", "paid_through", "no_end_date")
    }


def test_staff_who_record_no_payments_see_standing_read_only(client, front_desk, member):
    client.force_login(front_desk)
    url = MEMBER_URL + f"edit/{member.pk}/"
    page = client.get(url)
    assert standing_widgets(page) == {"status": True, "paid_through": True, "no_end_date": True}
    assert "Changed by Membership staff, who record payments." in page.text

    paid_through = member.paid_through
    response = client.post(
        url,
        edit_form(
            member,
            name="Aspen Bakery & Cafe",
            status=Member.Status.ACTIVE,
            paid_through=LATER.isoformat(),
            no_end_date="on",
        ),
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.name == "Aspen Bakery & Cafe"  # the rest of the form saves
    assert (member.status, member.paid_through, member.no_end_date) == (
        Member.Status.PAST_DUE,
        paid_through,
        False,
    )


def test_membership_staff_change_a_members_standing(client, membership_staff, member):
    client.force_login(membership_staff)
    url = MEMBER_URL + f"edit/{member.pk}/"
    assert standing_widgets(client.get(url)) == {
        "status": False,
        "paid_through": False,
        "no_end_date": False,
    }
    response = client.post(
        url, edit_form(member, status=Member.Status.ACTIVE, paid_through=LATER.isoformat())
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.status, member.paid_through) == (Member.Status.ACTIVE, LATER)


def test_a_new_member_added_without_the_permission_starts_pending(client, front_desk, member):
    front_desk.groups.get().permissions.add(Permission.objects.get(codename="add_member"))
    client.force_login(front_desk)
    response = client.post(
        MEMBER_URL + "add/",
        edit_form(
            member, name="Birch Books", status=Member.Status.ACTIVE, paid_through=LATER.isoformat()
        ),
    )
    assert response.status_code == 302
    added = Member.objects.get(name="Birch Books")
    assert (added.status, added.paid_through, added.no_end_date) == (
        Member.Status.PENDING,
        None,
        False,
    )
