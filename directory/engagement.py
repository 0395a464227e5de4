"""Directory engagement (issue #19): listing page views and website, phone and e-mail clicks,
counted per listing and day, and read back per listing and month.

**How they are counted.** The listing page's script (chamber/static/chamber/js/site.js) sends a
beacon (`navigator.sendBeacon`, a POST of `listing` and `kind`) to `/beacon/listing/` when the
page is shown and when one of its website, phone or e-mail links is used. Counting from the
browser rather than in the page's view means a page served from any cache (a CDN, a proxy, the
browser's own) still counts, and that what counts is a person
looking, not a crawler fetching: crawlers rarely run scripts. Visitors without JavaScript are
not counted; a server-side fallback (a `<noscript>` image, a count in the view) would count
them only together with every crawler and link checker, and would need a GET that writes, so
there is none: the figures are a floor, and say so.

**What is kept.** Only the day's totals per listing (`ListingDailyStats`): no visitor, address,
cookie or browser, not even hashed. The beacon is CSRF-exempt (a beacon cannot send a token,
and a page that carried one could not be cached), so it is validated instead: only the known
kinds, only listings the public directory shows (`publicly_listed`), at most
`ENGAGEMENT_RATE_LIMIT_PER_HOUR` beacons per client address an hour (chamber/ratelimit.py),
checked before the database is asked anything; its body is never stored.

**Safe under concurrency.** `count` increments with one UPDATE ... SET n = n + 1; the first
count of a listing's day inserts the row inside a savepoint, and a concurrent first count that
loses the race to the unique (listing, day) constraint updates the row the other inserted. No
count is lost, on PostgreSQL or SQLite, and no lock is held beyond the one statement.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from chamber.reports import month_key
from directory.models.engagement import COUNTERS, ListingDailyStats
from directory.models.listings import Business

KINDS = frozenset(COUNTERS)
METRICS = ("views", "website_clicks", "phone_clicks", "email_clicks")


def count(*, listing_id: int, kind: str, day: datetime.date | None = None) -> None:
    """Add one `kind` ("view", "website", "phone", "email") to the listing's count for `day`
    (today by default)."""
    column = COUNTERS[kind]
    day = day or timezone.localdate()
    rows = ListingDailyStats.objects.filter(listing_id=listing_id, day=day)
    if rows.update(**{column: F(column) + 1}):
        return
    try:
        with transaction.atomic():
            ListingDailyStats.objects.create(listing_id=listing_id, day=day, **{column: 1})
    except IntegrityError:  # another request made today's row first
        rows.update(**{column: F(column) + 1})


def countable_listing(listing: str) -> int | None:
    """The id of the listing a beacon names, if the public directory shows it."""
    if not listing.isdigit():
        return None
    listing_id = int(listing)
    return listing_id if Business.objects.publicly_listed().filter(pk=listing_id).exists() else None


def by_listing_and_month(
    *, first: datetime.date, last: datetime.date, listings=None, level=None
) -> list[dict]:
    """One row per listing and month with any count between `first` and `last` (days), by
    month, then most viewed first; `listings` (a queryset or ids) and `level` narrow it. One
    query."""
    stats = ListingDailyStats.objects.filter(day__gte=first, day__lte=last)
    if listings is not None:
        stats = stats.filter(listing__in=listings)
    if level is not None:
        stats = stats.filter(listing__member__level=level)
    grouped = (
        stats.annotate(month=TruncMonth("day"))
        .values("month", "listing_id", "listing__name")
        .annotate(**{metric: Sum(metric) for metric in METRICS})
        .order_by("month", "-views", "listing__name", "listing_id")
    )
    return [
        {
            "month": month_key(group["month"]),
            "first_day": group["month"],
            "listing_id": group["listing_id"],
            "listing": group["listing__name"],
            **{metric: group[metric] for metric in METRICS},
            "clicks": sum(group[metric] for metric in METRICS[1:]),
        }
        for group in grouped
    ]


RECENT = datetime.timedelta(days=30)


def recent_totals(listing_ids) -> dict[int, tuple[int, int]]:
    """(views, contact-link clicks) of each listing over the last 30 days, today included (the
    account overview). One query."""
    since = timezone.localdate() - RECENT + datetime.timedelta(days=1)
    rows = (
        ListingDailyStats.objects.filter(listing_id__in=listing_ids, day__gte=since)
        .values("listing_id")
        .annotate(**{metric: Sum(metric) for metric in METRICS})
        .order_by()
    )
    return {
        row["listing_id"]: (row["views"], sum(row[metric] for metric in METRICS[1:]))
        for row in rows
    }


def monthly_totals(rows: list[dict], months: list[datetime.date]) -> list[dict]:
    """Every listing's counts added up per month (each month of `months`, zero when none)."""
    totals = {
        month_key(month): {"month": month_key(month), **dict.fromkeys((*METRICS, "clicks"), 0)}
        for month in months
    }
    for row in rows:
        total = totals[row["month"]]
        for metric in (*METRICS, "clicks"):
            total[metric] += row[metric]
    return list(totals.values())


def top_listings(rows: list[dict], *, limit: int = 10) -> list[dict]:
    """The most viewed listings over all the rows' months, with their counts added up."""
    by_listing: dict[int, dict] = {}
    for row in rows:
        total = by_listing.setdefault(
            row["listing_id"],
            {"listing": row["listing"], **dict.fromkeys((*METRICS, "clicks"), 0)},
        )
        for metric in (*METRICS, "clicks"):
            total[metric] += row[metric]
    ranked = sorted(by_listing.values(), key=lambda row: (-row["views"], -row["clicks"]))
    return ranked[:limit]
