"""Demo membership: the three dues levels and the member organisations behind the listings.

The directory demo (demo/directory.py) runs first and calls `ensure_demo_levels` and
`ensure_demo_members` itself; everything here looks up by slug or name first, so running it
again, in either order, creates nothing new.
"""

import datetime
import random
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Case, DateTimeField, Value, When
from django.utils import timezone
from wagtail.models import ModelLogEntry

from demo.directory_data import FAMILY_NAMES, FIRST_NAMES
from directory.models import Category
from membership.account.contact_services import INVITATION_DAYS
from membership.corrections import payment_void
from membership.dues import PAYMENT_RECORDED, add_years, log_changes
from membership.models import (
    Application,
    ContactInvitation,
    Member,
    MemberContact,
    MembershipLevel,
    Payment,
    RenewalReminder,
    membership_grace_days,
)
from membership.models.members import billing_emails_of

COMMUNITY, BUSINESS, LEADERSHIP = "community", "business", "leadership"

DEMO_LEVELS = (
    {
        "slug": COMMUNITY,
        "name": "Community",
        "annual_dues": 195,
        "sort_order": 1,
        "benefits": (
            "<ul><li>A basic listing in the business directory: name, address, phone, "
            "website and categories</li><li>Member rates at chamber events and mixers</li>"
            "<li>The monthly newsletter and policy briefings</li></ul>"
        ),
    },
    {
        "slug": BUSINESS,
        "name": "Business",
        "annual_dues": 395,
        "sort_order": 2,
        "listing_logo": True,
        "listing_description": True,
        "listing_opening_hours": True,
        "listing_social_links": True,
        "deals_allowed": 2,
        "events_allowed": 2,
        "jobs_allowed": 2,
        "benefits": (
            "<ul><li>An <b>enhanced listing</b> with your logo, description, opening hours "
            "and social links</li><li>Up to 2 member-to-member deals and 2 job postings at a "
            "time</li>"
            "<li>Everything in Community</li></ul>"
        ),
    },
    {
        "slug": LEADERSHIP,
        "name": "Leadership",
        "annual_dues": 995,
        "sort_order": 3,
        "listing_logo": True,
        "listing_description": True,
        "listing_opening_hours": True,
        "listing_social_links": True,
        "featured_placement": True,
        "deals_allowed": 5,
        "events_allowed": 6,
        "jobs_allowed": 5,
        "benefits": (
            "<ul><li><b>Featured placement</b> at the top of the directory and on the home "
            "page</li><li>Up to 5 member deals and 5 job postings at a time</li><li>A seat on a "
            "policy committee</li><li>Everything in Business</li></ul>"
        ),
    },
)
# Roughly how a small chamber's members spread over the levels.
LEVEL_SHARES = {COMMUNITY: 60, BUSINESS: 30, LEADERSHIP: 10}


@dataclass(frozen=True)
class DemoMember:
    """A member organisation to create; dates are relative to the day the demo is built."""

    name: str
    level: str  # a level slug
    status: str
    paid_through_offset_days: int | None  # paid_through = today + offset; None: not paid yet
    joined_on: datetime.date
    auto_renew: bool = True

    def paid_through(self, today: datetime.date) -> datetime.date | None:
        if self.paid_through_offset_days is None:
            return None
        return today + datetime.timedelta(days=self.paid_through_offset_days)


def pick_level(rng: random.Random) -> str:
    return rng.choices(list(LEVEL_SHARES), weights=list(LEVEL_SHARES.values()))[0]


def pick_standing(rng: random.Random, *, grace_days: int) -> tuple[str, int | None]:
    """A status and paid-through offset: mostly active, some past due, some lapsed, a few new.

    ~8% past due within the grace period (still listed), ~5% lapsed beyond it (hidden) and ~3%
    pending (applied, not yet paid).
    """
    roll = rng.random()
    if roll < 0.08:
        return Member.Status.PAST_DUE, -rng.randint(0, max(0, grace_days - 1))
    if roll < 0.13:
        return Member.Status.LAPSED, -(grace_days + rng.randint(5, 400))
    if roll < 0.16:
        return Member.Status.PENDING, None
    return Member.Status.ACTIVE, rng.randint(15, 360)


def ensure_demo_levels() -> dict[str, MembershipLevel]:
    """The three demo levels by slug; existing ones are kept as staff left them."""
    existing = {level.slug: level for level in MembershipLevel.objects.all()}
    levels = {}
    for spec in DEMO_LEVELS:
        level = existing.get(spec["slug"])
        if level is None:
            level = MembershipLevel.objects.create(**spec)
        levels[spec["slug"]] = level
    return levels


