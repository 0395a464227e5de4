"""Time and queries of the admin reports (issue #19) over a chamber of many members.

Usage: .venv/bin/python bench/reports.py [--members 10000] [--listings 2000]
Creates a throwaway test database next to the one in DATABASE_URL (SQLite when unset), fills
it with bulk_create (members over three levels, joined and paid through over five years, a
yearly payment each with some voids and refunds; listings with a year of daily statistics),
then times each report's computation over the last 12 months (best of 3) and counts its SQL
queries, and the listing beacon's `count`. Drops the database.
"""

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chamber.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_databases,
    setup_test_environment,
    teardown_databases,
)
from django.utils import timezone  # noqa: E402

from chamber.reports import add_months, month_end, month_start, months_between  # noqa: E402
from chamber.site_setup import site_setup  # noqa: E402
from directory import engagement  # noqa: E402
from directory.models import Business, ListingDailyStats  # noqa: E402
from membership.models import Member, MembershipLevel, Payment  # noqa: E402
from membership.reports import members, retention, revenue  # noqa: E402


def fill(member_count: int, listing_count: int) -> None:
    rng = random.Random(19)
    today = timezone.localdate()
    levels = [
        MembershipLevel.objects.create(name=name, slug=name.lower(), annual_dues=dues)
        for name, dues in (("Community", 195), ("Business", 395), ("Leadership", 995))
    ]
    statuses = [Member.Status.ACTIVE] * 6 + [Member.Status.LAPSED, Member.Status.CANCELLED]
    found = []
    for number in range(member_count):
        joined = today - datetime.timedelta(days=rng.randrange(60, 5 * 365))
        paid_through = joined + datetime.timedelta(days=365 * rng.randrange(1, 6) - 1)
        found.append(
            Member(
                name=f"Member {number}",
                level=rng.choice(levels),
                status=rng.choice(statuses),
                joined_on=joined,
                paid_through=paid_through,
                good_standing_until=paid_through + datetime.timedelta(days=30),
            )
        )
    found = Member.objects.bulk_create(found, batch_size=2000)
    payments = []
    for member in found:
        end = member.paid_through
        while end > member.joined_on:
            start = end - datetime.timedelta(days=364)
            paid_on = start - datetime.timedelta(days=rng.randrange(-20, 20))
            payments.append(
                Payment(
                    member=member,
                    amount=member.level.annual_dues,
                    method=Payment.Method.CHEQUE,
                    paid_on=min(paid_on, today),
                    period_start=start,
                    period_end=end,
                )
            )
            end = start - datetime.timedelta(days=1)
    payments = Payment.objects.bulk_create(payments, batch_size=5000)
    corrections = [
        Payment(
            member_id=payment.member_id,
            kind=rng.choice([Payment.Kind.VOID, Payment.Kind.REFUND]),
            corrects=payment,
            reason="bench",
            amount=-payment.amount,
            method=payment.method,
            paid_on=min(payment.paid_on + datetime.timedelta(days=20), today),
            period_start=payment.period_start,
            period_end=payment.period_end,
        )
        for payment in rng.sample(payments, len(payments) // 50)
    ]
    Payment.objects.bulk_create(corrections, batch_size=5000)
    listings = Business.objects.bulk_create(
        [
            Business(member=found[n % len(found)], name=f"Listing {n}", slug=f"listing-{n}")
            for n in range(listing_count)
        ],
        batch_size=2000,
    )
    ListingDailyStats.objects.bulk_create(
        (
            ListingDailyStats(
                listing=listing,
                day=today - datetime.timedelta(days=day),
                views=rng.randrange(0, 40),
                website_clicks=rng.randrange(0, 4),
                phone_clicks=rng.randrange(0, 3),
                email_clicks=rng.randrange(0, 2),
            )
            for listing in listings
            for day in range(365)
        ),
        batch_size=10000,
    )
    print(
        f"{Member.objects.count()} members, {Payment.objects.count()} payment rows, "
        f"{len(listings)} listings, {ListingDailyStats.objects.count()} daily statistics rows"
    )


def measure(label: str, run) -> None:
    timings = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            run()
            timings.append((time.perf_counter() - start) * 1000)
    print(f"{label:<32} {min(timings):8.1f} ms  {len(captured.captured_queries):3d} queries")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10000)
    parser.add_argument("--listings", type=int, default=2000)
    args = parser.parse_args()
    setup_test_environment()
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        site_setup(demo=False, log=lambda line: None)
        fill(args.members, args.listings)
        print(f"database: {connection.vendor}; the last 12 months")
        today = timezone.localdate()
        months = months_between(add_months(month_start(today), -11), today)
        measure("members by level and status", lambda: members.members_by_month(months=months))
        measure("revenue", lambda: revenue.revenue_by_month(months=months))
        measure("retention", lambda: retention.retention_by_month(months=months))
        measure(
            "directory engagement",
            lambda: engagement.by_listing_and_month(first=months[0], last=month_end(months[-1])),
        )
        listing = Business.objects.first()
        measure(
            "beacon count (existing day)",
            lambda: engagement.count(listing_id=listing.pk, kind="view"),
        )
    finally:
        teardown_databases(databases, verbosity=0)


if __name__ == "__main__":
    main()
