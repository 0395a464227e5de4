"""Directory benchmark: server-side response times of /directory/ at scale.

Usage (against a PostgreSQL database filled with `manage.py generate_listings --count N`):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chamber_bench \\
        .venv/bin/python bench/directory.py [--requests 200] [--common WORD] [--rare WORD]

Measures with Django's test client in this process (server-side time: URL routing, queries,
template rendering; no network, no web server), after one warm-up request per scenario, for:

- filter: category + city, no keywords (a different random pair for each request);
- rare: a rare word (a handful of listings), with a random city filter;
- common: a word in about 20% of listings, with a random city filter;
- prefix: the first letters of a common trade word, no filter;
- sorted: a category in every town, sorted by name or newest first (not the default order).

Every request renders the full page, facet counts included. Prints p50/p95/p99 in
milliseconds and the SQL queries per request. Read-only: changes nothing in the database.

The directory caches facet counts and keyword matches until a listing, member or category
changes. Two passes run: "warm" keeps them, as in production (the keyword cases repeat a word
over five towns, so they mostly hit the cache); "cold" drops them before every request (outside
the timing), as if a listing had changed each time: every keyword request then reads its sample,
ranks and counts afresh, and every filter request sums the facet summary again. `--warm` or
`--cold` runs one pass only.

The process starts as a WSGI worker does (chamber/wsgi.py: the application loaded, then its
objects frozen out of the garbage collector's way). Before measuring, the listing table and its
indexes are read once into the operating system's cache (pg_prewarm, where the extension can
be created), as on a server that has been answering for a while; `--no-prewarm` skips that,
to measure straight after a restart.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chamber.settings.dev")
os.environ["DEBUG"] = "false"

from django.db import DatabaseError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import chamber.wsgi  # noqa: F401 - the worker's start-up: django.setup(), gc.freeze()
from chamber.caching import bump_cache_version
from directory.caches import FACETS
from directory.models import Business, Category

PASSES = {
    "warm": "caches kept between requests, as in production (repeated keyword searches hit them)",
    "cold": "every directory cache dropped before each request, as if a listing had just changed",
}


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run(client: Client, name: str, urls: list[str], *, cold: bool = False) -> None:
    if cold:
        bump_cache_version(FACETS)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(urls[0])
    query_count = len(queries)
    if response.status_code != 200:
        raise SystemExit(f"{urls[0]} answered {response.status_code}")
    timings = []
    for url in urls:
        if cold:
            bump_cache_version(FACETS)
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    print(
        f"{name:<8}{percentile(timings, 0.5):>9.1f}{percentile(timings, 0.95):>9.1f}"
        f"{percentile(timings, 0.99):>9.1f}{query_count:>9}   e.g. {urls[0]}"
    )


def prewarm() -> None:
    """Read the listing table and its indexes into the OS cache, if pg_prewarm is available."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        except DatabaseError as error:  # no extension, or no right to create it: measure as is
            print(f"(no prewarm: {error})")
            return
        cursor.execute(
            "SELECT sum(pg_prewarm(c.oid::regclass, 'read')) FROM pg_class c "
            "WHERE c.relname IN ('directory_business', 'directory_business_categories') "
            "OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = "
            "'directory_business'::regclass)"
        )
        print(f"prewarmed {cursor.fetchone()[0]:,} blocks")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--common", default="independent")
    parser.add_argument("--rare", default="harpsichord")
    parser.add_argument("--prefix", default="plumb")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--cold", action="store_true", help="only the cold pass (caches dropped for each request)"
    )
    parser.add_argument(
        "--warm", action="store_true", help="only the warm pass (caches kept, as in production)"
    )
    parser.add_argument(
        "--no-prewarm", action="store_true", help="don't read the tables into the OS cache first"
    )
    args = parser.parse_args()

    rng = random.Random(args.seed)
    listed = Business.objects.publicly_listed()
    total = listed.count()
    cities = list(listed.values_list("city_slug", flat=True).distinct()[:50])
    categories = list(Category.objects.filter(parent__isnull=False).values_list("slug", flat=True))
    if not cities or not categories:
        raise SystemExit("No listings: run `manage.py generate_listings --count N` first.")
    print(
        f"engine={connection.vendor} listings={Business.objects.count():,} publicly_listed="
        f"{total:,} requests={args.requests} (Django test client, server-side ms)"
    )
    if not args.no_prewarm:
        prewarm()
    client = Client(HTTP_HOST="127.0.0.1")
    n = args.requests
    scenarios = {
        "filter": [
            f"/directory/?category={rng.choice(categories)}&city={rng.choice(cities)}"
            for _ in range(n)
        ],
        "rare": [f"/directory/?q={args.rare}&city={rng.choice(cities)}" for _ in range(n)],
        "common": [f"/directory/?q={args.common}&city={rng.choice(cities)}" for _ in range(n)],
        "prefix": [f"/directory/?q={args.prefix}" for _ in range(n)],
        "sorted": [
            f"/directory/?sort={rng.choice(['name', 'newest'])}&category={rng.choice(categories)}"
            for _ in range(n)
        ],
    }
    passes = [("warm", False), ("cold", True)]
    if args.cold != args.warm:  # one pass asked for
        passes = [(label, cold) for label, cold in passes if cold == args.cold]
    for label, cold in passes:
        print(f"-- {label}: {PASSES[label]}")
        print(f"{'case':<8}{'p50':>9}{'p95':>9}{'p99':>9}{'queries':>9}")
        for name, urls in scenarios.items():
            client.get(urls[0])  # warm-up: templates, caches
            run(client, name, urls, cold=cold)


if __name__ == "__main__":
    main()
