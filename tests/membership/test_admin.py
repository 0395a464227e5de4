import csv
import datetime
import io

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from django.utils.formats import date_format
from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import rich_text

from directory.models import Business
from membership.models import FOREVER, Member, MemberContact, MembershipLevel
from tests.factories import (
    BusinessFactory,
    EnhancedLevelFactory,
    MemberContactFactory,
    MemberFactory,
    MembershipLevelFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LEVEL_URL = "/admin/snippets/membership/membershiplevel/"
MEMBER_URL = "/admin/snippets/membership/member/"
CONTACT_URL = "/admin/snippets/membership/membercontact/"
TODAY = timezone.localdate()


def row_titles(response) -> set[str]:
    """The title of each row in an admin listing (not the filter options around it)."""
    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "html.parser")
    return {cell.get_text(strip=True) for cell in soup.select("tbody td.title .title-wrapper")}


def level_form(**changes) -> dict[str, str]:
    return {
        "name": "Sustaining",
        "slug": "sustaining",
        "annual_dues": "450.00",
        "currency": "usd",
        "benefits": rich_text("<ul><li>Logo on your listing</li></ul>"),
        "listing_logo": "on",
        "listing_description": "on",
        "deals_allowed": "2",
        "events_allowed": "1",
        "jobs_allowed": "1",
        "sort_order": "2",
        "active": "on",
        **changes,
    }


def test_staff_create_a_level(staff_client):
    assert staff_client.get(LEVEL_URL + "add/").status_code == 200
    response = staff_client.post(LEVEL_URL + "add/", level_form())
    assert response.status_code == 302
    level = MembershipLevel.objects.get(slug="sustaining")
    assert level.annual_dues == 450
    assert level.listing_logo and level.listing_description
    assert not level.listing_social_links and not level.featured_placement
    assert level.enhanced_listing
    assert "Logo on your listing" in level.benefits
    assert "Sustaining" in row_titles(staff_client.get(LEVEL_URL))


def test_giving_a_level_featured_placement_features_its_members_listings(staff_client):
    level = MembershipLevelFactory()
    business = BusinessFactory(name="Fir Hardware", slug="fir-hardware", member__level=level)
    assert not business.is_featured
    response = staff_client.post(
        LEVEL_URL + f"edit/{level.pk}/",
        level_form(name="Community", slug=level.slug, featured_placement="on"),
    )
    assert response.status_code == 302
    level.refresh_from_db()
    assert level.name == "Community"
    assert level.featured_placement
    assert Business.objects.get(pk=business.pk).is_featured


def test_level_listing_shows_dues_and_whether_offered(staff_client):
    MembershipLevelFactory(name="Community", annual_dues=195)
    EnhancedLevelFactory(active=False)
    response = staff_client.get(LEVEL_URL)
    assert row_titles(response) == {"Community", "Leadership"}
    assert "195.00" in response.text and "995.00" in response.text


@pytest.fixture
def members(site_tree):
    leadership = EnhancedLevelFactory()
    return {
        "active": MemberFactory(name="Aspen Books", status=Member.Status.ACTIVE),
        "past_due": MemberFactory(
            name="Beech Florist",
            status=Member.Status.PAST_DUE,
            paid_through=TODAY - datetime.timedelta(days=5),
            level=leadership,
        ),
        "lapsed": MemberFactory(
            name="Cherry Garage",
            status=Member.Status.LAPSED,
            paid_through=TODAY - datetime.timedelta(days=400),
        ),
        "pending": MemberFactory(name="Damson Deli", status=Member.Status.PENDING),
        # Still "active" in the database: no job has run since its dues ran out.
        "overdue": MemberFactory(
            name="Elm Joinery",
            status=Member.Status.ACTIVE,
            paid_through=TODAY - datetime.timedelta(days=400),
        ),
        "honorary": MemberFactory(
            name="Fir Library", status=Member.Status.ACTIVE, paid_through=None, no_end_date=True
        ),
        "leadership": leadership,
    }


