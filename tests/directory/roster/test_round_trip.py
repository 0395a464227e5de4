"""The round trip (issue #19): the roster the Members list exports (CSV and XLSX) imports
cleanly into an empty site, giving the same members, contacts, levels, dates, listings and
categories. Levels are the site's configuration: the empty site has them, by name."""

import pytest
from django.contrib.auth import get_user_model

from chamber.rich_text import rich_text_to_plain
from directory.models import Business, Category
from directory.roster.importer import roster_import, roster_preview
from directory.roster.preview import ImportOptions
from membership.models import Member, MemberContact
from tests.directory.test_roster_export import EVIL, MEMBER_URL, office, roster  # noqa: F401
from tests.factories import BusinessFactory, MemberFactory

pytestmark = pytest.mark.django_db

ROSTER_ROLES = (MemberContact.Role.PRIMARY, MemberContact.Role.BILLING)


def snapshot() -> dict[str, dict]:
    """Everything the roster carries, per member name."""
    members = {}
    for member in Member.objects.select_related("level").order_by("pk"):
        contacts = MemberContact.objects.filter(member=member, role__in=ROSTER_ROLES)
        listing = Business.objects.filter(member=member).order_by("pk").first()
        members[member.name] = {
            "level": member.level.name,
            "status": member.status,
            "joined": member.joined_on,
            "paid_through": member.paid_through,
            "standing": member.good_standing_until,
            "auto_renew": member.auto_renew,
            "no_end_date": member.no_end_date,
            "contacts": sorted(
                (c.role, c.user.email, c.user.first_name, c.user.last_name, c.phone)
                for c in contacts.select_related("user")
            ),
            "listing": listing
            and {
                "name": listing.name,
                "live": listing.live,
                "address": (listing.street, listing.city, listing.region, listing.postcode),
                "country": listing.country,
                "contact": (listing.phone, listing.email, listing.website),
                "visibility": (listing.phone_visibility, listing.email_visibility),
                "summary": listing.summary,
                "description": rich_text_to_plain(listing.description),
                "categories": sorted(c.name for c in listing.categories.all()),
            },
        }
    return members


def empty_the_site(keep_user) -> None:
    Business.objects.all().delete()
    Member.objects.all().delete()
    get_user_model().objects.exclude(pk=keep_user.pk).delete()
    Category.objects.filter(parent__isnull=False).delete()
    Category.objects.all().delete()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_roster_export_imports_into_an_empty_site_as_it_was(office, roster, file_format):  # noqa: F811
    BusinessFactory(member=MemberFactory(name="Quiet Members Co", level=roster["community"]))
    before = snapshot()
    response = office.get(MEMBER_URL, {"export": file_format})
    assert response.status_code == 200
    exported = b"".join(response.streaming_content)
    staff_user = get_user_model().objects.get(username="olive")
    empty_the_site(keep_user=staff_user)
    assert not Member.objects.exists()

    preview = roster_preview(
        exported,
        file_name=f"roster.{file_format}",
        options=ImportOptions(create_categories=True, date_order="dmy"),
    )
    assert [str(error) for error in preview.errors] == []
    roster_import(preview=preview, user=staff_user)

    after = snapshot()
    assert set(after) == set(before) == {"Harbour Bakery", EVIL, "Quiet Members Co"}
    for name, was in before.items():
        assert after[name] == was, name
    # An id this site doesn't know is kept as the previous system's, so a second import of
    # the same file updates these members rather than adding them again.
    assert Member.objects.get(name="Harbour Bakery").previous_id == "GZ-1042"
    roster_import(
        preview=roster_preview(
            exported, file_name=f"roster.{file_format}", options=ImportOptions()
        ),
        user=staff_user,
    )
    assert Member.objects.count() == 3
