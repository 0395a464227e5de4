"""Events at scale, as a visitor meets them: /events/ and its feeds with 10,000 events, served
by the production settings under gunicorn over HTTP, beside a floor measured in the same run.

Usage:

    .venv/bin/python bench/events.py [--events 10000] [--requests 200] [--rebuild]

Builds (once; `--rebuild` starts again) a PostgreSQL database `chamber_bench_events` next to
the one in DATABASE_URL (default: postgres://postgres@127.0.0.1:5432/), with the site set up
and `--events` events: nine in ten upcoming over the next three years, one in ten past, four
kinds, a third organised by member businesses, each with a member and a non-member price and a
complimentary ticket, and twenty registrations on one in fifty. Then starts gunicorn (two
workers, bench/lighthouse_settings.py: production settings, whitenoise) and requests each
URL `--requests` times over one keep-alive HTTP connection, after a warm-up. Prints p50, p95
and p99 in milliseconds per URL, and the floor: `/healthz` (one query) and a static file
(no Django view at all).
"""

import argparse
import datetime
import random
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import http_bench  # noqa: E402 (the project root on the path first)

DB_NAME = "chamber_bench_events"
KINDS = ["mixer", "workshop", "policy-breakfast", "lunch"]


def build(url: str, count: int, rebuild: bool) -> None:
    """The database with the site and `count` events (kept between runs)."""
    env = http_bench.prepare(url, rebuild=rebuild)
    code = f"import bench.events as b; b.fill({count})"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)


def fill(count: int) -> None:
    """Add events until there are `count` (run inside Django, by `build`)."""
    import logging

    import django

    django.setup()
    logging.getLogger("wagtail").setLevel(logging.WARNING)  # not a line per page created
    from django.db import transaction
    from django.utils import timezone

    from events.models import EventIndexPage, EventPage, Registration, TicketType
    from tests.factories import BusinessFactory, MemberFactory, MembershipLevelFactory

    have = EventPage.objects.count()
    if have >= count:
        print(f"{have} events already there.")
        return
    rng = random.Random(10_000)
    index = EventIndexPage.objects.get()
    level = MembershipLevelFactory(name="Bench level")
    organisers = [
        BusinessFactory(name=f"Organiser {n}", member=MemberFactory(level=level)) for n in range(20)
    ]
    now = timezone.now()
    started = time.perf_counter()
    for number in range(have, count):
        days = -rng.randint(1, 365) if number % 10 == 0 else rng.randint(0, 3 * 365)
        starts = now.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(
            days=days, hours=rng.randint(-6, 6)
        )
        event = EventPage(
            title=f"{KINDS[number % 4].replace('-', ' ').title()} number {number}",
            slug=f"event-{number}",
            kind=KINDS[number % 4],
            summary=f"Bench event {number}: meet members and guests.",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            venue_name="Chamber Hall",
            city="Riverside",
            capacity=rng.choice([None, 40, 120]),
            organiser=organisers[number % 20] if number % 3 == 0 else None,
            live=True,
        )
        event.ticket_types = [
            TicketType(name="Standard", member_price=Decimal(15), non_member_price=Decimal(30)),
            TicketType(name="Sponsor", comp=True),
        ]
        with transaction.atomic():
            index.add_child(instance=event)
            if number % 50 == 0:
                Registration.objects.bulk_create(
                    Registration(
                        event=event,
                        name=f"Guest {n}",
                        email=f"guest{n}.{number}@bench.example",
                        status=Registration.Status.CONFIRMED,
                    )
                    for n in range(20)
                )
        if number % 1000 == 999:
            print(f"  {number + 1} events ({time.perf_counter() - started:.0f} s)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    url = http_bench.database_url(DB_NAME)
    print(f"Database {DB_NAME}: building to {args.events} events (kept for the next run)")
    started = time.perf_counter()
    build(url, args.events, args.rebuild)
    print(f"  ready in {time.perf_counter() - started:.0f} s")
    with tempfile.TemporaryDirectory() as temporary, http_bench.served(url, Path(temporary)):
        today = datetime.date.today()
        paths = {
            "floor: static file": http_bench.static_file(Path(temporary)),
            "floor: /healthz": "/healthz",
            "/events/": "/events/",
            "/events/?page=300": "/events/?page=300",
            "/events/?kind=workshop&price=paid": "/events/?kind=workshop&price=paid",
            "/events/?q=breakfast": "/events/?q=breakfast",
            "/events/past/": "/events/past/",
            "/events/calendar/ (next month)": (
                f"/events/calendar/{today.year + today.month // 12}-{today.month % 12 + 1:02d}/"
            ),
            "/events/feed.ics (200 events)": "/events/feed.ics",
            "/events/feed.rss (50 events)": "/events/feed.rss",
            "an event's page": "/events/event-1/",
        }
        http_bench.report(paths, args.requests)


if __name__ == "__main__":
    main()
