"""Presets read a GrowthZone/ChamberMaster or Wild Apricot export as it comes."""

import datetime

import pytest

from directory.models import Business
from directory.roster.importer import roster_import, roster_preview
from directory.roster.preview import Action, ImportOptions
from membership.models import Member
from tests.directory.roster.helpers import csv_bytes

pytestmark = pytest.mark.django_db

WILD_APRICOT = [
    "User ID",
    "First name",
    "Last name",
    "Organization",
    "Email",
    "Phone",
    "Membership level",
    "Membership status",
    "Member since",
    "Renewal due",
    "Work City",
    "Archived",
]
GROWTHZONE = [
    "Member ID",
    "Member Name",
    "Membership Type",
    "Status",
    "Join Date",
    "Renewal Date",
    "Rep First Name",
    "Rep Last Name",
    "Rep Email",
    "Web Site",
    "Address Line 1",
    "City",
    "State",
    "Zip",
    "Categories",
]


def test_a_wild_apricot_contacts_export(site_tree, levels):
    row = {
        "User ID": "58213",
        "First name": "Ana",
        "Last name": "Lopez",
        "Organization": "Harbour Bakery",
        "Email": "ana@harbourbakery.example",
        "Phone": "555 0100",
        "Membership level": "Community",
        "Membership status": "PendingRenewal",
        "Member since": "15 Jan 2019",
        "Renewal due": "15 Jan 2027",
        "Work City": "Harbourton",
        "Archived": "no",
    }
    data = csv_bytes(row, headings=WILD_APRICOT)
    preview = roster_preview(data, file_name="wa.csv", options=ImportOptions(preset="wildapricot"))
    assert [str(e) for e in preview.errors] == []
    assert preview.ignored_headings == ["Archived"]
    roster_import(preview=preview)
    member = Member.objects.get()
    assert (member.name, member.previous_id, member.status) == ("Harbour Bakery", "58213", "active")
    assert (member.joined_on, member.paid_through) == (
        datetime.date(2019, 1, 15),
        datetime.date(2027, 1, 15),
    )
    contact = member.contacts.select_related("user").get()
    assert (contact.user.get_full_name(), contact.phone) == ("Ana Lopez", "555 0100")
    assert Business.objects.get().city == "Harbourton"


def test_a_growthzone_member_export(site_tree, levels, bakeries):
    row = {
        "Member ID": "1042",
        "Member Name": "Quay Books",
        "Membership Type": "Leadership",
        "Status": "Courtesy",
        "Join Date": "05/01/2019",
        "Renewal Date": "04/30/2027",
        "Rep First Name": "Ben",
        "Rep Last Name": "Quay",
        "Rep Email": "ben@quaybooks.example",
        "Web Site": "www.quaybooks.example",
        "Address Line 1": "1 Quay Street",
        "City": "Harbourton",
        "State": "ME",
        "Zip": "04001",
        "Categories": "Bakeries",
    }
    data = csv_bytes(row, headings=GROWTHZONE)
    options = ImportOptions(preset="growthzone", date_order="mdy")
    preview = roster_preview(data, file_name="gz.csv", options=options)
    assert [str(e) for e in preview.errors] == []
    # Their "Member ID" is their number, not ours: kept as the previous id, never an update.
    assert preview.rows[0].action == Action.NEW
    roster_import(preview=preview)
    member = Member.objects.get()
    assert (member.previous_id, member.level, member.status) == (
        "1042",
        levels["leadership"],
        "active",
    )
    assert member.paid_through == datetime.date(2027, 4, 30)
    listing = Business.objects.get()
    assert (listing.website, listing.region, listing.postcode) == (
        "https://www.quaybooks.example",
        "ME",
        "04001",
    )
    assert member.contacts.get().user.get_full_name() == "Ben Quay"


def test_without_a_preset_other_systems_headings_are_ignored(site_tree, levels):
    row = {"Organization": "Harbour Bakery", "Membership level": "Community"}
    data = csv_bytes(row, headings=["Organization", "Membership level"])
    preview = roster_preview(data, file_name="wa.csv", options=ImportOptions())
    assert [str(e) for e in preview.errors] == [
        "Row 1, Organisation: the file has no Organisation column (see the template)"
    ]
