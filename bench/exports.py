"""Exports benchmark: the roster (CSV, XLSX) of 100,000 members and the payments export of
100,000 payments, through the real admin views, with wall time and peak memory.

Usage (creates a scratch PostgreSQL database, fills it, measures, drops it):

    .venv/bin/python bench/exports.py [--members 100000] [--payments 100000] [--keep]
    .venv/bin/python bench/exports.py --reuse [--keep]   # measure a kept database again

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/chamber_bench_exports; the database
is created (dropped first if it exists) and dropped at the end unless `--keep`.

Each member gets a primary and a billing contact (users with unusable passwords) and a listing
in one of a few categories, all by bulk_create. Each export is requested with Django's test
client as a superuser (the Members and Payments lists' "Download CSV/XLSX") and its response
read to the end, in a forked child process, so each measurement has a process of its own:

- wall: from the request to the last byte (after a warm-up request for the list's page);
- tracemalloc peak: the most Python memory held at once during a second, traced run
  (tracing slows it down: its time is not the wall time);
- ru_maxrss: the child's peak resident size, interpreter and Django included; "baseline" is the
  same child's size before the export, so the difference is what the export added.
"""

import argparse
import datetime
import os
import resource
import sys
import time
import tracemalloc
import warnings
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chamber.settings.dev")
os.environ["DEBUG"] = "false"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/chamber_bench_exports"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)

import dj_database_url  # noqa: E402
import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402

BATCH = 5000
warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic


def admin_connection(url: str):
    """A connection to the server's `postgres` database, to create and drop the scratch one."""
    config = dj_database_url.parse(url)
    return psycopg.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"],
        port=config["PORT"] or 5432,
        autocommit=True,
    ), config["NAME"]


