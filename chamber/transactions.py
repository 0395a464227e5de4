"""Work that waits for the current transaction to commit."""

from collections.abc import Callable

from django.db import transaction


def on_commit_once(func: Callable[[], None], *, robust: bool = False) -> None:
    """`transaction.on_commit(func)`, unless `func` is already queued for this commit.

    A transaction that changes many rows (an import, the demo, a bulk action) then queues one
    call instead of one per row. Savepoint-safe: a call queued inside a savepoint that may
    still roll back does not count, so this change always has its own.
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        queued is func and savepoints <= set(connection.savepoint_ids)
        for savepoints, queued, _robust in connection.run_on_commit
    ):
        return
    transaction.on_commit(func, robust=robust)
