"""A fixed-window rate limit kept in the cache (Redis in production: shared by every process),
and the client address it is keyed on."""

import ipaddress
import time

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str | None:
    """The address of the client that sent `request`, or None when there is none.

    With no proxy in front (TRUSTED_PROXY_COUNT = 0) that is REMOTE_ADDR, and X-Forwarded-For,
    which anyone can send, is ignored. Behind N proxies that each append the address they were
    reached from (nginx's ``$proxy_add_x_forwarded_for``, most load balancers), REMOTE_ADDR is
    the nearest proxy's and the client is the Nth address from the right of X-Forwarded-For:
    what the outermost proxy saw. Addresses further left are the client's own claims and are
    never used. A request that didn't come through the proxies (too few entries, or not an
    address) is keyed on REMOTE_ADDR.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            try:
                return str(ipaddress.ip_address(forwarded[-proxies]))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR") or None


def client_ip(request) -> str:
    """The client's address as a rate-limit key ("unknown" when there is none)."""
    return client_address(request) or "unknown"


def allow(scope: str, key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one more hit for (scope, key); False once more than `limit` fell in this window."""
    if limit <= 0:
        return True
    bucket = int(time.time() // window_seconds)
    cache_key = f"ratelimit:{scope}:{key}:{bucket}"
    if cache.add(cache_key, 1, timeout=window_seconds):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window_seconds)
        count = 1
    return count <= limit


def member_may_submit(kind: str, member_id: int) -> bool:
    """Count one submission of `kind` ("listing", "deal", "level-change") by a member; False
    past MEMBER_SUBMISSION_LIMITS[kind] in its window. Each submission goes to staff review
    and sends e-mail, so a member (or a stolen login) can't flood either."""
    limit, window_seconds = settings.MEMBER_SUBMISSION_LIMITS[kind]
    return allow(f"submit-{kind}", str(member_id), limit=limit, window_seconds=window_seconds)


TOO_MANY_SUBMISSIONS = (
    "You have sent a lot of changes in a short time; please wait a while and try again, "
    "or contact the chamber office."
)