ALL_MEMBERS = {
    "Aspen Books",
    "Beech Florist",
    "Cherry Garage",
    "Damson Deli",
    "Elm Joinery",
    "Fir Library",
}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ALL_MEMBERS),
        ({"status": "active"}, {"Aspen Books", "Fir Library"}),  # by the dates, not the word
        ({"status": "past_due"}, {"Beech Florist"}),
        ({"status": "lapsed"}, {"Cherry Garage", "Elm Joinery"}),
        ({"status": "pending"}, {"Damson Deli"}),
        ({"status": "bogus"}, ALL_MEMBERS),
        ({"in_good_standing": "true"}, {"Aspen Books", "Beech Florist", "Fir Library"}),
        ({"in_good_standing": "false"}, {"Cherry Garage", "Damson Deli", "Elm Joinery"}),
        ({"no_end_date": "true"}, {"Fir Library"}),
        ({"q": "cherry"}, {"Cherry Garage"}),
    ],
)
def test_member_listing_filters_and_search(staff_client, members, params, expected):
    assert row_titles(staff_client.get(MEMBER_URL, params)) == expected


def test_member_listing_filters_by_level(staff_client, members):
    response = staff_client.get(MEMBER_URL, {"level": members["leadership"].pk, "q": "e"})
    assert row_titles(response) == {"Beech Florist"}


