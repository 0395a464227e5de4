import csv
import io

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from openpyxl import load_workbook
from wagtail.models import Revision
from wagtail.test.utils.form_data import querydict_from_html, rich_text

from directory.models import Business, Category
from membership.models import Member
from tests.factories import (
    BusinessFactory,
    CategoryFactory,
    EnhancedLevelFactory,
    MemberFactory,
)

pytestmark = pytest.mark.django_db

LISTING_URL = "/admin/snippets/directory/business/"
CATEGORY_URL = "/admin/snippets/directory/category/"


@pytest.fixture
def directory(site_tree):
    """Four listings that differ in town, category, level and published state."""
    food = CategoryFactory(name="Food and Drink", slug="food")
    bakeries = CategoryFactory(name="Bakeries", slug="bakeries", parent=food)
    law = CategoryFactory(name="Legal", slug="legal")
    leadership = EnhancedLevelFactory()
    return {
        "bakeries": bakeries,
        "food": food,
        "law": law,
        "leadership": leadership,
        "alder": BusinessFactory(name="Alder Bakery", city="Riverside", categories=[bakeries]),
        "birch": BusinessFactory(
            name="Birch Legal",
            city="Hillcrest",
            member=MemberFactory(level=leadership),
            categories=[law],
        ),
        "cedar": BusinessFactory(name="Cedar Cafe", city="riverside", categories=[food]),
        "dogwood": BusinessFactory(name="Dogwood Draft", city="Hillcrest", live=False),
    }


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def row_titles(response) -> set[str]:
    """The title of each row in an admin listing (not the filter options around it)."""
    assert response.status_code == 200
    return {
        cell.get_text(strip=True) for cell in soup(response).select("tbody td.title .title-wrapper")
    }


def test_listing_shows_every_business_with_its_status(staff_client, directory):
    response = staff_client.get(LISTING_URL)
    assert row_titles(response) == {"Alder Bakery", "Birch Legal", "Cedar Cafe", "Dogwood Draft"}
    assert "Directory listings" in response.text  # the menu item
    statuses = [tag.get_text(strip=True) for tag in soup(response).select("td .w-status")]
    assert sorted(statuses) == ["draft", "live", "live", "live"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # One town whatever its capitalisation.
        ({"city": "riverside"}, {"Alder Bakery", "Cedar Cafe"}),
        ({"city": "hillcrest"}, {"Birch Legal", "Dogwood Draft"}),
        ({"live": "true"}, {"Alder Bakery", "Birch Legal", "Cedar Cafe"}),
        ({"live": "false"}, {"Dogwood Draft"}),
    ],
)
def test_listing_filters_by_town_and_published_state(staff_client, directory, params, expected):
    assert row_titles(staff_client.get(LISTING_URL, params)) == expected


def test_category_filter_includes_sub_categories(staff_client, directory):
    by_parent = staff_client.get(LISTING_URL, {"category": directory["food"].pk})
    assert row_titles(by_parent) == {"Alder Bakery", "Cedar Cafe"}
    by_child = staff_client.get(LISTING_URL, {"category": directory["bakeries"].pk})
    assert row_titles(by_child) == {"Alder Bakery"}


def test_level_filter_narrows_to_members_of_that_level(staff_client, directory):
    response = staff_client.get(LISTING_URL, {"level": directory["leadership"].pk})
    assert row_titles(response) == {"Birch Legal"}


def test_publicly_listed_filter_follows_members_good_standing(staff_client, directory):
    member = directory["alder"].member
    member.status = Member.Status.CANCELLED
    member.save()
    shown = staff_client.get(LISTING_URL, {"publicly_listed": "true"})
    assert row_titles(shown) == {"Birch Legal", "Cedar Cafe"}
    hidden = staff_client.get(LISTING_URL, {"publicly_listed": "false"})
    assert row_titles(hidden) == {"Alder Bakery", "Dogwood Draft"}


def test_search_finds_by_name(staff_client, directory):
    response = staff_client.get(LISTING_URL, {"q": "cedar"})
    assert row_titles(response) == {"Cedar Cafe"}


def test_search_combines_with_filters_and_any_sort_order(staff_client, directory):
    response = staff_client.get(
        LISTING_URL, {"q": "a", "category": directory["food"].pk, "ordering": "-city"}
    )
    assert row_titles(response) == {"Alder Bakery", "Cedar Cafe"}
    for ordering in ("name", "-member", "city", "live", "-_updated_at"):
        assert staff_client.get(LISTING_URL, {"q": "a", "ordering": ordering}).status_code == 200


