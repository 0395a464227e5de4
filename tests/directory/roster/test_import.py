"""The roster import's engine (directory/roster): a good file in CSV and XLSX, every error kind
with its row and column, duplicates, all-or-nothing writing, accounts and welcome e-mails,
drafts and published listings."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from wagtail.models import ModelLogEntry, ReferenceIndex

from directory.actions import MEMBER_IMPORTED
from directory.models import Business, Category
from directory.roster.importer import ImportRefused, roster_import, roster_preview
from directory.roster.preview import IMPORT_AS_NEW, SKIP, UPDATE_MATCH, Action, ImportOptions
from membership.models import Member, MemberContact
from membership.models.members import FOREVER
from membership.services import PASSWORD_LINK_SENT
from tests.directory.roster.helpers import csv_bytes, harbour, quay, xlsx_bytes
from tests.factories import BusinessFactory, CategoryFactory, MemberContactFactory, MemberFactory
from tests.mail import committed

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def roster_site(site_tree, levels, bakeries):
    CategoryFactory(name="Cafes", slug="cafes")
    return levels


def preview_of(data: bytes, name="roster.csv", **options):
    return roster_preview(data, file_name=name, options=ImportOptions(**options))


def errors_of(preview) -> list[str]:
    return [str(error) for error in preview.errors]


def counts():
    return (
        Member.objects.count(),
        MemberContact.objects.count(),
        Business.objects.count(),
        User.objects.count(),
        Category.objects.count(),
    )


# A good file --------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_good_file_imports_members_contacts_and_listings(roster_site, file_format):
    build = csv_bytes if file_format == "csv" else xlsx_bytes
    preview = preview_of(build(harbour(), quay()), name=f"roster.{file_format}")
    assert errors_of(preview) == []
    assert [row.action for row in preview.rows] == [Action.NEW, Action.NEW]

    result = roster_import(preview=preview)

    assert len(result.created) == 2
    harbour_member = Member.objects.get(name="Harbour Bakery")
    assert harbour_member.level == roster_site["community"]
    assert harbour_member.status == Member.Status.ACTIVE
    assert harbour_member.joined_on == datetime.date(2019, 5, 1)
    assert harbour_member.paid_through == datetime.date(2027, 4, 30)
    # Member.save computed the standing (paid through + the grace period).
    assert harbour_member.good_standing_until > harbour_member.paid_through
    assert Member.objects.get(name="Quay Books").good_standing_until == FOREVER

    contacts = {c.user.email: c for c in harbour_member.contacts.select_related("user")}
    assert set(contacts) == {"ana@harbourbakery.example", "accounts@harbourbakery.example"}
    ana = contacts["ana@harbourbakery.example"]
    assert (ana.role, ana.phone) == (MemberContact.Role.PRIMARY, "+1 555 0100")
    assert (ana.user.first_name, ana.user.last_name) == ("Ana", "Lopez")
    assert contacts["accounts@harbourbakery.example"].role == MemberContact.Role.BILLING

    listing = Business.objects.get(member=harbour_member)
    assert listing.live
    assert listing.website == "https://harbourbakery.example"
    assert listing.street == "12 Quay Street"
    assert listing.city == "Harbourton"
    assert listing.phone_visibility == Business.Visibility.PUBLIC
    assert listing.email_visibility == Business.Visibility.MEMBERS
    assert [c.slug for c in listing.categories.all()] == ["bakeries"]
    # Plain text became paragraphs, every character escaped.
    assert listing.description == "<p>Fresh bread.</p><p>Cakes &amp; &lt;pies&gt;.</p>"
    assert Business.objects.publicly_listed().filter(member=harbour_member).exists()

    entry = ModelLogEntry.objects.get(action=MEMBER_IMPORTED, object_id=str(harbour_member.pk))
    assert entry.data["file"] == f"roster.{file_format}"
    assert entry.message == f"Imported from roster.{file_format} (row 2)"


def test_imported_accounts_have_no_usable_password_and_get_no_mail(roster_site):
    preview = preview_of(csv_bytes(harbour(), quay()))
    with committed():
        result = roster_import(preview=preview)
    assert result.accounts_created == 3
    assert not any(user.has_usable_password() for user in User.objects.filter(is_staff=False))
    assert mail.outbox == []


def test_welcome_emails_are_the_set_password_link_and_go_only_when_asked(roster_site):
    staff = User.objects.create_user("office", "office@chamber.example", "a long passphrase")
    preview = preview_of(csv_bytes(quay()), send_welcome=True)
    with committed():
        result = roster_import(preview=preview, user=staff)
    assert result.welcomes_sent == 1
    assert [message.to for message in mail.outbox] == [["ben@quaybooks.example"]]
    assert "/reset/" in mail.outbox[0].body or "password" in mail.outbox[0].body.lower()
    member = Member.objects.get(name="Quay Books")
    assert ModelLogEntry.objects.filter(
        action=PASSWORD_LINK_SENT, object_id=str(member.pk), user=staff
    ).exists()


def test_an_existing_account_is_reused_and_keeps_its_password(roster_site):
    ana = User.objects.create_user("ana", "Ana@HarbourBakery.example", "her own passphrase")
    roster_import(preview=preview_of(csv_bytes(harbour())))
    ana.refresh_from_db()
    assert ana.has_usable_password()
    assert MemberContact.objects.filter(user=ana, role=MemberContact.Role.PRIMARY).exists()


def test_listings_are_drafts_when_asked(roster_site):
    roster_import(preview=preview_of(csv_bytes(harbour()), drafts=True))
    listing = Business.objects.get()
    assert not listing.live
    assert listing.latest_revision is not None
    assert not Business.objects.publicly_listed().exists()


def test_a_row_without_a_town_gets_no_listing(roster_site):
    preview = preview_of(csv_bytes(quay(Town="")))
    assert preview.rows[0].notes == ["No listing: the row has no town."]
    roster_import(preview=preview)
    assert Member.objects.filter(name="Quay Books").exists()
    assert not Business.objects.exists()


def test_status_defaults_to_pending_without_a_paid_through_date(roster_site):
    roster_import(preview=preview_of(csv_bytes(quay(**{"No end date": ""}))))
    assert Member.objects.get().status == Member.Status.PENDING


# Updates --------------------------------------------------------------------------------------


def test_member_id_of_this_portal_updates_that_member(roster_site):
    member = MemberFactory(name="Harbour Bakery Old", level=roster_site["community"])
    BusinessFactory(member=member, name="Harbour Bakery Old", city="Oldtown")
    row = harbour(**{"Member ID": str(member.pk), "Level": "Leadership"})
    preview = preview_of(csv_bytes(row))
    assert [row.action for row in preview.rows] == [Action.UPDATE]

    result = roster_import(preview=preview)

    assert result.updated == [member]
    member.refresh_from_db()
    assert (member.name, member.level) == ("Harbour Bakery", roster_site["leadership"])
    assert member.previous_id == ""
    listing = Business.objects.get(member=member)  # the first listing, updated
    assert (listing.name, listing.city) == ("Harbour Bakery", "Harbourton")


def test_an_unknown_member_id_is_kept_as_the_previous_id_and_a_second_import_updates(
    roster_site,
):
    data = csv_bytes(harbour(**{"Member ID": "GZ-1042"}))
    roster_import(preview=preview_of(data))
    member = Member.objects.get()
    assert member.previous_id == "GZ-1042"

    again = preview_of(data)
    assert [(row.action, row.member) for row in again.rows] == [(Action.UPDATE, member)]
    roster_import(preview=again)
    assert Member.objects.count() == 1


def test_previous_id_matching_a_member_updates_it(roster_site):
    member = MemberFactory(name="Old name", previous_id="WA-77", level=roster_site["community"])
    preview = preview_of(csv_bytes(quay(**{"Previous ID": "WA-77", "Member ID": "9999999"})))
    assert preview.rows[0].member == member
    roster_import(preview=preview)
    member.refresh_from_db()
    assert member.name == "Quay Books"


# Errors, each with its row and column --------------------------------------------------------


def test_every_error_kind_names_its_row_and_column(roster_site):
    rows = [
        harbour(Level="Platinum"),
        harbour(Organisation="Row Three", Joined="31/31/2024"),
        harbour(Organisation="Row Four", **{"Primary contact e-mail": "ana@"}),
        harbour(Organisation="Row Five", Categories="Bakeries; Plumbers"),
        harbour(Organisation=""),
        harbour(Organisation="Row Seven", Status="Sleeping", Website="not a site"),
        quay(Organisation="Row Eight", Level="", **{"No end date": "maybe"}),
    ]
    preview = preview_of(csv_bytes(*rows))
    assert errors_of(preview) == [
        "Row 2, Level: unknown level “Platinum”",
        "Row 3, Joined: “31/31/2024” is not a date (write 2024-03-31, 31/03/2024 or 31 March 2024)",
        "Row 4, Primary contact e-mail: “ana@” is not an e-mail address",
        "Row 5, Categories: unknown category “Plumbers” (tick “Create missing categories” "
        "to add it)",
        "Row 6, Organisation: missing",
        "Row 7, Status: unknown status “Sleeping” (use Pending, Active, Past due, Lapsed, "
        "Cancelled)",
        "Row 7, Website: “not a site” is not a web address",
        "Row 8, No end date: “maybe” is not Yes or No",
        "Row 8, Level: required for a new member",
    ]
    assert {row.action for row in preview.rows} == {Action.ERROR}
    before = counts()
    with pytest.raises(ImportRefused):
        roster_import(preview=preview)
    assert counts() == before


def test_a_paying_member_needs_a_paid_through_date(roster_site):
    preview = preview_of(csv_bytes(harbour(**{"Paid through": ""})))
    assert errors_of(preview) == [
        "Row 2, Paid through: a active member needs a paid-through date (or “Yes” under No "
        "end date)"
    ]


def test_a_file_without_an_organisation_column_is_refused(roster_site):
    preview = preview_of(csv_bytes({"Name": "x"}, headings=["Name", "Town"]))
    assert errors_of(preview) == [
        "Row 1, Organisation: the file has no Organisation column (see the template)"
    ]


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2024-03-31", "dmy", datetime.date(2024, 3, 31)),
        ("31/03/2024", "dmy", datetime.date(2024, 3, 31)),
        ("03/04/2024", "dmy", datetime.date(2024, 4, 3)),
        ("03/04/2024", "mdy", datetime.date(2024, 3, 4)),
        ("31 March 2024", "mdy", datetime.date(2024, 3, 31)),
        ("March 31, 2024", "dmy", datetime.date(2024, 3, 31)),
        ("31 Mar 2024", "dmy", datetime.date(2024, 3, 31)),
    ],
)
def test_dates_are_read_in_the_formats_and_order_chosen(roster_site, text, order, expected):
    preview = preview_of(csv_bytes(quay(Joined=text)), date_order=order)
    assert preview.rows[0].values["joined"] == expected


def test_categories_by_name_slug_or_parent_and_name(roster_site):
    food = CategoryFactory(name="Food & Drink", slug="food")
    CategoryFactory(name="Delis", slug="delis", parent=food)
    row = harbour(Categories="bakeries; CAFES; Food & Drink / Delis")
    roster_import(preview=preview_of(csv_bytes(row)))
    listing = Business.objects.get()
    assert sorted(c.slug for c in listing.categories.all()) == ["bakeries", "cafes", "delis"]


def test_missing_categories_are_created_when_asked(roster_site):
    preview = preview_of(
        csv_bytes(harbour(Categories="Bakeries; Plumbers")), create_categories=True
    )
    assert errors_of(preview) == []
    assert preview.missing_categories == ["Plumbers"]
    result = roster_import(preview=preview)
    assert result.categories_created == ["Plumbers"]
    listing = Business.objects.get()
    assert sorted(c.slug for c in listing.categories.all()) == ["bakeries", "plumbers"]


def test_a_missing_sub_category_is_created_under_its_parent(roster_site):
    row = harbour(Categories="Food & Drink / Delis; Bakeries / Sourdough")
    preview = preview_of(csv_bytes(row), create_categories=True)
    roster_import(preview=preview)
    listing = Business.objects.get()
    assert sorted(str(c) for c in listing.categories.all()) == [
        "Bakeries / Sourdough",
        "Food & Drink / Delis",
    ]
    assert Category.objects.get(slug="food-drink").parent is None


# Duplicates -----------------------------------------------------------------------------------


def test_duplicates_against_the_site_by_email_domain_and_similar_name(roster_site):
    smith = MemberFactory(name="Smith & Sons Ltd", level=roster_site["community"])
    owner = MemberFactory(name="Ocean Cafe", level=roster_site["community"])
    MemberContactFactory(member=owner, user__email="ana@harbourbakery.example")
    BusinessFactory(member=MemberFactory(name="Web Co"), website="https://www.quaybooks.example/")
    preview = preview_of(
        csv_bytes(
            harbour(),
            quay(Website="http://quaybooks.example/about"),
            quay(Organisation="The Smith and Sons", **{"Primary contact e-mail": "s@s.example"}),
        )
    )
    assert [row.action for row in preview.rows] == [Action.DUPLICATE] * 3
    assert [[str(d) for d in row.duplicates] for row in preview.rows] == [
        [f"member Ocean Cafe (#{owner.pk}): same contact e-mail ana@harbourbakery.example"],
        [
            f"member Web Co (#{Member.objects.get(name='Web Co').pk}): same website domain "
            "quaybooks.example"
        ],
        [f"member Smith & Sons Ltd (#{smith.pk}): a very similar organisation name"],
    ]


def test_duplicates_within_the_file(roster_site):
    preview = preview_of(
        csv_bytes(
            harbour(),
            harbour(
                Organisation="Harbour Bakery Ltd",
                Website="",
                **{
                    "Primary contact e-mail": "other@example.org",
                    "Billing contact e-mail": "",
                },
            ),
        )
    )
    assert [row.action for row in preview.rows] == [Action.NEW, Action.DUPLICATE]
    assert [str(d) for d in preview.rows[1].duplicates] == [
        "row 2 (Harbour Bakery): a very similar organisation name"
    ]


def test_duplicate_decisions_update_skip_or_import_as_new(roster_site):
    existing = MemberFactory(name="Harbour Bakery", level=roster_site["community"])
    data = csv_bytes(harbour(), quay(Organisation="Quay Books"), quay(Organisation="Quay Books"))
    preview = preview_of(data)
    assert [row.action for row in preview.rows] == [Action.DUPLICATE, Action.NEW, Action.DUPLICATE]

    result = roster_import(preview=preview, decisions={2: UPDATE_MATCH, 4: SKIP})
    assert result.updated == [existing]
    assert result.skipped == [4]
    assert Member.objects.filter(name="Harbour Bakery").count() == 1
    assert Member.objects.filter(name="Quay Books").count() == 1


def test_a_duplicate_imported_as_new_makes_a_second_member(roster_site):
    MemberFactory(name="Harbour Bakery", level=roster_site["community"])
    preview = preview_of(csv_bytes(harbour()), on_duplicate=IMPORT_AS_NEW)
    roster_import(preview=preview)
    assert Member.objects.filter(name="Harbour Bakery").count() == 2


def test_a_duplicate_of_an_earlier_row_updates_the_member_that_row_made(roster_site):
    preview = preview_of(csv_bytes(quay(), quay(Organisation="Quay Books Ltd", Town="Bay")))
    roster_import(preview=preview, decisions={3: UPDATE_MATCH})
    member = Member.objects.get()
    assert member.name == "Quay Books Ltd"
    assert Business.objects.get(member=member).city == "Bay"


# All or nothing ---------------------------------------------------------------------------------


@pytest.fixture
def failing_last_member(db):
    """A database trigger refuses the member called "Boom": a failure only the database sees."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION roster_boom() RETURNS trigger AS $$ BEGIN "
                "IF NEW.name = 'Boom' THEN RAISE EXCEPTION 'forced failure'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER roster_boom BEFORE INSERT ON membership_member "
                "FOR EACH ROW EXECUTE FUNCTION roster_boom()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER roster_boom BEFORE INSERT ON membership_member "
                "WHEN NEW.name = 'Boom' BEGIN SELECT RAISE(ABORT, 'forced failure'); END"
            )


