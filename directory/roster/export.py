"""The roster export: one row per member, in the columns of directory/roster/columns.py, as
CSV or XLSX (chamber/exports.py), streamed.

It is the Members list's export (registered in directory/apps.py through
membership/member_exports.py), so it exports the members the list's filters and search select,
in the list's order. A row is the member, its first primary and first billing contact (the
oldest of each), and its first directory listing (the oldest): what the roster import reads
back. Standing is what the stored good-standing date says today (`standing_label`), status
what the dates say today (`Member.status_on`, annotated in SQL by `with_current_status`).

Queries do not grow with the members: the members are read in chunks of
`chamber.exports.CHUNK_SIZE`, and each chunk's contacts (with their users), listings and the
listings' categories in one query each (tests/directory/test_roster_export.py pins it).
"""

from collections.abc import Iterator

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet

from chamber.exports import CHUNK_SIZE, Cell, Sheet, spreadsheet_response
from chamber.rich_text import rich_text_to_plain
from chamber.site_url import absolute_url
from directory.models import Business, Category, DirectoryPage
from directory.roster.columns import COLUMNS, HEADINGS
from membership.models import Member, MemberContact

PERMISSION = "membership.view_member"
CONTACT_FIELDS = ("member", "role", "phone", "user__first_name", "user__last_name", "user__email")
LISTING_FIELDS = (
    "member",
    "name",
    "slug",
    "live",
    "website",
    "street",
    "city",
    "region",
    "postcode",
    "country",
    "phone",
    "email",
    "summary",
    "description",
    "phone_visibility",
    "email_visibility",
)
VISIBILITY = {Business.Visibility.PUBLIC: "Everyone", Business.Visibility.MEMBERS: "Members"}


def roster_members(members: QuerySet) -> QuerySet:
    """`members` with what a roster row needs, fetched per chunk rather than per member."""
    # Only the columns written: a user's row is wide, and 100,000 of them add up.
    contacts = (
        MemberContact.objects.filter(role__in=MemberContact.DUES_ROLES)
        .select_related("user")
        .only(*CONTACT_FIELDS)
        .order_by("pk")
    )
    categories = Category.objects.only("name").order_by("name")
    listings = (
        Business.objects.only(*LISTING_FIELDS)
        .order_by("pk")
        .prefetch_related(Prefetch("categories", queryset=categories))
    )
    if "current_status" not in members.query.annotations:
        members = members.with_current_status()
    return members.select_related("level").prefetch_related(
        Prefetch("contacts", queryset=contacts, to_attr="roster_contacts"),
        Prefetch("businesses", queryset=listings, to_attr="roster_listings"),
    )


def directory_url() -> str:
    """The directory page's absolute address, ending in a slash ("" without a live one)."""
    directory = DirectoryPage.objects.live().first()
    return absolute_url(directory.url) if directory and directory.url else ""


def standing_label(member: Member) -> str:
    """What the stored standing says today, in the column's words: "In good standing until
    2027-05-30", "No end date" or "Not in good standing" (`Member.in_good_standing`)."""
    if not member.in_good_standing():
        return "Not in good standing"
    if not member.has_end_date:
        return "No end date"
    return f"In good standing until {member.good_standing_until.isoformat()}"


def _contact(member: Member, role: str) -> dict[str, Cell]:
    contact = next((c for c in member.roster_contacts if c.role == role), None)
    if contact is None:
        return {"name": "", "email": "", "phone": ""}
    user = contact.user
    return {"name": user.get_full_name(), "email": user.email, "phone": contact.phone}


def roster_row(member: Member, *, listings_url: str) -> dict[str, Cell]:
    """A member as a roster row, by column key."""
    primary = _contact(member, MemberContact.Role.PRIMARY)
    billing = _contact(member, MemberContact.Role.BILLING)
    listing = member.roster_listings[0] if member.roster_listings else None
    row: dict[str, Cell] = {
        "member_id": member.pk,
        "previous_id": member.previous_id,
        "organisation": member.name,
        "level": member.level.name,
        "status": member.get_current_status_display(),
        "standing": standing_label(member),
        "joined": member.joined_on,
        "paid_through": member.paid_through,
        "auto_renew": member.auto_renew,
        "no_end_date": member.no_end_date,
        "primary_name": primary["name"],
        "primary_email": primary["email"],
        "primary_phone": primary["phone"],
        "billing_name": billing["name"],
        "billing_email": billing["email"],
        "billing_phone": billing["phone"],
    }
    if listing is not None:
        row |= {
            "listing_name": listing.name if listing.name != member.name else "",
            "website": listing.website,
            "address_1": listing.street,
            "address_2": "",
            "town": listing.city,
            "region": listing.region,
            "postcode": listing.postcode,
            "country": listing.country,
            "categories": "; ".join(category.name for category in listing.categories.all()),
            "listing_phone": listing.phone,
            "listing_email": listing.email,
            "summary": listing.summary,
            "description": rich_text_to_plain(listing.description),
            "phone_visibility": VISIBILITY.get(listing.phone_visibility, ""),
            "email_visibility": VISIBILITY.get(listing.email_visibility, ""),
            # A listing never published has no public page yet.
            "listing_url": f"{listings_url}{listing.slug}/"
            if listings_url and listing.live
            else "",
        }
    return row


def roster_rows(members: QuerySet) -> Iterator[list[Cell]]:
    listings_url = directory_url()
    keys = [column.key for column in COLUMNS]
    for member in roster_members(members).iterator(chunk_size=CHUNK_SIZE):
        row = roster_row(member, listings_url=listings_url)
        yield [row.get(key, "") for key in keys]


def roster_export(request, members: QuerySet, export_format: str):
    """The Members list's export (membership/member_exports.py): contacts' names, e-mails and
    phones, so it asks for the permission to view members, whatever else opened the list."""
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    sheet = Sheet(title="Roster", headings=HEADINGS, rows=roster_rows(members))
    return spreadsheet_response(export_format, "roster", [sheet])
