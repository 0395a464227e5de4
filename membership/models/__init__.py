"""Membership's models, one module per subject. Other apps import them from here; inside
membership, code imports them from their own module, so the page model (pages.py) can import
the views at the top without an import cycle."""

from membership.models.applications import APPLICANT_FIELDS, Application
from membership.models.members import (
    CURRENCIES,
    FOREVER,
    RENEWS_AUTOMATICALLY,
    ContactInvitation,
    Member,
    MemberContact,
    MembershipLevel,
    membership_grace_days,
)
from membership.models.pages import JoinPage
from membership.models.payments import (
    Payment,
    PaymentEffect,
    RenewalReminder,
    StripeEvent,
    SubscriberPriceMove,
)

__all__ = [
    "APPLICANT_FIELDS",
    "CURRENCIES",
    "FOREVER",
    "RENEWS_AUTOMATICALLY",
    "Application",
    "ContactInvitation",
    "JoinPage",
    "Member",
    "MemberContact",
    "MembershipLevel",
    "Payment",
    "PaymentEffect",
    "RenewalReminder",
    "StripeEvent",
    "SubscriberPriceMove",
    "membership_grace_days",
]
