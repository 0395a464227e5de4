"""Stripe Checkout for dues: starting a session, and fulfilling a paid one (exactly once).

`fulfil_checkout_session` is the one fulfilment path: the `/join/thanks/` page and the
`checkout.session.completed` webhook both call it, in any order and as often as they like. It
re-reads the session from Stripe, so it acts on Stripe's current state rather than on whatever
copy of the session an event carried.
"""

import datetime
import logging
import re
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log

from chamber import emails
from membership.checkout_purposes import purpose_of
from membership.dues import (
    StripeState,
    apply_stripe_state,
    from_timestamp,
    local_date,
    lock_member,
    next_period,
    record_payment,
)
from membership.models.applications import OPEN_STATUSES, Application
from membership.models.members import Member, MemberContact
from membership.models.payments import Payment
from membership.signals import member_created_from_application
from membership.stripe_gateway import stripe_client
from membership.stripe_prices import sync_level_prices
from membership.tokens import set_password_url

logger = logging.getLogger(__name__)

JOIN, RENEWAL = "join", "renewal"
SESSION_EXPAND = ["subscription", "invoice", "payment_intent"]
# What a Checkout Session id looks like: anything else in a success URL is refused unread.
CHECKOUT_SESSION_ID = re.compile(r"cs_[A-Za-z0-9_]{1,250}")


def object_id(value) -> str:
    """The id of a Stripe reference that may be an id or an expanded object."""
    if not value:
        return ""
    return value if isinstance(value, str) else value["id"]


