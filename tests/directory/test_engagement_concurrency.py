"""Concurrent first counts of a listing's day (directory/engagement.py): the insert that loses
the race to the unique (listing, day) constraint updates the winner's row, so no count is
lost. Real concurrent transactions need PostgreSQL (SQLite has one writer)."""

import threading

import pytest
from django.db import connection

from directory import engagement
from directory.models import ListingDailyStats
from tests.factories import BusinessFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs concurrent writers"),
]


def test_simultaneous_counts_of_a_new_day_lose_none(site_tree):
    listing = BusinessFactory()
    barrier = threading.Barrier(8)
    errors = []

    def count_five():
        try:
            barrier.wait()
            for kind in ("view", "view", "website", "phone", "email"):
                engagement.count(listing_id=listing.pk, kind=kind)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=count_five) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    row = ListingDailyStats.objects.get(listing=listing)
    assert (row.views, row.website_clicks, row.phone_clicks, row.email_clicks) == (16, 8, 8, 8)
