"""Status by the calendar, offline payments and the auto-renew switch (issue #4):
`update_membership_statuses`, `manage.py update_membership_status`, `record_offline_payment`,
`set_auto_renew`."""

import datetime
import io
from decimal import Decimal

import pytest
import stripe
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import ModelLogEntry

from chamber.models import ChamberSettings
from membership import stripe_gateway
from membership.dues import (
    PAYMENT_RECORDED,
    STATUS_CHANGED,
    AutoRenewNeedsCheckout,
    StatusUpdate,
    add_years,
    record_offline_payment,
    set_auto_renew,
    update_membership_statuses,
)
from membership.models import Member, Payment
from membership.stripe_prices import sync_level_prices
from tests.factories import BusinessFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = Member.Status
TODAY = timezone.localdate()
# The status job takes `today=`; these tests use a fixed one away from any month end.
ON = datetime.date(2030, 6, 15)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def log_entries(member, action) -> list[ModelLogEntry]:
    return list(
        ModelLogEntry.objects.filter(
            content_type__app_label="membership",
            content_type__model="member",
            object_id=str(member.pk),
            action=action,
        ).order_by("pk")
    )


def status_of(member) -> str:
    return Member.objects.get(pk=member.pk).status


# update_membership_statuses -----------------------------------------------------------------------


def test_paid_through_yesterday_is_past_due_but_still_in_good_standing(levels):
    member = MemberFactory(level=levels["community"], paid_through=ON - days(1))

    result = update_membership_statuses(today=ON)

    assert result == StatusUpdate(past_due=1, lapsed=0)
    member.refresh_from_db()
    assert member.status == Status.PAST_DUE
    assert member.good_standing_until == ON - days(1) + days(30)
    assert member.in_good_standing(on=ON)
    (entry,) = log_entries(member, STATUS_CHANGED)
    assert entry.data["from"] == "active" and entry.data["to"] == "past_due"


def test_paid_through_today_is_still_active(levels):
    member = MemberFactory(level=levels["community"], paid_through=ON)

    assert update_membership_statuses(today=ON) == StatusUpdate()
    assert status_of(member) == Status.ACTIVE
    assert log_entries(member, STATUS_CHANGED) == []


@pytest.mark.parametrize("status", [Status.ACTIVE, Status.PAST_DUE])
@pytest.mark.parametrize(
    ("grace", "after_paid_through", "expected"),
    [
        (None, 29, Status.PAST_DUE),  # no site yet: the 30-day default
        (None, 30, Status.PAST_DUE),
        (None, 31, Status.LAPSED),
        (30, 30, Status.PAST_DUE),  # ChamberSettings' default
        (30, 31, Status.LAPSED),
        (10, 9, Status.PAST_DUE),
        (10, 10, Status.PAST_DUE),
        (10, 11, Status.LAPSED),
    ],
)
def test_lapsed_only_after_the_grace_period(
    request, levels, status, grace, after_paid_through, expected
):
    if grace is not None:
        site = request.getfixturevalue("site_tree").site
        chamber = ChamberSettings.for_site(site)
        assert chamber.membership_grace_days == 30  # the default
        chamber.membership_grace_days = grace
        chamber.save()
    paid_through = ON - days(after_paid_through)
    member = MemberFactory(level=levels["community"], status=status, paid_through=paid_through)

    update_membership_statuses(today=ON)

    member.refresh_from_db()
    assert member.status == expected
    # Good standing ends exactly where lapsing begins.
    assert member.in_good_standing(on=ON) == (expected != Status.LAPSED)


def test_the_status_job_is_idempotent(levels):
    level = levels["community"]
    overdue = MemberFactory(level=level, paid_through=ON - days(3))
    lapsing = MemberFactory(level=level, status=Status.PAST_DUE, paid_through=ON - days(40))
    straight_to_lapsed = MemberFactory(level=level, paid_through=ON - days(400))
    untouched = [
        MemberFactory(level=level, paid_through=ON + days(10)),
        MemberFactory(level=level, status=Status.LAPSED, paid_through=ON - days(400)),
        MemberFactory(level=level, status=Status.CANCELLED, paid_through=ON - days(400)),
        MemberFactory(level=level, status=Status.PENDING, paid_through=None),
        MemberFactory(level=level, status=Status.PENDING, paid_through=ON - days(400)),
        MemberFactory(level=level, paid_through=ON - days(400), no_end_date=True),  # honorary
        # A failed card payment says "past due" before the dates do; the job never improves it.
        MemberFactory(level=level, status=Status.PAST_DUE, paid_through=ON + days(2)),
    ]

    first = update_membership_statuses(today=ON)
    logged = ModelLogEntry.objects.filter(action=STATUS_CHANGED).count()
    stamps = dict(Member.objects.values_list("pk", "updated_at"))
    second = update_membership_statuses(today=ON)

    assert first == StatusUpdate(past_due=1, lapsed=2)
    assert second == StatusUpdate()
    assert status_of(overdue) == Status.PAST_DUE
    assert status_of(lapsing) == Status.LAPSED
    assert status_of(straight_to_lapsed) == Status.LAPSED
    assert [status_of(member) for member in untouched] == [member.status for member in untouched]
    assert logged == 3
    assert ModelLogEntry.objects.filter(action=STATUS_CHANGED).count() == 3
    assert dict(Member.objects.values_list("pk", "updated_at")) == stamps
    (entry,) = log_entries(straight_to_lapsed, STATUS_CHANGED)
    assert (entry.data["from"], entry.data["to"]) == ("active", "lapsed")