def cents_to_amount(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


# Starting a checkout ---------------------------------------------------------------------------


def _prices_for(level, *, client) -> tuple[str, str]:
    if not (level.stripe_price_id and level.stripe_one_time_price_id):
        sync_level_prices(level, client=client)
    return level.stripe_price_id, level.stripe_one_time_price_id


def _checkout_params(
    level, *, client, subscribe: bool, metadata: dict, client_reference_id: str, **params
) -> dict:
    """A Checkout Session for a level's dues: a yearly subscription, or one year paid now (with
    a Customer made even so, for the billing portal, unless `customer` names one)."""
    yearly, once = _prices_for(level, client=client)
    params = {
        "mode": "subscription" if subscribe else "payment",
        "line_items": [{"price": yearly if subscribe else once, "quantity": 1}],
        "client_reference_id": client_reference_id,
        "metadata": metadata,
        **params,
    }
    if subscribe:
        params["subscription_data"] = {"metadata": metadata}
    else:
        params["payment_intent_data"] = {"metadata": metadata}
        if "customer" not in params:
            params["customer_creation"] = "always"
    return params


def start_join_checkout(application: Application, *, success_url: str, cancel_url: str) -> str:
    """Create the Checkout Session for a saved application; returns Stripe's payment page URL.

    Raises `stripe.StripeError` (the application is already saved; the caller offers a retry).
    Each attempt has its own idempotency key, so a network retry never makes a second session
    but a retry after an error does not replay the error.
    """
    Application.objects.filter(pk=application.pk).update(
        checkout_attempts=F("checkout_attempts") + 1
    )
    application.refresh_from_db(fields=["checkout_attempts"])
    client = stripe_client()
    params = _checkout_params(
        application.level,
        client=client,
        subscribe=application.auto_renew,
        metadata={
            "purpose": JOIN,
            "application_id": str(application.pk),
            "level": application.level.slug,
        },
        client_reference_id=str(application.pk),
        customer_email=application.email,
        success_url=success_url,
        cancel_url=cancel_url,
    )
    session = client.v1.checkout.sessions.create(
        params=params,
        options={
            "idempotency_key": (
                f"chamber-application-{application.pk}-checkout-{application.checkout_attempts}"
            )
        },
    )
    Application.objects.filter(pk=application.pk).update(
        stripe_checkout_session_id=session["id"], status=Application.Status.AWAITING_PAYMENT
    )
    return session.url


def start_renewal_checkout(
    member: Member, *, auto_renew: bool, success_url: str, cancel_url: str, email: str = ""
) -> str:
    """A Checkout Session for an existing member: one year now, or a yearly subscription.

    A subscription taken while dues are paid for some time yet starts with a free trial up to
    `paid_through`: the card is first charged when the paid year ends, so no paid day is lost.
    """
    if member.stripe_customer_id:
        customer = {"customer": member.stripe_customer_id}
    else:
        customer = {"customer_email": email} if email else {}
    client = stripe_client()
    params = _checkout_params(
        member.level,
        client=client,
        subscribe=auto_renew,
        metadata={"purpose": RENEWAL, "member_id": str(member.pk), "level": member.level.slug},
        client_reference_id=f"member-{member.pk}",
        success_url=success_url,
        cancel_url=cancel_url,
        **customer,
    )
    first_charge = first_charge_day(member)
    if auto_renew and first_charge is not None:
        params["subscription_data"]["trial_end"] = int(start_of_day(first_charge).timestamp())
    return client.v1.checkout.sessions.create(params=params).url


# Stripe wants a trial to end at least 48 hours ahead; closer than that, the year starts now.
TRIAL_AT_LEAST = datetime.timedelta(days=3)


def first_charge_day(member: Member) -> datetime.date | None:
    """When a subscription taken today would first charge, if not today: the day the paid
    period ends."""
    today = timezone.localdate()
    if member.paid_through is not None and member.paid_through >= today + TRIAL_AT_LEAST:
        return member.paid_through
    return None


def start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# Fulfilling ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fulfilment:
    result: str
    application: Application | None = None
    member: Member | None = None


def retrieve_checkout_session(session_id: str, *, client=None) -> dict:
    """Stripe's current state of a Checkout Session, expanded for fulfilment, as a plain dict."""
    client = client or stripe_client()
    session = client.v1.checkout.sessions.retrieve(session_id, params={"expand": SESSION_EXPAND})
    return session.to_dict()


def fulfil_checkout_session(session_id: str, *, client=None) -> Fulfilment:
    """Read the session from Stripe, then fulfil it (in that order: no Stripe call is made
    while the rows fulfilment writes are locked)."""
    return fulfil_session(retrieve_checkout_session(session_id, client=client))


def fulfil_session(session: dict) -> Fulfilment:
    """Act on a (retrieved, expanded) Checkout Session, as a plain dict; idempotent."""
    metadata = session.get("metadata") or {}
    if session["status"] != "complete":
        return Fulfilment("checkout not complete")
    purpose = purpose_of(session)
    if purpose is not None:  # another app's session (checkout_purposes.py)
        return Fulfilment(purpose.completed(session))
    if metadata.get("purpose") == RENEWAL:
        return _fulfil_renewal(session, metadata)
    return _fulfil_join(session, metadata)


def _is_paid(session) -> bool:
    return session["payment_status"] in ("paid", "no_payment_required")


@dataclass(frozen=True)
class PaidPeriod:
    amount: Decimal
    currency: str
    paid_at: int
    start: datetime.date | None  # None: one year from the later of payment and paid_through
    end: datetime.date | None
    invoice_id: str
    payment_intent_id: str


def invoice_paid_period(invoice: dict) -> PaidPeriod:
    """What a paid invoice bought: the period of its (subscription) line."""
    line = invoice["lines"]["data"][0]
    return PaidPeriod(
        amount=cents_to_amount(invoice["amount_paid"]),
        currency=invoice["currency"],
        paid_at=(invoice.get("status_transitions") or {}).get("paid_at") or invoice["created"],
        start=local_date(line["period"]["start"]),
        end=local_date(line["period"]["end"]),
        invoice_id=invoice["id"],
        payment_intent_id=object_id(invoice.get("payment_intent")),
    )


def _paid_period(session) -> PaidPeriod:
    """What the session paid for, from the invoice (subscriptions) or the payment intent."""
    invoice = session.get("invoice")
    if invoice and not isinstance(invoice, str):
        return invoice_paid_period(invoice)
    subscription = session.get("subscription")
    if subscription and not isinstance(subscription, str):
        item = subscription["items"]["data"][0]
        return PaidPeriod(
            amount=cents_to_amount(session.get("amount_total") or 0),
            currency=session.get("currency") or "usd",
            paid_at=item["current_period_start"],
            start=local_date(item["current_period_start"]),
            end=local_date(item["current_period_end"]),
            invoice_id=object_id(invoice),
            payment_intent_id="",
        )
    intent = session.get("payment_intent")
    paid_at = intent["created"] if intent and not isinstance(intent, str) else session["created"]
    return PaidPeriod(
        amount=cents_to_amount(session.get("amount_total") or 0),
        currency=session.get("currency") or "usd",
        paid_at=paid_at,
        start=None,
        end=None,
        # An invoice that came as an id still names the payment: the invoice.paid event for
        # it must find this payment and not record it again.
        invoice_id=object_id(invoice),
        payment_intent_id=object_id(intent),
    )


def record_stripe_payment(member: Member, period: PaidPeriod, **identity) -> Payment | None:
    """Record what Stripe was paid for `period` (once per invoice or session; see
    dues.record_payment); a period without a start is one year from the later of the payment
    and `paid_through`."""
    paid_on = local_date(period.paid_at)
    start, end = (period.start, period.end) if period.start else next_period(member, paid_on)
    return record_payment(
        member,
        amount=period.amount,
        currency=period.currency,
        method=Payment.Method.STRIPE,
        paid_on=paid_on,
        period_start=start,
        period_end=end,
        stripe_invoice_id=period.invoice_id,
        stripe_payment_intent_id=period.payment_intent_id,
        **identity,
    )


def _record_session_payment(
    member: Member, session, *, application=None
) -> tuple[Payment | None, PaidPeriod]:
    period = _paid_period(session)
    if not period.amount:  # a subscription starting with a trial: nothing paid yet
        return None, period
    payment = record_stripe_payment(
        member, period, stripe_checkout_session_id=session["id"], application=application
    )
    return payment, period


def _apply_paid_session(member: Member, session, *, reason: str, application=None):
    """Record what a paid session bought and what it says about the member (locked by the
    caller): the payment (once), its Stripe customer and subscription, and that the member is
    active, renewing automatically exactly when it pays by subscription."""
    payment, period = _record_session_payment(member, session, application=application)
    subscription_id = object_id(session.get("subscription"))
    if subscription_id:
        member.stripe_subscription_id = subscription_id
    if not member.stripe_customer_id:
        member.stripe_customer_id = object_id(session.get("customer"))
    member.save()
    apply_stripe_state(
        member,
        StripeState(
            at=from_timestamp(period.paid_at),
            status=Member.Status.ACTIVE,
            auto_renew=bool(subscription_id),
            cancel_at_period_end=False if subscription_id else None,
        ),
        reason=reason,
    )
    return payment


def _fulfil_join(session, metadata) -> Fulfilment:
    application_id = session.get("client_reference_id") or metadata.get("application_id")
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("level", "primary_category")
            .filter(pk=application_id)
            .first()
            if str(application_id or "").isdigit()
            else None
        )
        if application is None:
            return Fulfilment("unknown application")
        if not _is_paid(session):
            if application.status in OPEN_STATUSES:
                application.status = Application.Status.AWAITING_PAYMENT
                application.stripe_checkout_session_id = session["id"]
                application.save(update_fields=["status", "stripe_checkout_session_id"])
            return Fulfilment("awaiting payment", application)

        created = application.member_id is None
        if created:
            member, new_user = create_member_from_application(
                application, status=Member.Status.ACTIVE
            )
        member = lock_member(application.member_id)
        payment = _apply_paid_session(
            member, session, application=application, reason="paid at Stripe Checkout"
        )
        if application.status != Application.Status.APPROVED:
            application.status = Application.Status.PAID
        application.stripe_checkout_session_id = session["id"]
        application.save(update_fields=["status", "stripe_checkout_session_id", "updated_at"])
        if created:
            send_welcome(application, member, new_user=new_user)
        elif payment is None:
            return Fulfilment("already fulfilled", application, member)
    return Fulfilment("member created" if created else "payment recorded", application, member)


