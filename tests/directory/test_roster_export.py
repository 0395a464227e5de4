"""The roster export (issue #19): the Members list's CSV and XLSX give each member with its
contacts and first listing, in the columns of directory/roster/columns.py, streamed, in a fixed
number of queries, formula-safe, for those who may view members."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from chamber import roles
from chamber.site_url import absolute_url
from directory.models import Business
from directory.roster.columns import HEADINGS
from membership.models import Member, MemberContact
from tests.factories import (
    BusinessFactory,
    EnhancedLevelFactory,
    MemberContactFactory,
    MemberFactory,
    MembershipLevelFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MEMBER_URL = "/admin/snippets/membership/member/"
TODAY = timezone.localdate()
EVIL = '=HYPERLINK("https://evil.example","Click")'


@pytest.fixture
def office(client, site_tree):
    """A client logged in as Membership staff (chamber/roles.py)."""
    user = UserFactory(username="olive")
    user.groups.add(Group.objects.get(name=roles.MEMBERSHIP_STAFF))
    client.force_login(user)
    return client


@pytest.fixture
def roster(directory, categories):
    community = MembershipLevelFactory(name="Community")
    leadership = EnhancedLevelFactory(name="Leadership")
    bakery = MemberFactory(
        name="Harbour Bakery",
        level=community,
        previous_id="GZ-1042",
        joined_on=datetime.date(2019, 5, 1),
        paid_through=TODAY + datetime.timedelta(days=200),
    )
    MemberContactFactory(
        member=bakery,
        user=UserFactory(
            username="ana", first_name="Ana", last_name="Lopez", email="ana@harbour.example"
        ),
        role=MemberContact.Role.PRIMARY,
        phone="+1 555 0100",
    )
    MemberContactFactory(
        member=bakery,
        user=UserFactory(username="bo", first_name="Bo", last_name="Chen", email="bo@acct.example"),
        role=MemberContact.Role.BILLING,
    )
    MemberContactFactory(  # staff contacts are not on the roster
        member=bakery, user=UserFactory(username="cy"), role=MemberContact.Role.STAFF
    )
    BusinessFactory(
        member=bakery,
        name="Harbour Bakery",
        slug="harbour-bakery",
        street="12 Quay Street",
        city="Harbourton",
        region="",
        postcode="HT1 2AB",
        country="United Kingdom",
        categories=[categories["cafes"], categories["bakeries"]],
        phone="+1 555 0101",
        email="hello@harbour.example",
        website="https://harbour.example/",
        summary="Sourdough by the harbour",
        description="<p>Baked daily.</p><p>Since <b>1990</b>.</p>",
        phone_visibility=Business.Visibility.PUBLIC,
        email_visibility=Business.Visibility.MEMBERS,
    )
    BusinessFactory(member=bakery, name="Harbour Bakery Kiosk", city="Elsewhere")  # second
    evil = MemberFactory(
        name=EVIL,
        level=leadership,
        status=Member.Status.ACTIVE,
        paid_through=None,
        no_end_date=True,
    )
    return {"bakery": bakery, "evil": evil, "community": community, "leadership": leadership}


def csv_table(response) -> list[list[str]]:
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel then reads UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def csv_rows(response) -> dict[str, dict[str, str]]:
    headings, *rows = csv_table(response)
    assert headings == HEADINGS
    organisation = HEADINGS.index("Organisation")
    return {row[organisation]: dict(zip(headings, row, strict=True)) for row in rows}


def test_roster_csv_has_every_column_with_contacts_and_the_first_listing(office, roster):
    rows = csv_rows(office.get(MEMBER_URL, {"export": "csv"}))
    assert set(rows) == {"Harbour Bakery", "'" + EVIL}
    bakery = rows["Harbour Bakery"]
    assert bakery == {
        "Member ID": str(roster["bakery"].pk),
        "Previous ID": "GZ-1042",
        "Organisation": "Harbour Bakery",
        "Level": "Community",
        "Status": "Active",
        "Standing": "In good standing until " + roster["bakery"].good_standing_until.isoformat(),
        "Joined": "2019-05-01",
        "Paid through": (TODAY + datetime.timedelta(days=200)).isoformat(),
        "Auto-renew": "No",
        "No end date": "No",
        "Primary contact name": "Ana Lopez",
        "Primary contact e-mail": "ana@harbour.example",
        "Primary contact phone": "+1 555 0100",  # a phone number is not defused
        "Billing contact name": "Bo Chen",
        "Billing contact e-mail": "bo@acct.example",
        "Billing contact phone": "",
        "Listing name": "",  # the listing is named after the member
        "Website": "https://harbour.example/",
        "Address line 1": "12 Quay Street",
        "Address line 2": "",
        "Town": "Harbourton",
        "Region": "",
        "Postcode": "HT1 2AB",
        "Country": "United Kingdom",
        "Categories": "Bakeries; Cafes",
        "Listing phone": "+1 555 0101",
        "Listing e-mail": "hello@harbour.example",
        "Listing summary": "Sourdough by the harbour",
        "Listing description": "Baked daily.\n\nSince 1990.",
        "Phone visibility": "Everyone",
        "E-mail visibility": "Members",
        "Listing URL": absolute_url("/directory/harbour-bakery/"),
    }
    evil = rows["'" + EVIL]
    assert (evil["Level"], evil["Standing"], evil["No end date"]) == (
        "Leadership",
        "No end date",
        "Yes",
    )
    assert evil["Paid through"] == evil["Town"] == evil["Listing URL"] == ""


def test_roster_xlsx_parses_back_with_dates_and_text_never_formulas(office, roster):
    response = office.get(MEMBER_URL, {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="roster.xlsx"')
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook["Roster"]
    headings, *rows = list(sheet.values)
    assert list(headings) == HEADINGS
    by_name = {row[2]: dict(zip(HEADINGS, row, strict=True)) for row in rows}
    assert set(by_name) == {"Harbour Bakery", EVIL}
    bakery = by_name["Harbour Bakery"]
    assert bakery["Member ID"] == roster["bakery"].pk
    assert bakery["Joined"] == datetime.date(2019, 5, 1)
    assert bakery["Categories"] == "Bakeries; Cafes"
    assert bakery["Primary contact e-mail"] == "ana@harbour.example"
    # The member's text stays text: shown as typed, never run.
    cell = next(c for c in sheet["C"] if c.value == EVIL)
    assert cell.data_type == "s"


def test_roster_follows_the_members_list_filters_and_search(office, roster):
    level = roster["leadership"].pk
    assert set(csv_rows(office.get(MEMBER_URL, {"export": "csv", "level": level}))) == {"'" + EVIL}
    assert set(csv_rows(office.get(MEMBER_URL, {"export": "csv", "q": "ana"}))) == {
        "Harbour Bakery"
    }


def bulk_roster(numbers: range, category) -> None:
    """Members numbered `numbers`, each with a primary and a billing contact and a listing."""
    level = MembershipLevelFactory(name="Community")
    members = Member.objects.bulk_create(
        Member(name=f"Bulk {n}", level=level, status="active", paid_through=TODAY) for n in numbers
    )
    users = UserFactory._meta.model.objects.bulk_create(
        UserFactory._meta.model(username=f"bulk{n}-{role}", email=f"{n}-{role}@bulk.example")
        for n in numbers
        for role in ("primary", "billing")
    )
    MemberContact.objects.bulk_create(
        MemberContact(member=members[index // 2], user=user, role=user.username.split("-")[1])
        for index, user in enumerate(users)
    )
    listings = Business.objects.bulk_create(
        Business(member=member, name=member.name, slug=f"bulk-{member.pk}", city="Riverside")
        for member in members
    )
    Business.categories.through.objects.bulk_create(
        Business.categories.through(business=listing, category=category) for listing in listings
    )


def export_queries(client, export_format: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(MEMBER_URL, {"export": export_format})
        b"".join(response.streaming_content)
    return len(queries)


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_roster_streams_in_queries_that_do_not_grow_with_members(
    office, directory, categories, export_format
):
    bulk_roster(range(3), categories["cafes"])
    export_queries(office, export_format)  # the first request fills caches (site, settings)
    few = export_queries(office, export_format)
    bulk_roster(range(3, 30), categories["cafes"])
    assert export_queries(office, export_format) == few
    response = office.get(MEMBER_URL, {"export": "csv"})
    assert isinstance(response, StreamingHttpResponse)
    assert len(csv_table(response)) == 1 + 30


def test_roster_needs_the_permission_to_view_members(client, site_tree, roster):
    """Someone who may only change members opens the list but not the roster (contacts'
    e-mails and phones); an Editor opens neither."""
    user = UserFactory(username="ed")
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="change_member"),
    )
    client.force_login(user)
    assert client.get(MEMBER_URL).status_code == 200
    refused = client.get(MEMBER_URL, {"export": "csv"})
    # Wagtail's admin turns a refusal into "Sorry, you do not have permission": a redirect.
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    editor = UserFactory(username="edna")
    editor.groups.add(Group.objects.get(name=roles.EDITORS))
    client.force_login(editor)
    response = client.get(MEMBER_URL, {"export": "csv"})
    assert response.status_code == 302
    assert not response.has_header("Content-Disposition")


def test_roster_csv_reads_members_only_while_it_streams(office, roster):
    """The view answers before it reads a member (Wagtail's listing would first load them all
    to count them: chamber.viewsets.StreamedExportIndexView); the rows come as the response is
    read."""
    with CaptureQueriesContext(connection) as before:
        response = office.get(MEMBER_URL, {"export": "csv"})
    assert not [query for query in before if '"membership_member"' in query["sql"]]
    with CaptureQueriesContext(connection) as during:
        assert len(csv_table(response)) == 3
    assert [query for query in during if 'FROM "membership_member"' in query["sql"]]