def test_the_directory_follows_the_dates_before_and_after_the_status_job(client, site_tree, levels):
    level = levels["community"]
    BusinessFactory(
        name="Overdue Hardware", member__level=level, member__paid_through=TODAY - days(1)
    )
    BusinessFactory(
        name="Lapsing Florist", member__level=level, member__paid_through=TODAY - days(31)
    )
    before = client.get("/directory/")
    assert before.status_code == 200
    # Both still say "active": the dates decide, not the word.
    assert "Overdue Hardware" in before.text  # past its date, within the grace period
    assert "Lapsing Florist" not in before.text  # past the grace period, with no job run

    assert update_membership_statuses(today=TODAY) == StatusUpdate(past_due=1, lapsed=1)

    after = client.get("/directory/")
    assert "Overdue Hardware" in after.text
    assert "Lapsing Florist" not in after.text


def test_the_status_command_reports_what_it_changed(levels):
    level = levels["community"]
    overdue = MemberFactory(level=level, paid_through=TODAY - days(1))
    lapsing = MemberFactory(level=level, paid_through=TODAY - days(31))
    out = io.StringIO()

    call_command("update_membership_status", stdout=out)
    call_command("update_membership_status", stdout=out)

    assert out.getvalue().splitlines() == [
        "1 member(s) now past due, 1 lapsed.",
        "0 member(s) now past due, 0 lapsed.",
    ]
    assert status_of(overdue) == Status.PAST_DUE
    assert status_of(lapsing) == Status.LAPSED


# record_offline_payment ---------------------------------------------------------------------------


def next_leap_day(after: datetime.date) -> datetime.date:
    year = after.year + 1
    while True:
        try:
            return datetime.date(year, 2, 29)
        except ValueError:
            year += 1


def test_add_years_turns_29_february_into_28_february():
    assert add_years(datetime.date(2028, 2, 29)) == datetime.date(2029, 2, 28)
    assert add_years(datetime.date(2028, 2, 29), 4) == datetime.date(2032, 2, 29)
    assert add_years(datetime.date(2027, 3, 1)) == datetime.date(2028, 3, 1)


@pytest.fixture
def staff(db):
    return UserFactory(username="treasurer", is_staff=True)


def test_offline_payment_extends_a_future_paid_through_by_one_year(levels, staff):
    paid_through = TODAY + days(100)
    member = MemberFactory(level=levels["community"], paid_through=paid_through)

    payment = record_offline_payment(
        member,
        amount=Decimal("195.00"),
        method=Payment.Method.CHEQUE,
        paid_on=TODAY - days(3),
        reference="Cheque 1042",
        user=staff,
    )

    member.refresh_from_db()
    assert member.paid_through == add_years(paid_through)
    assert member.status == Status.ACTIVE
    assert Payment.objects.get() == payment
    assert (payment.period_start, payment.period_end) == (paid_through, add_years(paid_through))
    assert payment.paid_on == TODAY - days(3)
    assert (payment.method, payment.reference) == ("cheque", "Cheque 1042")
    assert (payment.amount, payment.currency, payment.recorded_by) == (Decimal("195"), "usd", staff)
    (entry,) = log_entries(member, PAYMENT_RECORDED)
    assert entry.user_id == staff.pk
    assert entry.data == {
        "amount": "195.00",
        "currency": "usd",
        "method": "cheque",
        "period_end": add_years(paid_through).isoformat(),
    }
    assert log_entries(member, STATUS_CHANGED) == []  # was active already


def test_offline_payment_from_29_february_ends_on_28_february(levels):
    leap_day = next_leap_day(TODAY)
    member = MemberFactory(level=levels["community"], paid_through=leap_day)

    payment = record_offline_payment(
        member, amount=Decimal("195"), method=Payment.Method.BANK_TRANSFER, paid_on=TODAY
    )

    member.refresh_from_db()
    assert member.paid_through == datetime.date(leap_day.year + 1, 2, 28)
    assert payment.period_start == leap_day


@pytest.mark.parametrize(
    ("status", "paid_through"),
    [(Status.LAPSED, TODAY - days(200)), (Status.PENDING, None), (Status.PAST_DUE, TODAY)],
)
def test_offline_payment_reactivates_from_today(levels, staff, status, paid_through):
    member = MemberFactory(level=levels["community"], status=status, paid_through=paid_through)

    payment = record_offline_payment(
        member,
        amount=Decimal("195"),
        method=Payment.Method.CASH,
        paid_on=TODAY - days(10),  # money received last week counts from today
        reference="Receipt 7",
        user=staff,
    )

    member.refresh_from_db()
    start = max(TODAY, paid_through or TODAY)
    assert (payment.period_start, payment.period_end) == (start, add_years(start))
    assert member.paid_through == add_years(start)
    assert member.status == Status.ACTIVE
    assert member.good_standing_until == add_years(start) + days(30)  # paid year + grace
    assert Payment.objects.filter(member=member).count() == 1
    (change,) = log_entries(member, STATUS_CHANGED)
    assert (change.data["from"], change.data["to"]) == (status, "active")
    assert change.data["reason"] == "offline payment (cash)"
    assert change.user_id == staff.pk
    assert len(log_entries(member, PAYMENT_RECORDED)) == 1


