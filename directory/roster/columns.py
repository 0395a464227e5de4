"""The roster's columns: one list that the export writes, the import reads, the downloadable
template shows and the README documents.

A roster row is a member organisation with its primary and billing contacts and its (first)
directory listing. The roster lives in `directory` because a row spans both apps: membership
knows the member and its contacts, the directory its address, website and categories.

Headings are matched case-insensitively, ignoring spaces, hyphens and underscores, so "Paid
through", "paid_through" and "PAID-THROUGH" are the same column; `aliases` are other names the
import accepts. Columns with `exported_only` are written for people to read and ignored on
import (standing is computed from the dates, the listing URL from the slug).
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    help: str
    example: str = ""
    aliases: tuple[str, ...] = field(default=())
    exported_only: bool = False


COLUMNS: tuple[Column, ...] = (
    Column(
        "member_id",
        "Member ID",
        "This portal's member number, as exported. Fill in to update that member; leave empty "
        "for a new member. An id this site doesn't know is kept as the previous system's id.",
        "",
    ),
    Column(
        "previous_id",
        "Previous ID",
        "The member's id in the system you are moving from (GrowthZone, Wild Apricot...). A "
        "second import of the same file updates these members instead of adding them again.",
        "GZ-1042",
    ),
    Column(
        "organisation",
        "Organisation",
        "The member organisation's name. Required.",
        "Harbour Bakery",
    ),
    Column(
        "level",
        "Level",
        "A membership level's name or slug, as set up under Membership > Levels. Required for "
        "a new member.",
        "Business",
    ),
    Column(
        "status",
        "Status",
        "Pending, Active, Past due, Lapsed or Cancelled. Empty: Active if the member is paid "
        "through a date, otherwise Pending.",
        "Active",
    ),
    Column(
        "standing",
        "Standing",
        "Exported only: what the dates say today (In good standing until ..., No end date, Not "
        "in good standing).",
        exported_only=True,
    ),
    Column(
        "joined",
        "Joined",
        "Member since: a date (2024-03-31, 31/03/2024 or 31 March 2024).",
        "2019-05-01",
    ),
    Column("paid_through", "Paid through", "Last day the dues cover: a date.", "2027-04-30"),
    Column(
        "auto_renew",
        "Auto-renew",
        "Yes or No (a card renewal is only set up through Stripe).",
        "No",
    ),
    Column("no_end_date", "No end date", "Yes for honorary, life and staff members.", "No"),
    Column(
        "primary_name", "Primary contact name", "The person who speaks for the member.", "Ana Lopez"
    ),
    Column(
        "primary_email",
        "Primary contact e-mail",
        "Their log-in e-mail. They get an account without a password (no e-mail is sent unless "
        "you ask for welcome e-mails).",
        "ana@harbourbakery.example",
    ),
    Column("primary_phone", "Primary contact phone", "", "+1 555 0100"),
    Column(
        "billing_name", "Billing contact name", "Who receives dues e-mails, if not the primary.", ""
    ),
    Column("billing_email", "Billing contact e-mail", "", ""),
    Column("billing_phone", "Billing contact phone", "", ""),
    Column(
        "listing_name",
        "Listing name",
        "The name the directory shows, when it is not the organisation's (a trading name).",
        "",
    ),
    Column(
        "website",
        "Website",
        "The listing's website (https:// is added if missing).",
        "https://harbourbakery.example",
    ),
    Column("address_1", "Address line 1", "Street address.", "12 Quay Street"),
    Column("address_2", "Address line 2", "Joined to line 1 with a comma.", ""),
    Column("town", "Town", "Town or city. Required for a listing.", "Harbourton"),
    Column("region", "Region", "State, county or region.", ""),
    Column("postcode", "Postcode", "", "HT1 2AB"),
    Column("country", "Country", "", ""),
    Column(
        "categories",
        "Categories",
        "Directory categories by name or slug, separated by semicolons.",
        "Bakeries; Cafes",
    ),
    Column(
        "listing_phone", "Listing phone", "The phone number on the public listing.", "+1 555 0101"
    ),
    Column(
        "listing_email",
        "Listing e-mail",
        "The e-mail address on the listing.",
        "hello@harbourbakery.example",
    ),
    Column(
        "summary",
        "Listing summary",
        "One line under the name (240 characters at most).",
        "Sourdough and cakes by the harbour",
    ),
    Column(
        "description", "Listing description", "Plain text; blank lines start new paragraphs.", ""
    ),
    Column(
        "phone_visibility",
        "Phone visibility",
        "Everyone or Members (who sees the listing phone).",
        "Everyone",
    ),
    Column(
        "email_visibility",
        "E-mail visibility",
        "Everyone or Members (who sees the listing e-mail).",
        "Members",
    ),
    Column(
        "listing_url",
        "Listing URL",
        "Exported only: the public listing's address.",
        exported_only=True,
    ),
)

BY_KEY = {column.key: column for column in COLUMNS}
HEADINGS = [column.heading for column in COLUMNS]


def normalise_heading(heading: str) -> str:
    """ "Paid through", "paid_through" and " PAID-THROUGH " all give "paidthrough"."""
    return "".join(ch for ch in heading.casefold() if ch.isalnum())