@transaction.atomic
def ensure_demo_members(
    members: Iterable[DemoMember], *, today: datetime.date
) -> tuple[dict[str, Member], list[Member]]:
    """Members by name, creating the missing ones; returns them all and the new ones.

    A demo member is recognised by its name and member-since date together, so that generated
    benchmark members (`generate_listings`) of the same name are never mistaken for it.
    """
    members = list(members)
    levels = ensure_demo_levels()
    existing = {
        (member.name, member.joined_on): member
        for member in Member.objects.filter(name__in=[spec.name for spec in members])
    }
    found = {}
    created = []
    for spec in members:
        if (spec.name, spec.joined_on) in existing:
            found[spec.name] = existing[spec.name, spec.joined_on]
            continue
        member = Member(
            name=spec.name,
            level=levels[spec.level],
            status=spec.status,
            paid_through=spec.paid_through(today),
            joined_on=spec.joined_on,
            auto_renew=spec.auto_renew,
        )
        member.save()  # save() derives good_standing_until: the one rule, applied as usual
        found[spec.name] = member
        created.append(member)
    return found, created


DEMO_APPLICATIONS = (
    # organisation, first, last, city, level, status, days ago, message
    (
        "Juniper Yoga Studio",
        "Maya",
        "Okafor",
        "Millbrook",
        BUSINESS,
        "submitted",
        2,
        "We opened in March and would love to be listed.",
    ),
    ("Harbor Light Printing", "Tom", "Reyes", "Oak Harbor", COMMUNITY, "submitted", 5, ""),
    (
        "Valley Fresh Produce",
        "Ines",
        "Marsh",
        "Cedar Falls",
        LEADERSHIP,
        "submitted",
        9,
        "Interested in the policy committee on farm-to-table permits.",
    ),
    (
        "Quick Cash Loans 4U",
        "Rick",
        "Stone",
        "Riverside",
        COMMUNITY,
        "rejected",
        30,
        "Please add us.",
    ),
)

# The demo member account: log in as this user to see a member's side of the site.
DEMO_MEMBER_EMAIL = "member@example.org"
DEMO_MEMBER_PASSWORD = "riverside member"  # noqa: S105 (printed in the README: demo only)


def ensure_demo_payments(*, today: datetime.date, rng: random.Random) -> int:
    """A dues history for every paid-up demo member: one payment per year paid, back to the
    year it joined (at most three), by cheque, transfer or card at the office."""
    methods = [Payment.Method.CHEQUE, Payment.Method.BANK_TRANSFER, Payment.Method.CASH]
    payments = []
    members = Member.objects.filter(paid_through__isnull=False, payments__isnull=True)
    for member in members.select_related("level"):
        end = member.paid_through
        for _ in range(3):
            start = add_years(end, -1)
            if start < member.joined_on:
                break
            paid_on = min(today, start - datetime.timedelta(days=rng.randint(0, 20)))
            payments.append(
                Payment(
                    member=member,
                    amount=member.level.annual_dues,
                    currency=member.level.currency,
                    method=rng.choice(methods),
                    paid_on=paid_on,
                    period_start=start,
                    period_end=end,
                    reference=f"INV-{paid_on:%Y}-{member.pk:04d}",
                )
            )
            end = start
    Payment.objects.bulk_create(payments)
    log_demo_payments(payments)
    if payments:
        ensure_demo_void(payments[0])
    return len(payments)


def ensure_demo_void(payment: Payment) -> None:
    """A cheque entered twice and the second entry voided, as the office corrects a slip: the
    payment's admin page and receipt show the void and its reason (made with the first demo
    payments only, so running the demo again adds none)."""
    duplicate = Payment.objects.create(
        member=payment.member,
        amount=payment.amount,
        currency=payment.currency,
        method=payment.method,
        paid_on=payment.paid_on,
        period_start=payment.period_start,
        period_end=payment.period_end,
        reference=payment.reference,
    )
    payment_void(
        payment=duplicate, reason=f"Entered twice: the same cheque as {payment.reference}."
    )


def log_demo_payments(payments: list[Payment]) -> None:
    """Each demo payment in its member's log, as recording it in the admin writes it, on the
    day it was paid."""
    content_type = ContentType.objects.get_for_model(Member)
    ModelLogEntry.objects.bulk_create(
        ModelLogEntry(
            content_type=content_type,
            label=payment.member.name,
            object_id=str(payment.member_id),
            action=PAYMENT_RECORDED,
            timestamp=at_office(payment.paid_on),
            data={
                "amount": str(payment.amount),
                "currency": payment.currency,
                "method": payment.method,
                "period_end": payment.period_end.isoformat(),
            },
        )
        for payment in payments
    )