def recreate_database(url: str) -> None:
    connection, name = admin_connection(url)
    with connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str) -> None:
    connection, name = admin_connection(url)
    with connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def fill(members: int, payments: int) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from directory.models import Business, Category
    from membership.models import Member, MemberContact, MembershipLevel, Payment

    User = get_user_model()
    unusable = make_password(None)
    today = datetime.date.today()
    levels = [
        MembershipLevel.objects.create(name=name, slug=name.lower(), annual_dues=dues)
        for name, dues in (("Community", 195), ("Business", 395), ("Leadership", 995))
    ]
    categories = [
        Category.objects.create(name=name, slug=name.lower())
        for name in ("Bakeries", "Cafes", "Plumbing", "Lawyers", "Florists", "Garages")
    ]
    description = "<p>Family business since 1990.</p><p>Open six days a week.</p>"
    for start in range(0, members, BATCH):
        numbers = range(start, min(start + BATCH, members))
        paid_through = today + datetime.timedelta(days=200)
        batch = Member.objects.bulk_create(
            Member(
                name=f"Member {n:06d}",
                level=levels[n % 3],
                status=Member.Status.ACTIVE,
                paid_through=paid_through,
                good_standing_until=paid_through + datetime.timedelta(days=30),
                joined_on=datetime.date(2015 + n % 10, 1 + n % 12, 1),
                previous_id=f"GZ-{n}",
            )
            for n in numbers
        )
        users = User.objects.bulk_create(
            User(
                username=f"m{n}-{role}",
                email=f"{role}{n}@member{n}.example",
                first_name=role.title(),
                last_name=f"Person {n}",
                password=unusable,
            )
            for n in numbers
            for role in ("primary", "billing")
        )
        MemberContact.objects.bulk_create(
            MemberContact(
                member=batch[index // 2],
                user=user,
                role=user.username.rsplit("-", 1)[1],
                phone="+1 555 0100",
            )
            for index, user in enumerate(users)
        )
        listings = Business.objects.bulk_create(
            Business(
                member=member,
                name=member.name,
                slug=f"member-{member.pk}",
                summary="A local business.",
                description=description,
                street=f"{member.pk} Main Street",
                city="Riverside",
                city_slug="riverside",
                postcode="97999",
                country="United States",
                phone="(555) 010-1000",
                email=f"info@member{member.pk}.example",
                website=f"https://member{member.pk}.example/",
                live=True,
            )
            for member in batch
        )
        Business.categories.through.objects.bulk_create(
            Business.categories.through(business=listing, category=categories[index % 6])
            for index, listing in enumerate(listings)
        )
    member_ids = list(Member.objects.order_by("pk").values_list("pk", flat=True))
    methods = ["stripe", "cheque", "bank_transfer", "cash"]
    for start in range(0, payments, BATCH):
        Payment.objects.bulk_create(
            Payment(
                member_id=member_ids[n % len(member_ids)],
                amount=Decimal("195.00"),
                currency="usd" if n % 5 else "eur",
                method=methods[n % 4],
                paid_on=today - datetime.timedelta(days=n % 365),
                period_start=today,
                period_end=today + datetime.timedelta(days=364),
                reference=f"REF-{n}",
                stripe_invoice_id=f"in_{n}" if n % 4 == 0 else "",
            )
            for n in range(start, min(start + BATCH, payments))
        )


def export(url: str, *, traced: bool) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="bench-admin"))
    client.get(url.split("?")[0])  # warm up: URLconf, templates, admin menus, caches
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    size = sum(len(chunk) for chunk in response.streaming_content)
    wall = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    if traced:
        tracemalloc.stop()
    return {
        "wall": wall,
        "bytes": size,
        "peak": peak,
        "baseline": baseline,
        "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def in_child(url: str, *, traced: bool) -> dict:
    """`export` in a forked process of its own, its result sent back through a pipe."""
    import json

    from django.db import connections

    connections.close_all()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        try:
            result = export(url, traced=traced)
        except BaseException as error:  # the parent reports it
            result = {"error": repr(error)}
        os.write(write, json.dumps(result).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        result = json.loads(pipe.read())
    os.waitpid(pid, 0)
    if "error" in result:
        raise RuntimeError(result["error"])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--payments", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--reuse", action="store_true", help="measure a database kept by an earlier --keep"
    )
    parser.add_argument(
        "--only", nargs="*", default=None, help='exports to measure, e.g. "roster csv"'
    )
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        sys.exit("bench/exports.py needs a PostgreSQL DATABASE_URL (it creates and drops it).")
    if not args.reuse:
        recreate_database(url)
    try:
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command

        from chamber.site_setup import site_setup

        if not args.reuse:
            started = time.perf_counter()
            call_command("migrate", verbosity=0)
            site_setup(demo=False, log=lambda line: None)
            get_user_model().objects.create_superuser("bench-admin", "bench@example.org", "x" * 20)
            fill(args.members, args.payments)
            print(
                f"filled {args.members:,} members (2 contacts and a listing each) and "
                f"{args.payments:,} payments in {time.perf_counter() - started:.0f} s"
            )
        cases = {
            "roster csv": "/admin/snippets/membership/member/?export=csv",
            "roster xlsx": "/admin/snippets/membership/member/?export=xlsx",
            "payments csv": "/admin/snippets/membership/payment/?export=csv",
            "payments xlsx": "/admin/snippets/membership/payment/?export=xlsx",
        }
        print(
            f"{'export':<14} {'wall s':>7} {'MB out':>7} {'tracemalloc peak MB':>20} "
            f"{'maxrss MB':>10} {'baseline MB':>12}"
        )
        for name, case_url in cases.items():
            if args.only and name not in args.only:
                continue
            timed = in_child(case_url, traced=False)
            traced = in_child(case_url, traced=True)
            print(
                f"{name:<14} {timed['wall']:>7.1f} {timed['bytes'] / 1e6:>7.1f} "
                f"{traced['peak'] / 1e6:>20.1f} {timed['maxrss'] / 1024:>10.0f} "
                f"{timed['baseline'] / 1024:>12.0f}"
            )
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(url)


if __name__ == "__main__":
    main()
