"""E-mail in tests: the site queues every message (chamber/mail.py) and the test settings
deliver it to `django.core.mail.outbox` right after each commit. Test-client requests commit
(tests/conftest.py `requests_commit`); code a test calls directly runs inside the test's
transaction, which never commits: `committed()` runs what its commit would."""

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections
from django.test import TestCase


@contextmanager
def committed(using: str = DEFAULT_DB_ALIAS):
    """`with committed(): ...`: the block's on-commit work (e-mail delivery, cache drops) runs
    at its end, and is then forgotten, as a real commit leaves nothing queued behind."""
    connection = connections[using]
    start = len(connection.run_on_commit)
    with TestCase.captureOnCommitCallbacks(using=using, execute=True) as callbacks:
        yield callbacks
    del connection.run_on_commit[start:]
