"""The signed link in a renewal reminder: it lets a member pay one year of dues without logging
in (membership/views.py `renew`), for as long as a reminder season lasts."""

from django.core import signing

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