def test_a_failure_in_the_last_row_writes_nothing(roster_site, failing_last_member):
    boom = quay(Organisation="Boom", **{"Primary contact e-mail": "boom@example.org"})
    preview = preview_of(csv_bytes(harbour(), quay(), boom))
    assert [row.action for row in preview.rows] == [Action.NEW] * 3
    before = counts()
    with pytest.raises(Exception, match="forced failure"):
        roster_import(preview=preview)
    assert counts() == before
    assert not ModelLogEntry.objects.filter(action=MEMBER_IMPORTED).exists()


def test_imported_listings_are_searchable_and_their_references_recorded(client, roster_site):
    """The import indexes each listing once at its end and writes Wagtail's references once
    per object (chamber/references.py): the outcome is as if each save had done it."""
    roster_import(preview=preview_of(csv_bytes(harbour(), quay())))

    listing = Business.objects.get(name="Harbour Bakery")
    assert listing in list(Business.objects.search("Harbour"))

    def references():
        return set(
            ReferenceIndex.objects.values_list(
                "base_content_type", "object_id", "to_content_type", "to_object_id", "content_path"
            )
        )

    written = references()
    for model in ReferenceIndex.tracked_models:
        for obj in model._default_manager.all():
            ReferenceIndex.create_or_update_for_object(obj)
    assert written and references() == written
