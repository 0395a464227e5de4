"""Column mappings for the files chambers arrive with: a GrowthZone/ChamberMaster member export
and a Wild Apricot contacts export, so a chamber can upload the file it has.

A preset names the other system's headings for our columns (matched like ours, ignoring case,
spaces and punctuation), the headings joined into one of ours (first and last name into a
contact's name), and how its status words read in ours. Its headings are looked up before our
own, so that its "Member ID" (the other system's number) becomes our Previous ID rather than
this portal's member number. Columns a preset does not name are still read under our headings.

Sources: Wild Apricot's headings are its contact export's system fields ("User ID", "First
name", "Last name", "Organization", "Email", "Phone", "Membership level", "Membership status",
"Member since", "Renewal due"), as in its Admin API contact fields and a chamber's published
export-cleaning script; the address headings are the usual "Work ..." contact fields. No
published GrowthZone/ChamberMaster export heading list was found: its headings are the field
names its support wiki uses for a member record (Member tab "General": name, membership type,
status, join date; "Reps": representatives; "Web": web site, description, categories), in the
spelling of its member list export. Aliases cover the variants seen.
"""

from dataclasses import dataclass, field

from directory.roster.columns import normalise_heading


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    # their heading -> our column key
    columns: dict[str, str]
    # our column key -> their headings, joined with spaces (e.g. first and last names)
    joined: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # their status word -> ours (Member.Status values)
    statuses: dict[str, str] = field(default_factory=dict)

    def column_for(self, heading: str) -> str | None:
        return self._normalised.get(normalise_heading(heading))

    @property
    def _normalised(self) -> dict[str, str]:
        return {normalise_heading(heading): key for heading, key in self.columns.items()}

    def status_for(self, word: str) -> str | None:
        statuses = {normalise_heading(theirs): ours for theirs, ours in self.statuses.items()}
        return statuses.get(normalise_heading(word))


GROWTHZONE = Preset(
    key="growthzone",
    label="GrowthZone / ChamberMaster member export",
    columns={
        "Member ID": "previous_id",
        "MemberID": "previous_id",
        "Member Name": "organisation",
        "Organization Name": "organisation",
        "Organization": "organisation",
        "Membership Type": "level",
        "Membership Level": "level",
        "Member Status": "status",
        "Status": "status",
        "Join Date": "joined",
        "Member Since": "joined",
        "Renewal Date": "paid_through",
        "Dues Paid Through": "paid_through",
        "Paid Through Date": "paid_through",
        "Primary Rep": "primary_name",
        "Primary Rep Email": "primary_email",
        "Primary Rep Phone": "primary_phone",
        "Rep Email": "primary_email",
        "Rep Phone": "primary_phone",
        "Billing Rep": "billing_name",
        "Billing Rep Email": "billing_email",
        "Billing Rep Phone": "billing_phone",
        "Web Site": "website",
        "Website": "website",
        "Web Address": "website",
        "Address Line 1": "address_1",
        "Address Line 2": "address_2",
        "Address": "address_1",
        "City": "town",
        "State": "region",
        "State/Province": "region",
        "Zip": "postcode",
        "Zip Code": "postcode",
        "Postal Code": "postcode",
        "Country": "country",
        "Categories": "categories",
        "Category": "categories",
        "Phone": "listing_phone",
        "Main Phone": "listing_phone",
        "Email": "listing_email",
        "Main Email": "listing_email",
        "Search Description": "summary",
        "Short Description": "summary",
        "Description": "description",
        "Member Description": "description",
    },
    joined={"primary_name": ("Rep First Name", "Rep Last Name")},
    statuses={
        "Active": "active",
        "Courtesy": "active",
        "Prospective": "pending",
        "Pending": "pending",
        "Inactive": "cancelled",
        "Dropped": "cancelled",
        "Non-Member": "cancelled",
    },
)

WILD_APRICOT = Preset(
    key="wildapricot",
    label="Wild Apricot contacts export",
    columns={
        "User ID": "previous_id",
        "Organization": "organisation",
        "Membership level": "level",
        "Membership status": "status",
        "Member since": "joined",
        "Renewal due": "paid_through",
        "Email": "primary_email",
        "Phone": "primary_phone",
        "Work Phone": "listing_phone",
        "Website": "website",
        "Web site": "website",
        "Work Address 1": "address_1",
        "Work Address 2": "address_2",
        "Address": "address_1",
        "Work City": "town",
        "City": "town",
        "Work Province/State": "region",
        "Province/State": "region",
        "State": "region",
        "Work Postal Code": "postcode",
        "Postal code": "postcode",
        "Zip": "postcode",
        "Work Country": "country",
        "Country": "country",
        "Directory listing text": "description",
    },
    joined={"primary_name": ("First name", "Last name")},
    statuses={
        "Active": "active",
        "Lapsed": "lapsed",
        "PendingNew": "pending",
        "Pending - New": "pending",
        "PendingRenewal": "active",
        "Pending - Renewal": "active",
        "PendingUpgrade": "active",
        "Pending - Level change": "active",
        "Suspended": "lapsed",
    },
)

PRESETS = {preset.key: preset for preset in (GROWTHZONE, WILD_APRICOT)}
