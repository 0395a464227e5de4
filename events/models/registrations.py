"""Who registered for an event, at what price, and where their registration stands.

A seat is taken by a confirmed registration and by one held while its Checkout is open
(until `hold_expires_at`: a hold whose session expired frees its seat by the clock, even when
the `checkout.session.expired` webhook is late or lost). Seats are counted and taken only under
the event's row lock (events.services), so capacity is never exceeded.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models.pages import EventPage, TicketType


def new_token() -> str:
    return secrets.token_urlsafe(18)


class RegistrationQuerySet(models.QuerySet):
    def taking_seats(self, at=None):
        """THE rule for a registration taking a seat: confirmed, or held for a Checkout that
        is still open at `at`."""
        at = at or timezone.now()
        return self.filter(
            models.Q(status=Registration.Status.CONFIRMED)
            | models.Q(status=Registration.Status.HELD, hold_expires_at__gt=at)
        )


class Registration(models.Model):
    class Status(models.TextChoices):
        HELD = "held", _("Seat held for payment")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waitlist")
        EXPIRED = "expired", _("Payment not completed")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(EventPage, on_delete=models.CASCADE, related_name="registrations")
    ticket_type = models.ForeignKey(
        TicketType, null=True, on_delete=models.SET_NULL, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    member = models.ForeignKey(
        "membership.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
        help_text=_("The member in good standing whose rate applied."),
    )
    # Places booked together: each names its attendee and points at the booker's own place,
    # which holds the booker's e-mail (an attendee may have none of their own) and pays for
    # all of them in one Checkout.
    booked_by = models.ForeignKey(
        "self",
        verbose_name=_("booked by"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="party",
    )
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("e-mail"), blank=True)
    organisation = models.CharField(_("organisation"), max_length=160, blank=True)
    interested_in_membership = models.BooleanField(_("interested in membership"), default=False)
    price = models.DecimalField(_("price"), max_digits=8, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, default="usd")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    walk_in = models.BooleanField(_("walk-in"), default=False)
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    stripe_checkout_session_id = models.CharField(max_length=255, blank=True)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True)
    checked_in_at = models.DateTimeField(_("arrived"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    # The refund of a paid place (events/refunds.py), made through Stripe's API.
    stripe_refund_id = models.CharField(max_length=255, blank=True)
    refunded_at = models.DateTimeField(_("refunded"), null=True, blank=True)
    # A guest's way into membership (events/follow_ups.py): when the follow-up with a join link
    # went, and the application that came of it (by that link, or by the same e-mail address).
    followed_up_at = models.DateTimeField(_("followed up"), null=True, blank=True)
    application = models.ForeignKey(
        "membership.Application",
        verbose_name=_("application to join"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("event registration")
        indexes = [models.Index(fields=["event", "status"], name="events_reg_event_status_idx")]

    def __str__(self):
        return f"{self.name} — {self.event.title}"

    @property
    def confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def booker_name(self) -> str:
        """Who booked this place for the attendee ("" when they booked it themselves)."""
        return self.booked_by.name if self.booked_by_id else ""

    @property
    def contact_email(self) -> str:
        """Where news of this place goes: the attendee's own e-mail, else the booker's."""
        if self.email or self.booked_by_id is None:
            return self.email
        return self.booked_by.email
