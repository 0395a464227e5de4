"""Capacity under concurrent registrations: twenty people register for the last five seats at
the same moment; five are confirmed and fifteen wait. Real concurrent transactions need
PostgreSQL (SQLite has one writer)."""

import threading

import pytest
from django.db import connection
from django.test import Client

from events.models import Registration

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs concurrent writers"),
]


def test_twenty_registrations_at_once_never_exceed_capacity(event_factory):
    event = event_factory("Coffee mixer", capacity=5)
    ticket = event.ticket_types.get().pk
    barrier = threading.Barrier(20)
    statuses = []

    def register(number):
        try:
            barrier.wait()
            response = Client().post(
                f"{event.url}register/",
                {"ticket": ticket, "name": f"Person {number}", "email": f"p{number}@x.example"},
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(number,)) for number in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [303] * 20
    confirmed = Registration.objects.filter(status=Registration.Status.CONFIRMED).count()
    waiting = Registration.objects.filter(status=Registration.Status.WAITLISTED).count()
    assert (confirmed, waiting) == (5, 15)


def test_bookings_of_three_at_once_take_whole_parties_and_never_exceed_capacity(event_factory):
    """Ten people each book three places for the last seven seats: two bookings get in whole
    (six seats), the rest are refused (one seat is too few for three) and nothing is split."""
    event = event_factory("Coffee mixer", capacity=7)
    ticket = event.ticket_types.get().pk
    barrier = threading.Barrier(10)
    statuses = []

    def book(number):
        data = {"ticket": ticket, "name": f"Booker {number}", "email": f"b{number}@x.example"}
        data.update({"guests-TOTAL_FORMS": 2, "guests-INITIAL_FORMS": 0})
        for row in range(2):
            data[f"guests-{row}-name"] = f"Guest {number}.{row}"
        try:
            barrier.wait()
            statuses.append(Client().post(f"{event.url}register/", data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(number,)) for number in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [303] * 2 + [409] * 8
    confirmed = Registration.objects.filter(status=Registration.Status.CONFIRMED)
    assert confirmed.count() == 6
    assert confirmed.filter(booked_by=None).count() == 2
    assert Registration.objects.count() == 6
