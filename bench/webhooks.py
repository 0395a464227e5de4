"""Server-side time of Stripe webhook deliveries, measured with Django's test client.

Usage: .venv/bin/python bench/webhooks.py [--members 200]
Creates a throwaway test database next to the one in DATABASE_URL (SQLite when unset), puts the
local Stripe double (tests/stripe_double/) behind the real stripe library, lets `--members`
applicants join and pay, and times the signed webhook deliveries: the checkout that creates a
member (user, contact, listing, payment, e-mails), a renewal's `invoice.paid`, and a duplicate
delivery. Prints p50/p95/p99 in milliseconds and SQL queries per delivery; drops the database.

E-mail goes as production sends it: queued (chamber/mail.py, MAIL_DELIVERY="queue"), with the
time `deliver_mail` then takes per message; `--mail direct` sends straight to memory instead,
as the portal did before the queue, for the floor.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chamber.settings.test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_databases,
    setup_test_environment,
    teardown_databases,
)

from chamber.mail import deliver_queued, mail_rows  # noqa: E402
from chamber.site_setup import site_setup  # noqa: E402
from membership import stripe_gateway  # noqa: E402
from membership.models import Application, MembershipLevel  # noqa: E402
from tests.stripe_double import FakeStripe, post_event  # noqa: E402

SECRET = "whsec_bench"  # noqa: S105 (a throwaway test secret)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def deliver(client: Client, events: list[dict]) -> tuple[list[float], list[int]]:
    timings, queries = [], []
    for event in events:
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = post_event(client, event, SECRET)
            timings.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{event['type']} answered {response.status_code}")
        queries.append(len(captured))
    return timings, queries


def report(name: str, timings: list[float], queries: list[int]) -> None:
    print(
        f"{name:<34} {len(timings):>5} {statistics.median(timings):>8.1f} "
        f"{percentile(timings, 0.95):>8.1f} {percentile(timings, 0.99):>8.1f} "
        f"{statistics.median(queries):>8.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--mail", choices=["queue", "direct"], default="queue")
    args = parser.parse_args()

    setup_test_environment()  # sets EMAIL_BACKEND to memory: "direct"
    settings.MAIL_TRANSPORT = "django.core.mail.backends.locmem.EmailBackend"
    if args.mail == "queue":
        settings.EMAIL_BACKEND = "chamber.mail.QueuedEmailBackend"
        settings.MAIL_DELIVERY = "queue"
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STRIPE_SECRET_KEY = "sk_test_bench"  # noqa: S105
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    settings.JOIN_RATE_LIMIT_PER_HOUR = 0
    fake = FakeStripe()
    stripe_gateway.HTTP_CLIENT = fake
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        site_setup(demo=False, log=lambda line: None)
        level = MembershipLevel.objects.create(name="Business", slug="business", annual_dues=395)
        client = Client()
        joins, renewals = [], []
        for number in range(args.members):
            client.post(
                "/join/",
                {
                    "organisation_name": f"Bench Business {number}",
                    "first_name": "Pat",
                    "last_name": "Lee",
                    "email": f"owner{number}@bench.example",
                    "street": "1 Main Street",
                    "city": "Riverside",
                    "postcode": "97999",
                    "level": str(level.pk),
                    "auto_renew": "on",
                },
            )
            application = Application.objects.latest("pk")
            events = fake.complete_checkout(application.stripe_checkout_session_id)
            joins.append(next(e for e in events if e["type"] == "checkout.session.completed"))
        timings, queries = deliver(client, joins)
        print(
            f"{'webhook on ' + connection.vendor:<34} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} "
            f"{'p99 ms':>8} {'queries':>8}"
        )
        report("checkout.session.completed (join)", timings, queries)
        fake.advance(days=366)
        for event in joins:
            subscription_id = fake.checkout_sessions[event["data"]["object"]["id"]]["subscription"]
            renewals.append(
                next(e for e in fake.renew(subscription_id) if e["type"] == "invoice.paid")
            )
        report("invoice.paid (renewal)", *deliver(client, renewals))
        report("duplicate delivery", *deliver(client, renewals))
        if args.mail == "queue":
            waiting = mail_rows().filter(status="READY").count()
            start = time.perf_counter()
            run = deliver_queued()
            elapsed = (time.perf_counter() - start) * 1000
            print(
                f"deliver_mail: {len(run.sent)} of {waiting} queued e-mails sent in "
                f"{elapsed:.0f} ms ({elapsed / max(1, len(run.sent)):.2f} ms each)"
            )
    finally:
        teardown_databases(databases, verbosity=0)


if __name__ == "__main__":
    main()
