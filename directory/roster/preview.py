"""A roster file read into a preview: every row *new*, *update*, *duplicate*, *skip* or
*error*, with its errors (row and column) and possible duplicates, before anything is written.

The site is read in a handful of queries whatever the file's length (levels, categories, the
members the file names, and what duplicates are matched on); rows are then checked in memory.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models.functions import Lower
from django.utils.text import slugify

from directory.models.listings import Business, Category
from directory.roster import cells
from directory.roster.cells import CellError, cell_text
from directory.roster.columns import BY_KEY, COLUMNS, normalise_heading
from directory.roster.presets import PRESETS, Preset
from directory.roster.reading import Table
from membership.models import Member, MemberContact, MembershipLevel


class Action:
    NEW = "new"
    UPDATE = "update"
    DUPLICATE = "duplicate"
    SKIP = "skip"
    ERROR = "error"


# What staff may decide for a row that looks like a member already there.
UPDATE_MATCH = "update"
SKIP = "skip"
IMPORT_AS_NEW = "new"
DECISIONS = {
    UPDATE_MATCH: "Update the match",
    SKIP: "Skip this row",
    IMPORT_AS_NEW: "Import as a new member",
}


@dataclass
class ImportOptions:
    preset: str = ""
    date_order: str = cells.DAY_FIRST
    create_categories: bool = False
    drafts: bool = False
    send_welcome: bool = False
    on_duplicate: str = SKIP  # the decision for duplicates nobody decided on one by one

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        return f"Row {self.row}, {self.column}: {self.message}"


@dataclass(frozen=True)
class Duplicate:
    reason: str  # "same contact e-mail ana@...", "same website domain", "similar name"
    member_id: int | None = None  # a member already on the site
    member_name: str = ""
    row: int | None = None  # or an earlier row of the file

    def __str__(self):
        if self.row is not None:
            return f"row {self.row} ({self.member_name}): {self.reason}"
        return f"member {self.member_name} (#{self.member_id}): {self.reason}"


@dataclass
class RowPlan:
    number: int  # as in the spreadsheet: the heading row is row 1
    values: dict = field(default_factory=dict)  # cleaned, only for cells that are filled in
    action: str = Action.NEW
    errors: list[RowError] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    member: Member | None = None  # the member an update changes

    def has_error_in(self, heading: str) -> bool:
        return any(error.column == heading for error in self.errors)

    @property
    def organisation(self) -> str:
        return self.values.get("organisation") or (self.member.name if self.member else "")


@dataclass
class Preview:
    file_name: str
    described: str
    options: ImportOptions
    rows: list[RowPlan]
    file_errors: list[RowError] = field(default_factory=list)
    ignored_headings: list[str] = field(default_factory=list)
    missing_categories: list[str] = field(default_factory=list)  # created if asked

    @property
    def errors(self) -> list[RowError]:
        return [*self.file_errors, *(error for row in self.rows for error in row.errors)]

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or any(row.errors for row in self.rows)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {
            action: self.count(action)
            for action in (Action.NEW, Action.UPDATE, Action.DUPLICATE, Action.SKIP, Action.ERROR)
        }

    @property
    def duplicates(self) -> list[RowPlan]:
        return [row for row in self.rows if row.action == Action.DUPLICATE]


# The columns ----------------------------------------------------------------------------------

OUR_HEADINGS = {
    normalise_heading(name): column.key
    for column in COLUMNS
    for name in (column.heading, column.key, *column.aliases)
}
EXPORTED_ONLY = {column.key for column in COLUMNS if column.exported_only}


@dataclass
class Layout:
    """Which cell of a row holds which of our columns, and under what heading."""

    index: dict[str, int]  # our key -> cell index
    joined: dict[str, list[int]]  # our key -> cell indexes joined with spaces
    headings: dict[str, str]  # our key -> the file's heading, for error messages
    ignored: list[str]

    def raw(self, row: list, key: str):
        if key in self.index:
            position = self.index[key]
            return row[position] if position < len(row) else None
        if key in self.joined:
            parts = [cell_text(row[i]) if i < len(row) else "" for i in self.joined[key]]
            return " ".join(part for part in parts if part)
        return None


def layout_of(headings: list[str], preset: Preset | None) -> Layout:
    index, headings_by_key, ignored = {}, {}, []
    joined_headings = {}
    if preset:
        for key, theirs in preset.joined.items():
            for heading in theirs:
                joined_headings[normalise_heading(heading)] = key
    joined = defaultdict(list)
    for position, heading in enumerate(headings):
        name = normalise_heading(heading)
        if not name:
            continue
        key = (preset.column_for(heading) if preset else None) or OUR_HEADINGS.get(name)
        if key is None and name in joined_headings:
            joined[joined_headings[name]].append(position)
            headings_by_key.setdefault(joined_headings[name], heading)
            continue
        if key is None or key in EXPORTED_ONLY or key in index:
            ignored.append(heading)
            continue
        index[key] = position
        headings_by_key[key] = heading
    # A joined column counts only where the file has no column of ours for it.
    joined = {key: positions for key, positions in joined.items() if key not in index}
    for key, column in BY_KEY.items():
        headings_by_key.setdefault(key, column.heading)
    return Layout(index=index, joined=joined, headings=headings_by_key, ignored=ignored)


# The site, read once ------------------------------------------------------------------------


class SiteLookups:
    """What rows are checked against, each read in one query."""

    def __init__(self, table_rows: list[list], layout: Layout):
        self.levels = {}
        for level in MembershipLevel.objects.all():
            self.levels.setdefault(level.slug.casefold(), level)
            self.levels.setdefault(level.name.casefold(), level)
        self.categories = {}
        for category in Category.objects.select_related("parent"):
            self.categories.setdefault(category.slug.casefold(), category)
            self.categories.setdefault(category.name.casefold(), category)
            # "Food & Drink / Bakeries", as a sub-category is named in the admin and exports.
            self.categories.setdefault(str(category).casefold(), category)
        ids = {cell_text(layout.raw(row, "member_id")) for row in table_rows}
        previous = {cell_text(layout.raw(row, "previous_id")) for row in table_rows}
        numeric = {int(value) for value in ids if value.isdigit() and len(value) < 10}
        self.members_by_pk = Member.objects.select_related("level").in_bulk(numeric)
        self.members_by_previous_id = {
            member.previous_id: member
            for member in Member.objects.select_related("level").filter(
                previous_id__in=(ids | previous) - {""}
            )
        }
        self.names = {}
        for pk, name in Member.objects.values_list("pk", "name"):
            self.names.setdefault(cells.normalise_name(name), (pk, name))
        emails = {
            cell_text(layout.raw(row, key)).lower()
            for row in table_rows
            for key in ("primary_email", "billing_email")
        } - {""}
        self.emails = {}
        contacts = (
            MemberContact.objects.filter(role__in=MemberContact.DUES_ROLES)
            .annotate(address=Lower("user__email"))
            .filter(address__in=emails)
            .values_list("address", "member_id", "member__name")
        )
        for address, pk, name in contacts:
            self.emails.setdefault(address, (pk, name))
        self.domains = {}
        websites = Business.objects.exclude(website="").values_list(
            "website", "member_id", "member__name"
        )
        for website, pk, name in websites:
            domain = cells.website_domain(website)
            if domain:
                self.domains.setdefault(domain, (pk, name))

    def level(self, text: str) -> MembershipLevel | None:
        return self.levels.get(text.casefold()) or self.levels.get(slugify(text))

    def category(self, text: str) -> Category | None:
        return self.categories.get(text.casefold()) or self.categories.get(slugify(text))


# Rows -----------------------------------------------------------------------------------------

MAX_LENGTHS = {
    "organisation": 200,
    "listing_name": 200,
    "previous_id": 100,
    "primary_phone": 40,
    "billing_phone": 40,
    "listing_phone": 40,
    "town": 100,
    "region": 100,
    "postcode": 20,
    "country": 100,
    "summary": 240,
    "primary_name": 300,
    "billing_name": 300,
}
TEXT_KEYS = (
    "organisation",
    "listing_name",
    "previous_id",
    "primary_name",
    "primary_phone",
    "billing_name",
    "billing_phone",
    "address_1",
    "address_2",
    "town",
    "region",
    "postcode",
    "country",
    "listing_phone",
    "summary",
    "description",
)


def _parse_row(number: int, row: list, layout: Layout, site: SiteLookups, options, preset):
    plan = RowPlan(number=number)
    values = plan.values

    def error(key: str, message: str):
        plan.errors.append(RowError(number, layout.headings[key], message))

    for key in TEXT_KEYS:
        text = cell_text(layout.raw(row, key))
        if not text:
            continue
        if key in MAX_LENGTHS and len(text) > MAX_LENGTHS[key]:
            error(key, f"longer than {MAX_LENGTHS[key]} characters")
        values[key] = text
    street = ", ".join(v for v in (values.get("address_1"), values.get("address_2")) if v)
    if street:
        if len(street) > 200:
            error("address_1", "the address is longer than 200 characters")
        values["street"] = street

    member_id = cell_text(layout.raw(row, "member_id"))
    if member_id:
        values["member_id"] = member_id

    level_text = cell_text(layout.raw(row, "level"))
    if level_text:
        level = site.level(level_text)
        if level is None:
            error("level", f"unknown level “{level_text}”")
        else:
            values["level"] = level

    parsers = {
        "status": lambda cell: cells.parse_status(cell, preset),
        "joined": lambda cell: cells.parse_date(cell, order=options.date_order),
        "paid_through": lambda cell: cells.parse_date(cell, order=options.date_order),
        "auto_renew": cells.parse_yes_no,
        "no_end_date": cells.parse_yes_no,
        "primary_email": cells.parse_email,
        "billing_email": cells.parse_email,
        "listing_email": cells.parse_email,
        "website": cells.parse_website,
        "phone_visibility": cells.parse_visibility,
        "email_visibility": cells.parse_visibility,
    }
    for key, parse in parsers.items():
        try:
            value = parse(layout.raw(row, key))
        except CellError as problem:
            error(key, str(problem))
            continue
        if value not in (None, ""):
            values[key] = value

    names = cells.split_list(layout.raw(row, "categories"))
    found, missing = [], []
    for name in names:
        category = site.category(name)
        if category is not None:
            found.append(category)
        else:
            missing.append(name)
    if names:
        values["categories"] = found
        values["missing_categories"] = missing
    if missing and not options.create_categories:
        listed = ", ".join(f"“{name}”" for name in missing)
        error(
            "categories",
            f"unknown category {listed} (tick “Create missing categories” to add it)",
        )
    elif missing:
        plan.notes.append("New categories: " + ", ".join(missing))
    return plan


def _match(plan: RowPlan, site: SiteLookups) -> None:
    """The member an update changes: this portal's member number, or the previous system's id
    (as a Previous ID, or a Member ID this site does not know)."""
    values = plan.values
    member_id = values.get("member_id", "")
    if member_id.isdigit() and int(member_id) in site.members_by_pk:
        plan.member = site.members_by_pk[int(member_id)]
        return
    previous_id = values.get("previous_id") or member_id
    if member_id and "previous_id" not in values:
        if len(member_id) > 100:
            plan.errors.append(RowError(plan.number, "Member ID", "longer than 100 characters"))
        values["previous_id"] = member_id
    if previous_id and previous_id in site.members_by_previous_id:
        plan.member = site.members_by_previous_id[previous_id]


def _check_new(plan: RowPlan, headings: dict) -> None:
    """What a new member needs: a level, and a paid-through date if it is paying."""
    values = plan.values
    if plan.member is None and "level" not in values and not plan.has_error_in(headings["level"]):
        plan.errors.append(RowError(plan.number, headings["level"], "required for a new member"))
    member = plan.member
    status = values.get("status") or (member.status if member else None)
    if status is None:
        paid = values.get("paid_through") or values.get("no_end_date")
        status = Member.Status.ACTIVE if paid else Member.Status.PENDING
        values["status"] = status
    paid_through = values.get("paid_through") or (member.paid_through if member else None)
    no_end_date = values.get("no_end_date", member.no_end_date if member else False)
    if status in ("active", "past_due", "lapsed") and not paid_through and not no_end_date:
        plan.errors.append(
            RowError(
                plan.number,
                headings["paid_through"],
                f"a {Member.Status(status).label.lower()} member needs a paid-through date "
                "(or “Yes” under No end date)",
            )
        )


class _Seen:
    """Duplicate keys of the rows read so far (e-mail, domain, normalised name -> row)."""

    def __init__(self):
        self.emails, self.domains, self.names = {}, {}, {}


def _duplicates(plan: RowPlan, site: SiteLookups, seen: _Seen) -> None:
    values = plan.values
    emails = [values[key] for key in ("primary_email", "billing_email") if values.get(key)]
    domain = cells.website_domain(values.get("website", ""))
    name = cells.normalise_name(values.get("organisation", ""))
    found = []
    for email in emails:
        if email in site.emails:
            pk, member_name = site.emails[email]
            found.append(Duplicate(f"same contact e-mail {email}", pk, member_name))
        if email in seen.emails:
            row, row_name = seen.emails[email]
            found.append(Duplicate(f"same contact e-mail {email}", member_name=row_name, row=row))
    if domain:
        if domain in site.domains:
            pk, member_name = site.domains[domain]
            found.append(Duplicate(f"same website domain {domain}", pk, member_name))
        if domain in seen.domains:
            row, row_name = seen.domains[domain]
            found.append(Duplicate(f"same website domain {domain}", member_name=row_name, row=row))
    if name:
        if name in site.names:
            pk, member_name = site.names[name]
            found.append(Duplicate("a very similar organisation name", pk, member_name))
        if name in seen.names:
            row, row_name = seen.names[name]
            found.append(
                Duplicate("a very similar organisation name", member_name=row_name, row=row)
            )
    plan.duplicates = list(dict.fromkeys(found))
    label = (plan.number, values.get("organisation", ""))
    for email in emails:
        seen.emails.setdefault(email, label)
    if domain:
        seen.domains.setdefault(domain, label)
    if name:
        seen.names.setdefault(name, label)


def build_preview(table: Table, *, file_name: str, options: ImportOptions) -> Preview:
    preset = PRESETS.get(options.preset) if options.preset else None
    layout = layout_of(table.headings, preset)
    preview = Preview(
        file_name=file_name,
        described=table.described,
        options=options,
        rows=[],
        ignored_headings=layout.ignored,
    )
    if "organisation" not in layout.index:
        preview.file_errors.append(
            RowError(1, "Organisation", "the file has no Organisation column (see the template)")
        )
        return preview
    site = SiteLookups(table.rows, layout)
    seen = _Seen()
    missing = {}
    for offset, row in enumerate(table.rows):
        number = offset + 2
        if not any(cell_text(cell) for cell in row):
            continue  # an empty line, as spreadsheets leave at the end
        plan = _parse_row(number, row, layout, site, options, preset)
        if "organisation" not in plan.values:
            plan.errors.append(RowError(number, layout.headings["organisation"], "missing"))
        _match(plan, site)
        _check_new(plan, layout.headings)
        for name in plan.values.get("missing_categories", ()):
            missing.setdefault(name.casefold(), name)
        if plan.member is None:
            _duplicates(plan, site, seen)
        if plan.errors:
            plan.action = Action.ERROR
        elif plan.member is not None:
            plan.action = Action.UPDATE
        elif plan.duplicates:
            plan.action = Action.DUPLICATE
        else:
            plan.action = Action.NEW
        if "town" not in plan.values and not (plan.member and plan.action == Action.UPDATE):
            plan.notes.append("No listing: the row has no town.")
        preview.rows.append(plan)
    preview.missing_categories = sorted(missing.values(), key=str.casefold)
    return preview