def test_two_offline_payments_buy_two_years(levels):
    paid_through = TODAY + days(30)
    member = MemberFactory(level=levels["community"], paid_through=paid_through)

    for reference in ("Cheque 1", "Cheque 2"):
        record_offline_payment(
            member,
            amount=Decimal("195"),
            method=Payment.Method.CHEQUE,
            paid_on=TODAY,
            reference=reference,
        )

    member.refresh_from_db()
    assert member.paid_through == add_years(paid_through, 2)
    assert Payment.objects.count() == 2


# set_auto_renew ---------------------------------------------------------------------------------


@pytest.fixture
def subscribed(fake_stripe, levels):
    """A member with a real subscription in the Stripe double."""
    level = levels["community"]
    sync_level_prices(level)
    session = stripe_gateway.stripe_client().v1.checkout.sessions.create(
        params={
            "mode": "subscription",
            "line_items": [{"price": level.stripe_price_id, "quantity": 1}],
            "success_url": "https://example.org/ok",
        }
    )
    fake_stripe.complete_checkout(session.id, email="rosa@riverbend.example")
    subscription_id = fake_stripe.checkout_sessions[session.id]["subscription"]
    return MemberFactory(
        level=level,
        auto_renew=True,
        stripe_customer_id=fake_stripe.subscriptions[subscription_id]["customer"],
        stripe_subscription_id=subscription_id,
    )


def subscription_updates(fake, subscription_id) -> list[dict]:
    return [
        r.params
        for r in fake.requests
        if r.method == "POST" and r.path == f"/v1/subscriptions/{subscription_id}"
    ]


def test_turning_auto_renew_off_and_on_tells_stripe(subscribed, fake_stripe, staff):
    subscription_id = subscribed.stripe_subscription_id

    member = set_auto_renew(subscribed, False, user=staff)

    assert subscription_updates(fake_stripe, subscription_id) == [{"cancel_at_period_end": "true"}]
    assert fake_stripe.subscriptions[subscription_id]["cancel_at_period_end"] is True
    member.refresh_from_db()
    assert (member.auto_renew, member.cancel_at_period_end) == (False, True)

    set_auto_renew(member, True, user=staff)

    assert subscription_updates(fake_stripe, subscription_id)[-1] == {
        "cancel_at_period_end": "false"
    }
    assert fake_stripe.subscriptions[subscription_id]["cancel_at_period_end"] is False
    member.refresh_from_db()
    assert (member.auto_renew, member.cancel_at_period_end) == (True, False)
    edits = log_entries(member, "wagtail.edit")
    assert [entry.data for entry in edits] == [{"auto_renew": False}, {"auto_renew": True}]


def test_a_stripe_error_leaves_auto_renew_as_it_was(subscribed, fake_stripe):
    fake_stripe.fail("POST", f"/v1/subscriptions/{subscribed.stripe_subscription_id}", 500)

    with pytest.raises(stripe.StripeError):
        set_auto_renew(subscribed, False)

    subscribed.refresh_from_db()
    assert (subscribed.auto_renew, subscribed.cancel_at_period_end) == (True, False)
    assert log_entries(subscribed, "wagtail.edit") == []


def test_without_stripe_only_the_flag_changes(levels):
    member = MemberFactory(
        level=levels["community"], auto_renew=True, stripe_subscription_id="sub_elsewhere"
    )

    set_auto_renew(member, False)

    member.refresh_from_db()
    assert member.auto_renew is False
    assert member.cancel_at_period_end is False
    assert member.stripe_subscription_id == "sub_elsewhere"
    assert [entry.data for entry in log_entries(member, "wagtail.edit")] == [{"auto_renew": False}]


@pytest.mark.parametrize("stripe_on", [False, True], ids=["stripe-off", "no-subscription"])
def test_auto_renew_cannot_be_switched_on_with_nothing_to_charge(request, levels, stripe_on):
    fake = request.getfixturevalue("fake_stripe") if stripe_on else None
    member = MemberFactory(level=levels["community"], auto_renew=False)

    with pytest.raises(AutoRenewNeedsCheckout):
        set_auto_renew(member, True)

    member.refresh_from_db()
    assert member.auto_renew is False
    assert log_entries(member, "wagtail.edit") == []
    if fake is not None:
        assert fake.requests == []


def test_with_stripe_but_no_subscription_switching_off_is_only_the_flag(fake_stripe, levels):
    member = MemberFactory(level=levels["community"], auto_renew=True)

    set_auto_renew(member, False)

    member.refresh_from_db()
    assert member.auto_renew is False
    assert fake_stripe.requests == []
