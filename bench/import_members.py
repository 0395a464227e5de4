"""Roster import benchmark: 5,000 generated rows read, previewed and written on PostgreSQL.

Usage:

    .venv/bin/python bench/import_members.py [--rows 5000] [--xlsx] [--tracemalloc]

With DATABASE_URL set, it runs there (the rows are written inside a transaction that is rolled
back at the end, so the database is left as it was). Without it, a scratch database
(chamber_import_bench on 127.0.0.1) is created, migrated, set up and dropped afterwards.

Prints the wall time of reading + previewing and of writing (members, contacts, accounts,
published listings with revisions and search entries, history entries), the queries each
took, and the process's peak memory (ru_maxrss). `--tracemalloc` also reports the peak of
Python allocations during the import (and slows it down).
"""

import argparse
import csv
import io
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chamber.settings.dev")
os.environ["DEBUG"] = "false"

SCRATCH = "chamber_import_bench"
SERVER = "postgres://postgres@127.0.0.1:5432"


def create_scratch() -> None:
    # Imports wait for DATABASE_URL: Django reads it when it is set up.
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH}")
        admin.execute(f"CREATE DATABASE {SCRATCH}")


def drop_scratch() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")


def roster(rows: int) -> list[list[str]]:
    from directory.roster.columns import COLUMNS

    headings = [column.heading for column in COLUMNS if not column.exported_only]
    levels = ["Community", "Business", "Leadership"]
    categories = ["Bakeries", "Cafes", "Plumbing", "Accountants", "Printers"]
    towns = ["Harbourton", "Riverside", "Millbrook", "Eastport"]
    out = [headings]
    for n in range(rows):
        values = {
            "Previous ID": f"GZ-{n}",
            "Organisation": f"Business {n} {towns[n % 4]}",
            "Level": levels[n % 3],
            "Status": "Active",
            "Joined": f"{1 + n % 28:02d}/0{1 + n % 9}/2015",
            "Paid through": "2027-04-30",
            "Auto-renew": "No",
            "No end date": "No",
            "Primary contact name": f"Person {n}",
            "Primary contact e-mail": f"person{n}@business{n}.example",
            "Primary contact phone": f"+1 555 {n:04d}",
            "Billing contact e-mail": f"accounts@business{n}.example" if n % 3 == 0 else "",
            "Website": f"business{n}.example",
            "Address line 1": f"{n} High Street",
            "Town": towns[n % 4],
            "Postcode": f"HT{n % 90} 1AB",
            "Categories": f"{categories[n % 5]}; {categories[(n + 2) % 5]}",
            "Listing phone": f"+1 555 {n:04d}",
            "Listing e-mail": f"hello@business{n}.example",
            "Listing summary": f"What business {n} does, in a line",
            "Listing description": "A paragraph about the business.\n\nAnd another one.",
            "Phone visibility": "Everyone",
            "E-mail visibility": "Members",
        }
        out.append([values.get(heading, "") for heading in headings])
    return out


def as_csv(rows) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode("utf-8")


def as_xlsx(rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class QueryCounter:
    """Counts queries without keeping them (a list of 100,000 would skew the memory figure)."""

    count = 0

    def reset(self):
        self.count = 0
        return self

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--xlsx", action="store_true", help="Import an XLSX file, not CSV.")
    parser.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args()

    scratch = not os.environ.get("DATABASE_URL")
    if scratch:
        create_scratch()
        os.environ["DATABASE_URL"] = f"{SERVER}/{SCRATCH}"
    try:
        run(args, scratch=scratch)
    finally:
        if scratch:
            from django.db import connections

            connections.close_all()
            drop_scratch()


def run(args, *, scratch: bool) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from chamber.site_setup import site_setup
    from directory.models import Business, Category
    from directory.roster.importer import roster_import, roster_preview
    from directory.roster.preview import ImportOptions
    from membership.models import Member, MembershipLevel

    if connection.vendor != "postgresql":
        raise SystemExit("This benchmark runs on PostgreSQL (set DATABASE_URL, or leave it unset).")
    if scratch:
        call_command("migrate", verbosity=0)
        site_setup(demo=False, log=lambda line: None)
    for n, name in enumerate(["Community", "Business", "Leadership"]):
        MembershipLevel.objects.get_or_create(
            slug=name.lower(), defaults={"name": name, "annual_dues": 100 * (n + 1)}
        )
    for name in ["Bakeries", "Cafes", "Plumbing", "Accountants", "Printers"]:
        Category.objects.get_or_create(slug=name.lower(), defaults={"name": name})

    rows = roster(args.rows)
    data = as_xlsx(rows) if args.xlsx else as_csv(rows)
    name = "bench.xlsx" if args.xlsx else "bench.csv"
    print(f"{args.rows} rows, {len(data) / 1024:.0f} KiB {name.split('.')[-1].upper()}")
    if args.tracemalloc:
        tracemalloc.start()

    class Rollback(Exception):
        pass

    queries = QueryCounter()

    try:
        with transaction.atomic():
            before = Member.objects.count()
            start = time.perf_counter()
            with connection.execute_wrapper(queries.reset()):
                preview = roster_preview(data, file_name=name, options=ImportOptions())
            read_time = time.perf_counter() - start
            print(f"read + preview: {read_time:.2f} s, {queries.count} queries, {preview.counts}")
            start = time.perf_counter()
            with connection.execute_wrapper(queries.reset()):
                result = roster_import(preview=preview)
            write_time = time.perf_counter() - start
            print(
                f"write: {write_time:.2f} s ({write_time / args.rows * 1000:.1f} ms a row), "
                f"{queries.count} queries ({queries.count / args.rows:.0f} a row); "
                f"{len(result.created)} members, {result.accounts_created} accounts, "
                f"{result.listings_created} listings"
            )
            if Member.objects.count() != before + args.rows:
                raise SystemExit("not every row was imported")
            if Business.objects.filter(live=True).count() < args.rows:
                raise SystemExit("not every listing was published")
            raise Rollback
    except Rollback:
        pass
    print(f"total: {read_time + write_time:.2f} s")
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak memory (ru_maxrss): {peak_kib / 1024:.0f} MiB")
    if args.tracemalloc:
        _, peak = tracemalloc.get_traced_memory()
        print(f"peak Python allocations (tracemalloc): {peak / 1024 / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
