"""The roster import: read a file into a preview (`roster_preview`), then write it, all rows or
none (`roster_import`). The management command and the admin upload page both use these two.

Writing goes through the models' own saves and the apps' services, as a person working in the
admin would: `Member.save()` computes good standing, `listing_create` makes listings as
approved applications get theirs (revisions, publishing, search index), and the member's
history says "Imported from <file>". Accounts are made without a usable password; a welcome
e-mail is the member record's "Send set-password link", queued only when asked for.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.text import slugify
from wagtail.log_actions import log

from chamber.references import references_updated_once
from chamber.rich_text import plain_to_rich_text
from directory.actions import MEMBER_IMPORTED
from directory.models.listings import Category, indexed_once
from directory.roster.cells import split_name
from directory.roster.preview import (
    IMPORT_AS_NEW,
    SKIP,
    UPDATE_MATCH,
    Action,
    ImportOptions,
    Preview,
    RowPlan,
    build_preview,
)
from directory.roster.reading import read_table
from directory.services import listing_create, listing_draft_save
from membership.models import Member, MemberContact
from membership.services import contact_send_password_link

MEMBER_FIELDS = {
    "organisation": "name",
    "level": "level",
    "status": "status",
    "joined": "joined_on",
    "paid_through": "paid_through",
    "auto_renew": "auto_renew",
    "no_end_date": "no_end_date",
    "previous_id": "previous_id",
}
LISTING_FIELDS = {
    "listing_name": "name",
    "street": "street",
    "town": "city",
    "region": "region",
    "postcode": "postcode",
    "country": "country",
    "listing_phone": "phone",
    "listing_email": "email",
    "website": "website",
    "summary": "summary",
    "phone_visibility": "phone_visibility",
    "email_visibility": "email_visibility",
}


class ImportRefused(Exception):
    """The preview has errors: nothing is written."""


@dataclass
class ImportResult:
    created: list[Member] = field(default_factory=list)
    updated: list[Member] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # row numbers
    listings_created: int = 0
    listings_updated: int = 0
    accounts_created: int = 0
    categories_created: list[str] = field(default_factory=list)
    welcomes_sent: int = 0


def roster_preview(data: bytes, *, file_name: str, options: ImportOptions) -> Preview:
    """`data` (CSV or XLSX) read and checked: raises reading.UnreadableFile for a file that
    cannot be read at all."""
    return build_preview(read_table(data, file_name), file_name=file_name, options=options)


@transaction.atomic
def roster_import(*, preview: Preview, user=None, decisions: dict[int, str] | None = None):
    """Write `preview`: every row, or (on any error) none. `decisions` says, per row number,
    what to do with a duplicate (update the match, skip, import as new); rows not named take
    the options' `on_duplicate`. Returns an ImportResult."""
    if preview.has_errors:
        raise ImportRefused(f"{len(preview.errors)} errors: nothing was imported.")
    decisions = decisions or {}
    writer = _Writer(preview=preview, user=user)
    writer.create_categories()
    # Each listing's search entry and each object's references written once, not at every save.
    with references_updated_once(), indexed_once():
        writer.write_rows(decisions)
    return writer.result


