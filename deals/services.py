"""Writes for deals: redemptions and page views."""

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


def count_view(deal, *, visitor: str) -> bool:
    """Count `visitor` among today's visitors of `deal`'s page, once: a reload, or a script
    hammering the page from one client, writes nothing after the first view of the day (the
    cache remembers who was counted). True if counted."""
    today = timezone.localdate()
    if not cache.add(f"deal-view:{deal.pk}:{today.isoformat()}:{visitor}", 1, 60 * 60 * 26):
        return False
    _add_view(deal, today)
    return True


def _add_view(deal, today) -> None:
    """One more view of `deal`'s page today: an UPDATE, or the day's first row."""
    if DealViews.objects.filter(deal=deal, day=today).update(views=F("views") + 1):
        return
    try:
        with transaction.atomic():
            DealViews.objects.create(deal=deal, day=today, views=1)
    except IntegrityError:  # another request created the day's row first
        DealViews.objects.filter(deal=deal, day=today).update(views=F("views") + 1)
