"""The job board at scale, as a visitor meets it: /jobs/ with 10,000 open jobs, served by the
production settings under gunicorn over HTTP, beside a floor measured in the same run.

Usage:

    .venv/bin/python bench/jobs.py [--jobs 10000] [--requests 200] [--rebuild]

Builds (once; `--rebuild` starts again) a PostgreSQL database `chamber_bench_jobs` next to the
one in DATABASE_URL with the site set up and `--jobs` published jobs at 500 member businesses
in 20 towns and 10 categories: every employment and workplace type, half with a salary, posted
over the last 60 days and closing within the next 60, plus one closed job in ten (which the
board must leave out). Then requests each URL `--requests` times over one keep-alive
connection (bench/http_bench.py) and prints p50, p95 and p99 per URL, with the floor.
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

DB_NAME = "chamber_bench_jobs"
TITLES = ["Bookkeeper", "Line cook", "Sales associate", "Electrician", "Office manager",
          "Barista", "Delivery driver", "Marketing coordinator", "Plumbing apprentice",
          "Receptionist"]  # fmt: skip


def build(url: str, count: int, rebuild: bool) -> None:
    """The database with the site and `count` jobs (kept between runs)."""
    env = http_bench.prepare(url, rebuild=rebuild)
    code = f"import bench.jobs as b; b.fill({count})"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)


def fill(count: int) -> None:
    """Add jobs until there are `count` (run inside Django, by `build`)."""
    import django

    django.setup()
    from django.utils import timezone

    from directory.models import Category
    from jobs.models import JobPosting
    from tests.factories import BusinessFactory, MemberFactory, MembershipLevelFactory

    have = JobPosting.objects.count()
    if have >= count:
        print(f"{have} jobs already there.")
        return
    rng = random.Random(21)
    today = timezone.localdate()
    level = MembershipLevelFactory(name="Bench level")
    categories = [
        Category.objects.get_or_create(slug=f"bench-{n}", defaults={"name": f"Trade {n}"})[0]
        for n in range(10)
    ]
    businesses = []
    for n in range(500):
        business = BusinessFactory(
            name=f"Employer {n}", city=f"Town {n % 20}", member=MemberFactory(level=level)
        )
        business.categories.set([categories[n % 10]])
        businesses.append(business)
    employment = list(JobPosting.EmploymentType.values)
    workplace = list(JobPosting.WorkplaceType.values)
    started = time.perf_counter()
    batch = []
    for number in range(have, count):
        business = businesses[number % len(businesses)]
        posted = today - datetime.timedelta(days=rng.randint(0, 60))
        closed = number % 10 == 9
        remote = workplace[number % 3] == JobPosting.WorkplaceType.REMOTE
        salary = Decimal(rng.randrange(30_000, 90_000, 1000)) if number % 2 else None
        title = f"{TITLES[number % len(TITLES)]} {number}"
        batch.append(
            JobPosting(
                business=business,
                title=title,
                slug=f"job-{number}",
                town="" if remote else business.city,
                town_slug="" if remote else business.city.lower().replace(" ", "-"),
                workplace_type=workplace[number % 3],
                employment_type=employment[number % len(employment)],
                salary_min=salary,
                salary_max=salary + 10_000 if salary else None,
                description=f"<p>{title}: a job at {business.name}, near the river.</p>",
                description_text=f"{title}: a job at {business.name}, near the river.",
                apply_email="jobs@employer.example",
                posted_on=posted,
                closes_on=(today - datetime.timedelta(days=1))
                if closed
                else today + datetime.timedelta(days=rng.randint(1, 60)),
                live=True,
                first_published_at=timezone.now(),
            )
        )
        if len(batch) == 1000:
            JobPosting.objects.bulk_create(batch)
            batch = []
            print(f"  {number + 1} jobs ({time.perf_counter() - started:.0f} s)", flush=True)
    JobPosting.objects.bulk_create(batch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    url = http_bench.database_url(DB_NAME)
    print(f"Database {DB_NAME}: building to {args.jobs} jobs (kept for the next run)")
    started = time.perf_counter()
    build(url, args.jobs, args.rebuild)
    print(f"  ready in {time.perf_counter() - started:.0f} s")
    with tempfile.TemporaryDirectory() as temporary, http_bench.served(url, Path(temporary)):
        paths = {
            "floor: static file": http_bench.static_file(Path(temporary)),
            "floor: /healthz": "/healthz",
            "/jobs/": "/jobs/",
            "/jobs/?page=300": "/jobs/?page=300",
            "/jobs/?employment=part_time&town=town-3": "/jobs/?employment=part_time&town=town-3",
            "/jobs/?category=bench-4&salary=on": "/jobs/?category=bench-4&salary=on",
            "/jobs/?q=cook": "/jobs/?q=cook",
            "/jobs/?q=plumb&sort=closing": "/jobs/?q=plumb&sort=closing",
            "/jobs/feed/": "/jobs/feed/",
            "a job's page": "/jobs/job-0/",
        }
        http_bench.report(paths, args.requests)


if __name__ == "__main__":
    main()
