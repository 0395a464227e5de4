"""Writes about members that belong to no bigger flow: recomputing every member's standing,
and sending a contact a set-password link from the admin."""

import datetime

from django.db import transaction
from django.db.models import Case, DateField, F, Value, When
from django.db.models.functions import Cast
from django.urls import reverse
from wagtail.log_actions import log

from chamber import emails
from membership.models.members import (
    FOREVER,
    PAYING,
    Member,
    MemberContact,
    membership_grace_days,
)
from membership.signals import good_standing_changed
from membership.tokens import set_password_url


@transaction.atomic
def members_refresh_good_standing(*, grace_days: int | None = None) -> int:
    """Recompute every member's stored standing, e.g. after the grace period changed.

    One UPDATE that mirrors Member.compute_good_standing_until (tests hold the two equal).
    """
    if grace_days is None:
        grace_days = membership_grace_days()
    grace = datetime.timedelta(days=grace_days)
    updated = Member.objects.update(
        good_standing_until=Case(
            When(status__in=PAYING, no_end_date=True, then=Value(FOREVER)),
            When(
                status__in=PAYING,
                paid_through__isnull=False,
                then=Cast(F("paid_through") + grace, output_field=DateField()),
            ),
            default=None,
            output_field=DateField(),
        )
    )
    good_standing_changed.send(sender=Member, member_ids=None)
    return updated


PASSWORD_LINK_SENT = "membership.password_link_sent"  # noqa: S105 - a log action


class NoAddress(Exception):
    """The contact has no e-mail address (or a disabled account): no link can reach them."""


@transaction.atomic
def contact_send_password_link(*, contact: MemberContact, sent_by) -> str:
    """E-mail `contact` a link to set a password (or a new one, if they forgot theirs), and
    note it in the member's log. Returns the address it went to.

    The link is Django's password-reset link: it works once, until the password changes,
    and for PASSWORD_RESET_TIMEOUT; the e-mail is queued with the log entry.
    """
    user = contact.user
    if not user.email or not user.is_active:
        raise NoAddress(f"{user} has no e-mail address or a disabled account.")
    context = {
        "user": user,
        "member": contact.member,
        "has_password": user.has_usable_password(),
        "set_password_url": set_password_url(user),
        "login_url": emails.absolute(reverse("login")),
    }
    emails.send("membership/emails/set_password", [user.email], context)
    log(
        instance=contact.member,
        action=PASSWORD_LINK_SENT,
        user=sent_by,
        data={"email": user.email, "contact": contact.pk},
    )
    return user.email
