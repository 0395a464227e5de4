"""Scheduled e-mail jobs (renewal reminders, listing check requests, deal expiry notices): each
message goes at most once, and one that could not be sent goes on the next run.

`send_once` claims a message by writing its record (a unique constraint on the record says
"already sent") and sends it, in one transaction: sending queues the e-mail (chamber/mail.py),
which then delivers it with its own retries, so the claim and the queued message commit
together; a send that raises rolls the claim back, so the next run retries it; a run going on
at the same time that claimed it first makes the claim fail, and the message is left to it.
Something with no one to send to is skipped, not failed (retrying would not help): the command
reports it for staff.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

logger = logging.getLogger(__name__)


@dataclass
class JobRun:
    """What one run of a job did, by item (a member and stage, a listing, a deal)."""

    sent: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # no one to send to


def send_once(
    run: JobRun,
    items: Iterable,
    *,
    recipients: list[str],
    claim: Callable[[], object],
    send: Callable[[], object],
    description: str,
) -> bool:
    """Claim and send one message about `items`; record the outcome in `run`. True if sent.

    `description` names the message in the log ("renewal reminder -7 for member 12").
    """
    items = list(items)
    if not recipients:
        logger.warning("No one to send the %s to", description)
        run.skipped.extend(items)
        return False
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():  # the claim alone: only its conflict means "taken"
                    claim()
            except IntegrityError:
                return False  # another run claimed it a moment ago
            send()
    except Exception:
        logger.exception("Sending the %s failed; the next run retries it", description)
        run.failed.extend(items)
        return False
    run.sent.extend(items)
    return True
