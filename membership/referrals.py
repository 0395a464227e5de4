"""Join links that carry where an applicant came from and what we already know of them.

An app above membership (events: a follow-up to an event's guests) makes a link to the join
page with `join_link(...)`: a signed token, in the link's `?ref=`, holding a `source` (a short
string the app can recognise later, e.g. "events.registration:42") and a few of the form's
fields to fill in. The join page fills the form from it and keeps the source in the browser
session, and the application it submits records the source in `Application.source`; the app
that made the link finds its applications there. Nothing in the token is trusted beyond that:
the applicant may change every field, and an old or tampered token is ignored.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core import signing

SALT = "membership.join.referral"
MAX_AGE = 60 * 60 * 24 * 120  # a follow-up read months later still knows where it came from
SESSION_KEY = "membership_join_referral"
# The form fields a link may fill in (no level, no category: the applicant chooses those).
PREFILLED = ("organisation_name", "first_name", "last_name", "email", "phone", "website")


@dataclass(frozen=True)
class Referral:
    source: str
    initial: dict


def join_link(join_url: str, *, source: str, initial: dict) -> str:
    """`join_url` with a `?ref=` token for `source` and the fields of `initial` it may fill."""
    values = {name: str(value) for name, value in initial.items() if name in PREFILLED and value}
    token = signing.dumps({"source": source, "initial": values}, salt=SALT, compress=True)
    return f"{join_url}?{urlencode({'ref': token})}#apply"


def read(token: str | None) -> Referral | None:
    """The referral in `token`, or None if there is none or it is not one of ours (any more)."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("source"), str):
        return None
    initial = data.get("initial") if isinstance(data.get("initial"), dict) else {}
    return Referral(
        source=data["source"][:120],
        initial={name: str(value) for name, value in initial.items() if name in PREFILLED},
    )