def at_office(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def ensure_demo_applications(*, today: datetime.date) -> int:
    if Application.objects.exists():
        return 0
    levels = ensure_demo_levels()
    category = Category.objects.filter(parent__isnull=False).order_by("pk").first()
    for name, first, last, city, level, status, days_ago, message in DEMO_APPLICATIONS:
        domain = name.split()[0].lower()
        application = Application.objects.create(
            organisation_name=name,
            first_name=first,
            last_name=last,
            email=f"{first.lower()}@{domain}.example",
            phone="(555) 010-3000",
            street="12 Front Street",
            city=city,
            region="OR",
            postcode="97999",
            country="United States",
            primary_category=category,
            level=levels[level],
            auto_renew=False,
            message=message,
            status=status,
        )
        created_at = timezone.now() - datetime.timedelta(days=days_ago)
        Application.objects.filter(pk=application.pk).update(created_at=created_at)
    return len(DEMO_APPLICATIONS)


def ensure_demo_member_login() -> bool:
    """A login for the first active Leadership member, so the member side can be tried."""
    users = get_user_model().objects
    if users.filter(email=DEMO_MEMBER_EMAIL).exists():
        return False
    member = (
        Member.objects.filter(status=Member.Status.ACTIVE, level__slug=LEADERSHIP)
        .order_by("joined_on", "pk")
        .first()
    )
    if member is None:
        return False
    user = users.create_user(
        username=DEMO_MEMBER_EMAIL,
        email=DEMO_MEMBER_EMAIL,
        password=DEMO_MEMBER_PASSWORD,
        first_name="Demo",
        last_name="Member",
    )
    MemberContact.objects.create(member=member, user=user, role=MemberContact.Role.PRIMARY)
    return True


# Members staff marked "no end date": in good standing whatever the dates (no listing).
DEMO_HONORARY = (
    ("Riverside Public Library", COMMUNITY, datetime.date(1990, 1, 1), "honorary member"),
    ("Riverside Historical Society", COMMUNITY, datetime.date(1952, 6, 1), "life member"),
)


def ensure_demo_honorary_members() -> int:
    levels = ensure_demo_levels()
    existing = set(
        Member.objects.filter(name__in=[name for name, *_ in DEMO_HONORARY]).values_list(
            "name", flat=True
        )
    )
    created = 0
    for name, level, joined_on, why in DEMO_HONORARY:
        if name in existing:
            continue
        member = Member.objects.create(
            name=name,
            level=levels[level],
            status=Member.Status.ACTIVE,
            no_end_date=True,
            joined_on=joined_on,
            auto_renew=False,
        )
        log_changes(
            member,
            member.status,
            member.level,
            reason=f"demo: {why}",
            previous_no_end_date=False,
        )
        created += 1
    return created


DEMO_BILLING_EMAIL = "billing@example.org"
DEMO_INVITED_EMAIL = "office.manager@example.org"


def ensure_demo_contacts(*, now: datetime.datetime) -> bool:
    """A second contact (billing) and an open invitation for the demo member, so its contacts
    page shows what a real one does. The billing contact has no password: a demo prop."""
    users = get_user_model().objects
    demo_user = users.filter(email=DEMO_MEMBER_EMAIL).first()
    if demo_user is None or users.filter(email=DEMO_BILLING_EMAIL).exists():
        return False
    contact = MemberContact.objects.filter(user=demo_user).select_related("member").first()
    if contact is None:
        return False
    member = contact.member
    billing = users.create_user(
        username=DEMO_BILLING_EMAIL,
        email=DEMO_BILLING_EMAIL,
        first_name="Pat",
        last_name="Ledger",
    )
    MemberContact.objects.create(member=member, user=billing, role=MemberContact.Role.BILLING)
    ContactInvitation.objects.create(
        member=member,
        email=DEMO_INVITED_EMAIL,
        role=MemberContact.Role.STAFF,
        invited_by=demo_user,
        expires_at=now + datetime.timedelta(days=INVITATION_DAYS),
    )
    return True


# About one demo member in twelve has no contact (entered by staff from a paper form): their
# renewal reminders cannot go, and the admin home counts them, as a real office's would.
NO_CONTACT_EVERY = 12


def ensure_demo_member_contacts(*, now: datetime.datetime) -> int:
    """A primary contact for each demo member with a listing and no contact yet, with the
    listing's e-mail address: most have set a password and logged in now and then, some
    never used the set-password link. Decided per member by its name, so running it again
    makes nothing new."""
    users = get_user_model().objects
    # Contacts who "set a password" share one hash of a secret nobody knows: none can log in,
    # and hashing a password per demo user would take a minute.
    unknown_password = make_password(secrets.token_urlsafe(32))
    members = (
        Member.objects.filter(contacts__isnull=True, businesses__isnull=False)
        .exclude(status=Member.Status.PENDING)
        .distinct()
        .order_by("pk")
    )
    created = 0
    for member in members.prefetch_related("businesses"):
        rng = random.Random(f"contact-{member.name}")
        if rng.randrange(NO_CONTACT_EVERY) == 0:
            continue
        listing = min(member.businesses.all(), key=lambda business: business.pk)
        email = listing.email.lower()
        if not email or users.filter(username=email).exists():
            continue
        logged_in = rng.random() < 0.7
        user = users.create(
            username=email,
            email=email,
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(FAMILY_NAMES),
            password=unknown_password if logged_in else make_password(None),
            last_login=now - datetime.timedelta(days=rng.randint(1, 300)) if logged_in else None,
        )
        MemberContact.objects.create(member=member, user=user, role=MemberContact.Role.PRIMARY)
        created += 1
    return created


def ensure_demo_reminders(*, today: datetime.date) -> int:
    """Renewal reminders as the daily job would have sent them to demo members who pay by
    hand and have a contact: the 30- and 7-days-before ones for each past year paid, and for
    the current year every stage already passed but the latest, which is due now (so the
    admin has one to preview and send). Only for members with none yet."""
    stages = sorted(settings.RENEWAL_REMINDER_DAYS)
    members = (
        Member.objects.renewing_by_hand()
        .filter(
            status__in=[Member.Status.ACTIVE, Member.Status.PAST_DUE],
            no_end_date=False,
            paid_through__isnull=False,
            reminders__isnull=True,
            contacts__isnull=False,
        )
        .distinct()
        .prefetch_related("payments", "contacts__user")
    )
    reminders, sent_at = [], []
    for member in members:
        sent_to = ", ".join(billing_emails_of(member.contacts.all()))
        past_ends = {
            payment.period_end
            for payment in member.payments.all()
            if payment.period_end < member.paid_through
        }
        plan = [(end, stage) for end in sorted(past_ends) for stage in (-30, -7)]
        passed = [s for s in stages if member.paid_through + datetime.timedelta(s) <= today]
        plan += [(member.paid_through, stage) for stage in passed[:-1]]
        for period_end, stage in plan:
            reminders.append(
                RenewalReminder(member=member, stage=stage, period_end=period_end, sent_to=sent_to)
            )
            sent_at.append(at_office(period_end + datetime.timedelta(days=stage), hour=7))
    RenewalReminder.objects.bulk_create(reminders)
    # sent_at is set on creation (auto_now_add): put the days the job would have run.
    for start in range(0, len(reminders), 500):
        chunk = list(zip(reminders[start : start + 500], sent_at[start : start + 500], strict=True))
        RenewalReminder.objects.filter(pk__in=[reminder.pk for reminder, _ in chunk]).update(
            sent_at=Case(
                *[When(pk=reminder.pk, then=Value(when)) for reminder, when in chunk],
                output_field=DateTimeField(),
            )
        )
    return len(reminders)


def build_membership(*, log) -> bool:
    """Levels, dues payments, applications, the demo member's login and contacts; True when
    the demo member's login was made now (it then gets its listings: demo/site.py)."""
    before = MembershipLevel.objects.count()
    ensure_demo_levels()
    created = MembershipLevel.objects.count() - before
    if created:
        log(f"Demo: {created} membership level(s) created.")
    today = timezone.localdate()
    with transaction.atomic():
        payments = ensure_demo_payments(today=today, rng=random.Random(4))
        applications = ensure_demo_applications(today=today)
        login = ensure_demo_member_login()
        contacts = ensure_demo_contacts(now=timezone.now())
        honorary = ensure_demo_honorary_members()
        member_contacts = ensure_demo_member_contacts(now=timezone.now())
        reminders = ensure_demo_reminders(today=today)
    log(
        f"Demo: {payments} dues payment(s), {applications} application(s), "
        f"{honorary} honorary member(s), {member_contacts} member contact(s), "
        f"{reminders} renewal reminder(s) sent."
    )
    if login:
        log(f"Demo: member login {DEMO_MEMBER_EMAIL} / {DEMO_MEMBER_PASSWORD}")
    if contacts:
        log(f"Demo: billing contact {DEMO_BILLING_EMAIL}, invitation to {DEMO_INVITED_EMAIL}")
    grace = membership_grace_days()
    in_standing = Member.objects.in_good_standing().count()
    log(
        f"Demo: {Member.objects.count()} members, {in_standing} in good standing "
        f"({grace}-day grace period)."
    )
    return login
