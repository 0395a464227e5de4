"""Signed links e-mailed to members: the renewal link in a reminder, which lets a member pay one
year of dues without logging in (membership/views.py `renew`), for as long as a reminder season
lasts; and the set-password link for a contact's account (Django's password-reset token, so
it works once and expires after PASSWORD_RESET_TIMEOUT)."""

from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from chamber import emails

RENEW_SALT = "membership.renew"
RENEW_MAX_AGE = 60 * 60 * 24 * 120


def renewal_token(member) -> str:
    return signing.dumps(member.pk, salt=RENEW_SALT)


def renewal_member_id(token: str) -> int | None:
    """The member a renewal token names; None when it is forged, garbled or too old."""
    try:
        return signing.loads(token, salt=RENEW_SALT, max_age=RENEW_MAX_AGE)
    except signing.BadSignature:
        return None


def set_password_url(user) -> str:
    """Where `user` sets a password (a new account) or a new one (a forgotten password)."""
    return emails.absolute(
        reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    )