class _Writer:
    def __init__(self, *, preview: Preview, user):
        self.preview = preview
        self.options: ImportOptions = preview.options
        self.user = user
        self.result = ImportResult()
        self.members_by_row: dict[int, Member] = {}
        self.categories: dict[str, Category] = {}
        self.users = self._users()
        self.new_accounts: set[int] = set()

    def _users(self) -> dict:
        emails = {
            plan.values[key]
            for plan in self.preview.rows
            for key in ("primary_email", "billing_email")
            if plan.values.get(key)
        }
        users = {}
        found = (
            get_user_model()
            ._default_manager.annotate(address=Lower("email"), login=Lower("username"))
            .filter(Q(address__in=emails) | Q(login__in=emails))
            .order_by("pk")
        )
        for account in found:
            for key in (account.address, account.login):
                if key in emails:
                    users.setdefault(key, account)
        return users

    def write_rows(self, decisions: dict[int, str]) -> None:
        options = self.options
        for plan in self.preview.rows:
            target = plan.member
            if plan.action == Action.SKIP:
                self.result.skipped.append(plan.number)
                continue
            if plan.action == Action.DUPLICATE:
                decision = decisions.get(plan.number, options.on_duplicate)
                if decision == SKIP:
                    self.result.skipped.append(plan.number)
                    continue
                if decision == UPDATE_MATCH:
                    target = self.match_of(plan)
                    if target is None:  # its match was an earlier row that was skipped
                        self.result.skipped.append(plan.number)
                        continue
                elif decision != IMPORT_AS_NEW:
                    raise ValueError(f"unknown decision {decision!r} for row {plan.number}")
            self.write(plan, target)

    def create_categories(self) -> None:
        """The categories the file names that the site lacks. "Food & Drink / Delis" (how a
        sub-category is named in exports) is Delis under Food & Drink, made if missing too."""
        if not (self.options.create_categories and self.preview.missing_categories):
            return
        self.taken_slugs = set(Category.objects.values_list("slug", flat=True))
        top_level = {
            category.name.casefold(): category
            for category in Category.objects.filter(parent__isnull=True)
        }
        for name in self.preview.missing_categories:
            parent_name, _, child_name = name.rpartition(" / ")
            parent = None
            if parent_name.strip() and child_name.strip():
                parent = top_level.get(parent_name.strip().casefold())
                if parent is None:
                    parent = self.new_category(parent_name.strip(), None)
                    top_level[parent.name.casefold()] = parent
            category = self.new_category((child_name or name).strip(), parent)
            if parent is None:
                top_level.setdefault(category.name.casefold(), category)
            self.categories[name.casefold()] = category
            self.result.categories_created.append(name)

    def new_category(self, name: str, parent: Category | None) -> Category:
        base = slugify(name)[:70] or "category"
        slug, n = base, 2
        while slug in self.taken_slugs:
            slug, n = f"{base}-{n}", n + 1
        self.taken_slugs.add(slug)
        return Category.objects.create(name=name[:80], slug=slug, parent=parent)

    def match_of(self, plan: RowPlan) -> Member | None:
        match = plan.duplicates[0]
        if match.row is not None:
            return self.members_by_row.get(match.row)
        return Member.objects.select_related("level").get(pk=match.member_id)

    def category_ids(self, values: dict) -> list[int]:
        ids = [category.pk for category in values.get("categories", ())]
        ids += [
            self.categories[name.casefold()].pk for name in values.get("missing_categories", ())
        ]
        return list(dict.fromkeys(ids))

    def write(self, plan: RowPlan, target: Member | None) -> None:
        values = plan.values
        created = target is None
        member = target or Member()
        old_name = member.name
        for key, name in MEMBER_FIELDS.items():
            if key in values:
                setattr(member, name, values[key])
        member.save()
        self.members_by_row[plan.number] = member
        (self.result.created if created else self.result.updated).append(member)
        log(
            instance=member,
            action=MEMBER_IMPORTED,
            user=self.user,
            data={"file": self.preview.file_name, "row": plan.number, "created": created},
        )
        self.write_contacts(member, values, fresh=created)
        self.write_listing(member, values, created=created, old_name=old_name)

    def account_for(self, email: str, name: str):
        account = self.users.get(email)
        if account is None:
            first, last = split_name(name)
            account = get_user_model()(
                username=email[:150], email=email, first_name=first, last_name=last
            )
            account.set_unusable_password()
            account.save()
            self.new_accounts.add(account.pk)
            self.users[email] = account
            self.result.accounts_created += 1
        return account

    def write_contacts(self, member: Member, values: dict, *, fresh: bool) -> None:
        people = [
            (MemberContact.Role.PRIMARY, "primary_email", "primary_name", "primary_phone"),
            (MemberContact.Role.BILLING, "billing_email", "billing_name", "billing_phone"),
        ]
        done = set()
        for role, email_key, name_key, phone_key in people:
            email = values.get(email_key)
            if not email or email in done:
                continue
            done.add(email)
            account = self.account_for(email, values.get(name_key, ""))
            contact = None if fresh else member.contacts.filter(user=account).first()
            if contact is None:  # a new member has none yet: no look-up, no savepoint
                contact = MemberContact.objects.create(
                    member=member, user=account, role=role, phone=values.get(phone_key, "")
                )
            else:
                changed = {"role": role}
                if phone_key in values:
                    changed["phone"] = values[phone_key]
                if any(getattr(contact, key) != value for key, value in changed.items()):
                    for key, value in changed.items():
                        setattr(contact, key, value)
                    contact.save(update_fields=list(changed))
            if self.options.send_welcome and account.pk in self.new_accounts:
                contact_send_password_link(contact=contact, sent_by=self.user)
                self.result.welcomes_sent += 1

    def listing_fields(self, values: dict) -> dict:
        fields = {name: values[key] for key, name in LISTING_FIELDS.items() if key in values}
        if "description" in values:
            fields["description"] = plain_to_rich_text(values["description"])
        return fields

    def write_listing(self, member: Member, values: dict, *, created: bool, old_name="") -> None:
        listing = None if created else member.businesses.order_by("pk").first()
        fields = self.listing_fields(values)
        if listing is not None and "name" not in fields and listing.name == old_name:
            fields["name"] = member.name  # a listing named after the member follows its name
        category_ids = self.category_ids(values)
        publish = not self.options.drafts
        if listing is None:
            if "town" not in values:
                return
            fields.setdefault("name", member.name)
            listing_create(
                member=member,
                fields=fields,
                category_ids=category_ids,
                publish=publish,
                user=self.user,
            )
            self.result.listings_created += 1
            return
        if not fields and "categories" not in values:
            return
        if "categories" in values:
            fields["categories"] = category_ids
        if publish:
            categories = fields.pop("categories", None)
            for name, value in fields.items():
                setattr(listing, name, value)
            if categories is not None:
                listing.categories.set(categories)
            listing.save()
            listing.save_revision(user=self.user, log_action=True).publish(
                user=self.user, log_action=True, skip_permission_checks=True
            )
        else:
            listing_draft_save(business_id=listing.pk, changes=fields, user=self.user)
        self.result.listings_updated += 1
