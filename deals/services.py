"""Writes for deals: redemptions and page views."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

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


def count_view(deal) -> None:
    """One more view of `deal`'s page today: an UPDATE, or the day's first row."""
    today = timezone.localdate()
    if DealViews.objects.filter(deal=deal, day=today).update(views=F("views") + 1):
        return
    try:
        with transaction.atomic():
            DealViews.objects.create(deal=deal, day=today, views=1)
    except IntegrityError:  # another request created the day's row first
        DealViews.objects.filter(deal=deal, day=today).update(views=F("views") + 1)
