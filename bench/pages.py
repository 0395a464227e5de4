"""Server-side response times of the editorial pages and of the demo member's account pages,
measured with Django's test client.

Usage: .venv/bin/python bench/pages.py [--requests 300]
Runs against the database in DATABASE_URL (default: the SQLite file that `make run` uses);
the site must be set up (`manage.py setup_site --demo`). Prints p50/p95/p99 in milliseconds and
the number of SQL queries per request. Nothing is written to the database but the page-view
counts of the deal pages measured.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chamber.settings.dev")
os.environ["DEBUG"] = "false"  # templates and queries as in production, no debug overhead

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from wagtail.models import Page, Site  # noqa: E402


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(client: Client, url: str, requests: int) -> dict[str, float]:
    client.get(url)  # warm caches and template loading
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # Read the count now: the next request clears the query log this capture slices.
    query_count = len(queries)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}; run setup_site --demo first")
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    return {
        "p50": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "p99": percentile(timings, 0.99),
        "queries": query_count,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        raise SystemExit("No site: run `manage.py setup_site --demo` first.")
    from home.models import NewsPage

    pages = Page.objects.live().descendant_of(site.root_page, inclusive=True)
    news_page = NewsPage.objects.live().order_by("-date").first()
    urls = [
        "/healthz",
        # Every page but the news items (a dozen of the same kind): one of them stands for all.
        *(page.url for page in pages.not_type(NewsPage)),
        *([news_page.url] if news_page else []),
        "/news/?page=2",
        "/news/?topic=parking-transport&kind=policy",
        "/news/feed/",
        "/news/feed/atom/",
        "/search/?q=parking",
        "/search/?q=bakery&page=2",
        "/sitemap.xml",
    ]
    from deals.models import Deal

    members_deal = Deal.objects.shown().filter(audience=Deal.Audience.MEMBERS).first()
    deal_urls = ["/deals/?sort=ending&page=2", "/deals/?q=free"]
    if members_deal:
        deal_urls.append(f"/deals/{members_deal.slug}/")
    urls += ["/directory/?has_deals=on", *deal_urls]
    client = Client(HTTP_HOST=site.hostname if site.hostname != "localhost" else "127.0.0.1")
    engine = connection.vendor
    print(f"engine={engine} requests={args.requests} (Django test client, server-side time)")
    print(f"{'url':<42}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'queries':>9}")
    for url in urls:
        report(url, measure(client, url, args.requests))

    # The member account area, as the demo member (member@example.org) sees it.
    from demo.membership import DEMO_MEMBER_EMAIL
    from membership.models import MemberContact

    contact = MemberContact.objects.filter(user__email=DEMO_MEMBER_EMAIL).first()
    if contact is None:
        return
    client.force_login(contact.user)
    member = contact.member
    payment = member.payments.order_by("-paid_on").first()
    business = member.businesses.order_by("name").first()
    account_urls = [
        "/account/",
        "/account/receipts/",
        "/account/listings/",
        "/account/contacts/",
        "/account/deals/",
        *deal_urls[-1:],  # a members-only deal, as a member in good standing sees it
    ]
    if payment:
        account_urls.append(f"/account/receipts/{payment.pk}/")
    if business:
        account_urls.append(f"/account/listings/{business.slug}/")
    for url in account_urls:
        report(url, measure(client, url, args.requests))


def report(url: str, result: dict[str, float]) -> None:
    print(
        f"{url[:40]:<42}{result['p50']:>9.2f}{result['p95']:>9.2f}{result['p99']:>9.2f}"
        f"{result['queries']:>9}"
    )


if __name__ == "__main__":
    main()