def test_member_export_lists_status_and_standing(staff_client, members):
    """The Members list exports the roster (directory/roster/export.py, fully tested in
    tests/directory/test_roster_export.py): status and standing as the list shows them."""
    response = staff_client.get(MEMBER_URL, {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = {row["Organisation"]: row for row in csv.DictReader(io.StringIO(content))}
    assert set(rows) == ALL_MEMBERS
    assert rows["Beech Florist"]["Status"] == "Past due"
    until = TODAY + datetime.timedelta(days=25)
    assert rows["Beech Florist"]["Standing"] == f"In good standing until {until.isoformat()}"
    assert rows["Cherry Garage"]["Standing"] == "Not in good standing"
    assert (rows["Elm Joinery"]["Status"], rows["Elm Joinery"]["Standing"]) == (
        "Lapsed",
        "Not in good standing",
    )
    assert rows["Fir Library"]["Standing"] == "No end date"
    assert rows["Fir Library"]["No end date"] == "Yes"
    xlsx = staff_client.get(MEMBER_URL, {"export": "xlsx"})
    assert b"".join(xlsx.streaming_content)[:2] == b"PK"


def member_form(member: Member, **changes) -> dict[str, str]:
    return {
        "name": member.name,
        "level": str(member.level_id),
        "status": member.status,
        "paid_through": member.paid_through.isoformat() if member.paid_through else "",
        "joined_on": member.joined_on.isoformat(),
        "auto_renew": "on" if member.auto_renew else "",
        "no_end_date": "on" if member.no_end_date else "",
        **changes,
    }


def test_staff_edit_a_member_and_its_listings_follow(staff_client, members):
    member = members["active"]
    member.stripe_customer_id = "cus_123"
    member.save()
    business = BusinessFactory(name="Aspen Books Cafe", slug="aspen-books-cafe", member=member)
    assert Business.objects.publicly_listed().filter(pk=business.pk).exists()
    url = MEMBER_URL + f"edit/{member.pk}/"
    page = staff_client.get(url)
    assert page.status_code == 200
    assert "cus_123" in page.text  # shown read-only

    response = staff_client.post(
        url,
        member_form(
            member,
            name="Aspen Books & Coffee",
            status=Member.Status.CANCELLED,
            stripe_customer_id="cus_forged",
        ),
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.name == "Aspen Books & Coffee"
    assert member.status == Member.Status.CANCELLED
    assert member.stripe_customer_id == "cus_123"  # read-only: the posted value is ignored
    assert not member.in_good_standing()
    assert not Business.objects.publicly_listed().filter(pk=business.pk).exists()


def test_the_admin_shows_a_date_or_no_end_date_never_9999(staff_client, members):
    listing = staff_client.get(MEMBER_URL)
    assert "9999" not in listing.text
    assert "No end date" in listing.text
    assert date_format(TODAY + datetime.timedelta(days=25)) in listing.text  # Beech Florist
    for member in (members["honorary"], members["active"]):
        for view in ("edit", "inspect"):
            page = staff_client.get(MEMBER_URL + f"{view}/{member.pk}/")
            assert page.status_code == 200
            assert "9999" not in page.text
    inspect = staff_client.get(MEMBER_URL + f"inspect/{members['honorary'].pk}/")
    assert "No end date" in inspect.text
    overdue = staff_client.get(MEMBER_URL + f"inspect/{members['overdue'].pk}/")
    assert "Lapsed" in overdue.text  # what the dates say, though no job has run


def test_staff_mark_a_member_no_end_date_and_it_is_logged(staff_client, members):
    member = members["lapsed"]
    url = MEMBER_URL + f"edit/{member.pk}/"
    response = staff_client.post(url, member_form(member, no_end_date="on"))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.no_end_date and member.in_good_standing()
    assert member.good_standing_until == FOREVER
    (entry,) = ModelLogEntry.objects.filter(action="membership.no_end_date", object_id=member.pk)
    assert entry.data == {"to": True, "reason": "edited by staff"}
    assert entry.user_id == int(staff_client.session["_auth_user_id"])
    history = staff_client.get(MEMBER_URL + f"history/{member.pk}/")
    assert "Marked as having no end date (edited by staff)" in history.text

    staff_client.post(url, member_form(member, no_end_date=""))  # ticked off again
    member.refresh_from_db()
    assert not member.no_end_date and not member.in_good_standing()
    assert ModelLogEntry.objects.filter(action="membership.no_end_date").count() == 2


def test_an_active_member_needs_a_paid_through_date(staff_client, members):
    member = members["active"]
    response = staff_client.post(
        MEMBER_URL + f"edit/{member.pk}/", member_form(member, paid_through="", name="Renamed")
    )
    assert response.status_code == 200
    assert "needs a paid-through date" in response.text
    assert 'value="Renamed"' in response.text  # what was typed is kept
    member.refresh_from_db()
    assert member.name == "Aspen Books" and member.paid_through is not None


def test_staff_add_a_member(staff_client, members):
    response = staff_client.post(
        MEMBER_URL + "add/",
        {
            "name": "Elder Print Shop",
            "level": str(members["leadership"].pk),
            "status": Member.Status.PAST_DUE,
            "paid_through": (TODAY - datetime.timedelta(days=3)).isoformat(),
            "joined_on": "2020-01-15",
            "auto_renew": "on",
        },
    )
    assert response.status_code == 302
    member = Member.objects.get(name="Elder Print Shop")
    assert member.level == members["leadership"]
    assert member.in_good_standing()  # within the grace period


def test_member_name_is_escaped_in_the_listing(staff_client, site_tree):
    MemberFactory(name="<script>alert(1)</script>")
    response = staff_client.get(MEMBER_URL)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_staff_link_a_user_to_a_member(staff_client, members):
    user = UserFactory(username="pat")
    response = staff_client.post(
        CONTACT_URL + "add/",
        {"member": str(members["active"].pk), "user": str(user.pk), "role": "billing"},
    )
    assert response.status_code == 302
    contact = MemberContact.objects.get(user=user)
    assert contact.member == members["active"]
    assert contact.role == MemberContact.Role.BILLING
    assert "pat" in row_titles(staff_client.get(CONTACT_URL, {"q": "aspen"}))


def test_a_user_is_linked_to_a_member_only_once(staff_client, members):
    contact = MemberContactFactory(member=members["active"])
    response = staff_client.post(
        CONTACT_URL + "add/",
        {"member": str(members["active"].pk), "user": str(contact.user_id), "role": "staff"},
    )
    assert response.status_code == 200  # the form again, with its errors
    assert MemberContact.objects.filter(user=contact.user).count() == 1


def test_membership_menu_groups_members_levels_and_contacts(staff_client):
    response = staff_client.get("/admin/")
    assert response.status_code == 200
    for label in ("Membership", "Members", "Levels", "Contacts"):
        assert label in response.text
