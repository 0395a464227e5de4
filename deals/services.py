"""Writes for deals: redemptions and page views."""

import datetime
import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from chamber.ratelimit import client_ip
from deals.models.deals import DealRedemption, DealViews


def redeem(*, deal, member, user) -> tuple[DealRedemption, bool]:
    """Record that `member` took up `deal` today; at most one redemption per member, deal and
    day (the unique constraint settles two clicks at once). Returns (redemption, created)."""
    now = timezone.now()
    today = timezone.localdate(now)
    lookup = {"deal": deal, "member": member, "redeemed_on": today}
    existing = DealRedemption.objects.filter(**lookup).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return DealRedemption.objects.create(**lookup, user=user, redeemed_at=now), True
    except IntegrityError:
        return DealRedemption.objects.get(**lookup), False


def visitor_key(request) -> str:
    """Who is visiting, for counting each visitor once a day, with no cookie: a hash of the
    client's address and browser, salted with a key that changes every day and is never
    stored, so yesterday's keys can't be traced back to anyone."""
    salt = f"{settings.SECRET_KEY}:deal-views:{timezone.localdate().isoformat()}"
    client = f"{client_ip(request)}|{request.headers.get('User-Agent', '')}"
    return hmac.new(salt.encode(), client.encode(), hashlib.sha256).hexdigest()[:32]


# Counted views wait in the cache and are written at most once a minute per deal.
FLUSH_SECONDS = 60
DAY_SECONDS = 60 * 60 * 26


def count_view(deal, *, visitor: str) -> bool:
    """Count `visitor` among today's visitors of `deal`'s page, once: a reload, or a script
    hammering the page from one client, adds nothing after the first view of the day (the
    cache remembers who was counted). Counts are batched: the first view of a minute writes
    what gathered since the last write, so a busy deal costs one UPDATE a minute, not one a
    visitor. True if counted."""
    today = timezone.localdate()
    if not cache.add(f"deal-view:{deal.pk}:{today.isoformat()}:{visitor}", 1, DAY_SECONDS):
        return False
    pending = _pending_key(deal.pk, today)
    cache.add(pending, 0, DAY_SECONDS)
    cache.incr(pending)
    if cache.add(f"deal-views-flush:{deal.pk}", 1, FLUSH_SECONDS):
        flush_views(deal)
    return True


def _pending_key(deal_id: int, day) -> str:
    return f"deal-views-pending:{deal_id}:{day.isoformat()}"


def flush_views(deal) -> None:
    """Write the counts waiting for `deal` (today's, and yesterday's if the day turned)."""
    today = timezone.localdate()
    for day in (today - datetime.timedelta(days=1), today):
        key = _pending_key(deal.pk, day)
        waiting = cache.get(key) or 0
        if waiting:
            cache.decr(key, waiting)  # views counted meanwhile stay for the next write
            _add_views(deal, day, waiting)


def _add_views(deal, day, count: int) -> None:
    """`count` more views of `deal`'s page on `day`: an UPDATE, or the day's first row."""
    if DealViews.objects.filter(deal=deal, day=day).update(views=F("views") + count):
        return
    try:
        with transaction.atomic():
            DealViews.objects.create(deal=deal, day=day, views=count)
    except IntegrityError:  # another request created the day's row first
        DealViews.objects.filter(deal=deal, day=day).update(views=F("views") + count)