def _fulfil_renewal(session, metadata) -> Fulfilment:
    member_id = metadata.get("member_id", "")
    if not str(member_id).isdigit() or not _is_paid(session):
        return Fulfilment("unknown member" if _is_paid(session) else "awaiting payment")
    with transaction.atomic():
        try:
            member = lock_member(int(member_id))
        except Member.DoesNotExist:
            return Fulfilment("unknown member")
        payment = _apply_paid_session(member, session, reason="renewed at Stripe Checkout")
        if payment is not None:
            send_payment_receipt(payment)
    return Fulfilment("payment recorded" if payment else "already fulfilled", member=member)


# Creating the member -----------------------------------------------------------------------------


def create_member_from_application(application: Application, *, status: str, user=None) -> tuple:
    """Member and primary contact (a user who logs in with the application's e-mail) from an
    application; `member_created_from_application` then lets the directory make its draft
    listing. Returns (member, new_user); the caller holds the application row locked and saves
    its status."""
    member = Member.objects.create(
        name=application.organisation_name,
        level=application.level,
        status=status,
        auto_renew=application.auto_renew,
        joined_on=timezone.localdate(),
    )
    contact_user, new_user = _user_for(application)
    MemberContact.objects.get_or_create(
        member=member, user=contact_user, defaults={"role": MemberContact.Role.PRIMARY}
    )
    member_created_from_application.send(sender=Member, member=member, application=application)
    application.member = member
    application.save(update_fields=["member", "updated_at"])
    log(
        instance=member,
        action="wagtail.create",
        user=user,
        data={"application": application.pk, "status": status},
    )
    return member, new_user


def _user_for(application: Application):
    users = get_user_model().objects
    user = users.filter(email__iexact=application.email).order_by("pk").first()
    if user is not None:
        return user, False
    user = users.create_user(
        username=application.email.lower()[:150],
        email=application.email.lower(),
        first_name=application.first_name[:150],
        last_name=application.last_name[:150],
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user, True


def send_welcome(application: Application, member: Member, *, new_user: bool) -> None:
    """Welcome the new member (with a set-password link for a new account) and tell staff.
    Queued in the caller's transaction, from the objects it holds."""
    contact = member.primary_contacts().first()
    context = {
        "application": application,
        "member": member,
        "user": contact.user if contact else None,
        "set_password_url": set_password_url(contact.user) if contact and new_user else "",
        "login_url": emails.absolute(reverse("login")),
    }
    emails.send("membership/emails/welcome", [application.email], context)
    emails.send("membership/emails/staff_new_member", emails.staff_recipients(), context)


def send_payment_receipt(payment: Payment) -> list[str]:
    """E-mail the receipt to the member's billing contacts; returns their addresses (none: no
    e-mail was sent)."""
    recipients = payment.member.billing_emails()
    emails.send(
        "membership/emails/payment_received",
        recipients,
        {"payment": payment, "member": payment.member},
    )
    return recipients