def test_csv_export_has_a_row_per_filtered_listing(staff_client, directory):
    response = staff_client.get(LISTING_URL, {"export": "csv", "city": "riverside"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="directory-listings.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["Name"] for row in rows] == ["Alder Bakery", "Cedar Cafe"]
    assert rows[0]["Membership level"] == directory["alder"].member.level.name
    assert rows[0]["Published"] == "True"


def test_csv_export_defuses_spreadsheet_formulas_but_keeps_phone_numbers(staff_client, directory):
    BusinessFactory(
        name='=HYPERLINK("https://evil.example","Click")',
        phone="+1 555 010 2000",
        member=MemberFactory(name="@SUM(1+1)"),
    )
    response = staff_client.get(LISTING_URL, {"export": "csv", "q": "HYPERLINK"})
    (row,) = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert row["Name"] == """'=HYPERLINK("https://evil.example","Click")"""
    assert row["Member"] == "'@SUM(1+1)"
    assert row["Phone"] == "+1 555 010 2000"


def test_xlsx_export_is_a_workbook_with_the_listings(staff_client, directory):
    response = staff_client.get(LISTING_URL, {"export": "xlsx"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content[:2] == b"PK"
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "Name"
    assert [row[0] for row in rows[1:]] == [
        "Alder Bakery",
        "Birch Legal",
        "Cedar Cafe",
        "Dogwood Draft",
    ]


def test_business_name_is_escaped_in_the_listing(staff_client, site_tree):
    member = MemberFactory(name="<b>Bold</b> & Co")
    BusinessFactory(name="<script>alert(1)</script>", member=member)
    response = staff_client.get(LISTING_URL)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "<b>Bold</b>" not in response.text
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in response.text


def add_form_data(client, **fields) -> dict[str, list[str]]:
    """The add form's own fields as the browser would post them, with `fields` filled in.

    Returned as a dict of lists: the test client posts only the last value of a QueryDict key.
    """
    response = client.get(LISTING_URL + "add/")
    assert response.status_code == 200
    data = querydict_from_html(response.text, form_id="w-editor-form")
    for name, value in fields.items():
        if isinstance(value, list):
            data.setlist(name, value)
        else:
            data[name] = value
    return dict(data.lists())


def test_staff_create_a_listing_and_publish_it(staff_client, directory):
    member = MemberFactory(name="Elm Dental")
    data = add_form_data(
        staff_client,
        member=str(member.pk),
        name="Elm Street Dental",
        summary="Family dentistry.",
        description=rich_text("<p>Open <b>late</b> on Thursdays.</p>"),
        categories=[str(directory["law"].pk), str(directory["bakeries"].pk)],
        street="12 Elm Street",
        city="Riverside",
        phone="(555) 010-3000",
        phone_visibility="public",
        email="hello@elm.example",
        email_visibility="members",
        website="https://elm.example/",
        opening_hours="Mon-Fri 8am-6pm",
    )
    response = staff_client.post(LISTING_URL + "add/", data)
    assert response.status_code == 302, response.context["form"].errors
    business = Business.objects.get(name="Elm Street Dental")
    assert not business.live  # saved as a draft
    assert business.slug == "elm-street-dental"
    assert set(business.categories.all()) == {directory["law"], directory["bakeries"]}

    data["action-publish"] = "action-publish"
    response = staff_client.post(LISTING_URL + f"edit/{business.pk}/", data)
    assert response.status_code == 302
    business.refresh_from_db()
    assert business.live
    assert business.city_slug == "riverside"
    assert "late" in business.description
    assert Business.objects.publicly_listed().filter(pk=business.pk).exists()


def test_staff_create_and_publish_in_one_step(staff_client, directory):
    data = add_form_data(
        staff_client,
        member=str(directory["alder"].member_id),
        name="Alder Bakery Northside",
        city="Hillcrest",
    )
    data["action-publish"] = "action-publish"
    response = staff_client.post(LISTING_URL + "add/", data)
    assert response.status_code == 302
    assert Business.objects.get(name="Alder Bakery Northside").live


def test_invalid_listing_is_not_saved(staff_client, directory):
    data = add_form_data(
        staff_client,
        member=str(directory["alder"].member_id),
        name="Broken",
        city="Riverside",
        website="not a url",
        latitude="123",
    )
    data["action-publish"] = "action-publish"
    response = staff_client.post(LISTING_URL + "add/", data)
    assert response.status_code == 200  # the form again, with its errors
    assert set(response.context["form"].errors) >= {"website", "latitude"}
    assert not Business.objects.filter(name="Broken").exists()


def test_staff_unpublish_a_listing(staff_client, directory):
    alder = directory["alder"]
    alder.save_revision().publish()
    url = LISTING_URL + f"unpublish/{alder.pk}/"
    assert staff_client.get(url).status_code == 200
    assert staff_client.post(url).status_code == 302
    alder.refresh_from_db()
    assert not alder.live
    assert not Business.objects.publicly_listed().filter(pk=alder.pk).exists()


def test_a_staff_draft_of_a_published_listing_stays_out_of_search(staff_client, directory):
    alder = directory["alder"]
    alder.save_revision().publish()
    edit_url = LISTING_URL + f"edit/{alder.pk}/"
    data = querydict_from_html(staff_client.get(edit_url).text, form_id="w-editor-form")
    data["summary"] = "Zanzibar spice rolls."

    response = staff_client.post(edit_url, dict(data.lists()))  # "Save draft"

    assert response.status_code == 302
    alder.refresh_from_db()
    assert alder.has_unpublished_changes
    assert alder.summary == "A local business."
    public = Business.objects.publicly_listed()
    assert not public.search("zanzibar", backend="directory").results()
    assert [b.pk for b in public.search("alder", backend="directory")] == [alder.pk]

    data["action-publish"] = "action-publish"
    staff_client.post(edit_url, dict(data.lists()))

    assert [b.pk for b in public.search("zanzibar", backend="directory")] == [alder.pk]


def test_staff_see_and_compare_revisions(staff_client, directory):
    alder = directory["alder"]
    first = alder.save_revision()
    first.publish()
    alder.summary = "Sourdough since 1999."
    second = alder.save_revision()

    history = staff_client.get(LISTING_URL + f"history/{alder.pk}/")
    assert history.status_code == 200
    compare_url = LISTING_URL + f"history/{alder.pk}/revisions/compare/{first.pk}...{second.pk}/"
    compare = staff_client.get(compare_url)
    assert compare.status_code == 200
    assert "Sourdough since 1999." in compare.text
    assert (
        staff_client.get(
            LISTING_URL + f"history/{alder.pk}/revisions/compare/live...latest/"
        ).status_code
        == 200
    )
    assert Revision.objects.for_instance(alder).count() == 2


def test_staff_lock_and_unlock_a_listing(staff_client, directory):
    alder = directory["alder"]
    assert staff_client.post(LISTING_URL + f"lock/{alder.pk}/").status_code == 302
    alder.refresh_from_db()
    assert alder.locked
    assert staff_client.post(LISTING_URL + f"unlock/{alder.pk}/").status_code == 302
    alder.refresh_from_db()
    assert not alder.locked


def test_edit_form_has_the_listing_location_and_contact_tabs(staff_client, directory):
    response = staff_client.get(LISTING_URL + f"edit/{directory['alder'].pk}/")
    assert response.status_code == 200
    for tab in ("Listing", "Location", "Contact"):
        assert f">{tab}<" in response.text.replace("\n", "").replace("  ", "")


def test_categories_listing_filters_by_parent_and_searches(staff_client, directory):
    assert row_titles(staff_client.get(CATEGORY_URL)) == {"Bakeries", "Food and Drink", "Legal"}
    children = staff_client.get(CATEGORY_URL, {"parent": directory["food"].pk})
    assert row_titles(children) == {"Bakeries"}
    assert row_titles(staff_client.get(CATEGORY_URL, {"q": "bake"})) == {"Bakeries"}


def test_staff_add_a_sub_category(staff_client, directory):
    response = staff_client.post(
        CATEGORY_URL + "add/",
        {
            "name": "Patisseries",
            "slug": "patisseries",
            "parent": directory["food"].pk,
            "description": "",
            "sort_order": "3",
        },
    )
    assert response.status_code == 302
    assert Category.objects.get(slug="patisseries").parent == directory["food"]


def test_a_sub_category_cannot_become_a_parent(staff_client, directory):
    response = staff_client.post(
        CATEGORY_URL + "add/",
        {
            "name": "Sourdough",
            "slug": "sourdough",
            "parent": directory["bakeries"].pk,
            "description": "",
            "sort_order": "0",
        },
    )
    assert response.status_code == 200  # the form again, with its errors
    assert "parent" in response.context["form"].errors
    assert not Category.objects.filter(slug="sourdough").exists()


def test_directory_menu_groups_listings_and_categories(staff_client, directory):
    response = staff_client.get("/admin/")
    assert response.status_code == 200
    for label in ("Directory", "Directory listings", "Categories"):
        assert label in response.text


def test_unrelated_user_cannot_reach_the_listing(client, site_tree):
    user = get_user_model().objects.create_user("eve", "eve@example.org", "a long passphrase")
    client.force_login(user)
    assert client.get(LISTING_URL).status_code in (302, 403)
