"""Issue #23: twenty joins with one address at the same moment stored ten applications and sent
twenty e-mails. With one open application per address (a database constraint) they store one
and e-mail once. Real concurrent transactions need PostgreSQL (SQLite has one writer)."""

import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from membership.models import Application
from tests.membership.helpers import application_data

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs concurrent writers"),
]


def test_twenty_joins_at_once_store_one_application(join_page, levels, settings):
    settings.JOIN_RATE_LIMIT_PER_HOUR = 0
    data = application_data(levels["community"])
    barrier = threading.Barrier(20)
    statuses = []

    def join():
        try:
            barrier.wait()
            statuses.append(Client().post("/join/", data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=join) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [303] * 20
    assert Application.objects.count() == 1
    assert sorted(message.to[0].lower() for message in mail.outbox) == [
        "office@chamber.example",
        "rosa@riverbend.example",
    ]
