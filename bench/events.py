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
import contextlib
import datetime
import http.client
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB_NAME = "chamber_bench_events"
PORT = 8127
KINDS = ["mixer", "workshop", "policy-breakfast", "lunch"]


def database_url() -> str:
    base = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/"))
    if not base.scheme.startswith("postgres"):
        base = urlsplit("postgres://postgres@127.0.0.1:5432/")
    return urlunsplit((base.scheme, base.netloc, f"/{DB_NAME}", "", ""))


def psql(url: str, sql: str) -> None:
    admin = urlunsplit((*urlsplit(url)[:2], "/postgres", "", ""))
    subprocess.run(["psql", admin, "-qc", sql], check=True, capture_output=True)


def build(url: str, count: int, rebuild: bool) -> None:
    """The database with the site and `count` events (kept between runs)."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "chamber.settings.dev"}
    if rebuild:
        psql(url, f"DROP DATABASE IF EXISTS {DB_NAME}")
    with contextlib.suppress(subprocess.CalledProcessError):  # there already
        psql(url, f"CREATE DATABASE {DB_NAME}")
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [python, "manage.py", "setup_site"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    code = f"import bench.events as b; b.fill({count})"
    subprocess.run([python, "-c", code], cwd=ROOT, env=env, check=True)


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


def serve(url: str, workdir: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.lighthouse_settings",
        "SECRET_KEY": f"bench-{time.time()}-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(workdir / "media"),
        "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        "STATIC_ROOT": str(workdir / "static"),
        "SECURE_SSL_REDIRECT": "false",
        "SITE_URL": f"http://127.0.0.1:{PORT}",
    }
    env.pop("REDIS_URL", None)
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [
            str(bin_dir / "gunicorn"),
            "chamber.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status in (200, 503):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(path: str, requests: int) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    timings, size = [], 0
    for attempt in range(requests + 3):  # three warm-up requests (both workers, caches)
        start = time.perf_counter()
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - start) * 1000
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}")
        if attempt >= 3:
            timings.append(elapsed)
            size = len(body)
    return {
        "p50": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "p99": percentile(timings, 0.99),
        "kB": size / 1024,
    }


def static_file(workdir: Path) -> str:
    manifest = next((workdir / "static").rglob("site*.css"), None) or next(
        (workdir / "static").rglob("*.css")
    )
    return "/static/" + str(manifest.relative_to(workdir / "static"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    url = database_url()
    print(f"Database {DB_NAME}: building to {args.events} events (kept for the next run)")
    started = time.perf_counter()
    build(url, args.events, args.rebuild)
    print(f"  ready in {time.perf_counter() - started:.0f} s")
    with tempfile.TemporaryDirectory() as temporary:
        workdir = Path(temporary)
        server = serve(url, workdir)
        try:
            today = datetime.date.today()
            paths = {
                "floor: static file": static_file(workdir),
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
            print(f"\n{args.requests} requests each, one keep-alive connection, gunicorn x2")
            print(f"{'URL':40} {'p50':>8} {'p95':>8} {'p99':>8} {'size':>8}")
            for label, path in paths.items():
                result = measure(path, args.requests)
                print(
                    f"{label:40} {result['p50']:7.1f}ms {result['p95']:7.1f}ms "
                    f"{result['p99']:7.1f}ms {result['kB']:6.1f}kB",
                    flush=True,
                )
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
