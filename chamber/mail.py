"""Every e-mail the site sends goes through a durable queue (django-tasks' database backend).

`EMAIL_BACKEND` is `QueuedEmailBackend`: sending an e-mail anywhere (our templates through
`chamber.emails.send`, Django's password reset, Wagtail's notifications) stores it as a task
row (`django_tasks_db.DBTaskResult`) in the caller's transaction, so a change and the e-mail it
causes commit together or not at all, and nothing a request does can fail because the mail
server is down.

Delivery (`deliver_queued`) claims one message at a time (committed before sending, as the
library's worker does), sends it through `MAIL_TRANSPORT` (the real backend: SMTP in
production) and records the outcome. A message is therefore sent at most once: a worker that
dies mid-send leaves its message "sending", which staff see as stuck and may queue again. A
failed send is recorded with its error and tried again later (`MAIL_RETRY_MINUTES`: after 1,
5 and 30 minutes, then 2, 6 and 12 hours), each attempt a row of its own; after the last one
it is kept as failed for staff (admin: Outgoing e-mail, with a "Send again" action).

Who delivers: `MAIL_DELIVERY = "queue"` (production) leaves it to `manage.py deliver_mail`
from cron (every minute) or `manage.py db_worker --backend mail --queue-name mail` as a
service; `"inline"` (development, `make run`) also delivers in-process right after the
transaction commits, so no extra process is needed.
"""

import base64
import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import DatabaseError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max
from django_tasks_db.utils import exclusive_transaction

from chamber.transactions import on_commit_once

logger = logging.getLogger(__name__)

BACKEND = "mail"  # the TASKS alias
QUEUE = "mail"
STUCK_AFTER = datetime.timedelta(minutes=15)  # sending (or waiting) longer than this


class MailWillRetry(Exception):
    """This attempt failed; another is queued."""


class MailGaveUp(Exception):
    """The last attempt failed: the message waits for staff."""


# Messages as JSON (task arguments) -----------------------------------------------------------


def serialize(message) -> dict:
    """An EmailMessage as plain data: everything needed to send it again, exactly."""
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": str(message.from_email or settings.DEFAULT_FROM_EMAIL),
        "to": [str(address) for address in message.to],
        "cc": [str(address) for address in message.cc],
        "bcc": [str(address) for address in message.bcc],
        "reply_to": [str(address) for address in message.reply_to],
        "headers": {str(k): str(v) for k, v in (message.extra_headers or {}).items()},
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        "attachments": [_attachment(item) for item in message.attachments],
        "content_subtype": message.content_subtype,
    }


def _attachment(item) -> list:
    filename, content, mimetype = item  # MIMEBase attachments are not used by the site
    if isinstance(content, str):
        content = content.encode()
    return [filename, base64.b64encode(content).decode("ascii"), mimetype]


def deserialize(data: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
        alternatives=[tuple(pair) for pair in data["alternatives"]],
    )
    for filename, content, mimetype in data["attachments"]:
        message.attach(filename, base64.b64decode(content), mimetype)
    message.content_subtype = data["content_subtype"]
    return message


# Queueing ------------------------------------------------------------------------------------


class QueuedEmailBackend(BaseEmailBackend):
    """Django's EMAIL_BACKEND for the whole site: queues each message (see the module)."""

    def send_messages(self, email_messages) -> int:
        queued = 0
        try:
            for message in email_messages:
                if message.recipients():
                    enqueue(serialize(message))
                    queued += 1
        except DatabaseError:
            if not self.fail_silently:
                raise
            logger.exception("Could not queue an e-mail")
        return queued


def enqueue(message: dict, *, attempt: int = 1, run_after=None):
    task_ = deliver.using(run_after=run_after) if run_after else deliver
    result = task_.enqueue(message=message, attempt=attempt)
    if settings.MAIL_DELIVERY == "inline" and run_after is None:
        on_commit_once(deliver_inline, robust=True)
    return result


@task(backend=BACKEND, queue_name=QUEUE)
def deliver(message: dict, attempt: int = 1) -> str:
    """Send one queued message through MAIL_TRANSPORT; on failure, queue the next attempt."""
    email = deserialize(message)
    email.connection = get_connection(settings.MAIL_TRANSPORT)
    try:
        email.send()
    except Exception as error:
        delays = settings.MAIL_RETRY_MINUTES
        if attempt <= len(delays):
            run_after = timezone.now() + datetime.timedelta(minutes=delays[attempt - 1])
            enqueue(message, attempt=attempt + 1, run_after=run_after)
            raise MailWillRetry(
                f"Attempt {attempt} failed ({type(error).__name__}: {error}); "
                f"trying again after {run_after:%Y-%m-%d %H:%M} UTC."
            ) from error
        raise MailGaveUp(
            f"Attempt {attempt}, the last, failed ({type(error).__name__}: {error})."
        ) from error
    return f"Sent on attempt {attempt}."


# Delivering ----------------------------------------------------------------------------------


@dataclass
class DeliveryRun:
    sent: list = field(default_factory=list)
    failed: list = field(default_factory=list)


def deliver_queued(*, limit: int | None = None) -> DeliveryRun:
    """Send what is due, one claimed message at a time, like the library's `db_worker --batch`
    (whose loop also closes database connections between tasks, which a caller inside a
    transaction cannot allow); its `Worker.run_task` records each outcome."""
    from django_tasks_db.management.commands.db_worker import Worker

    worker_id = f"deliver-{get_random_string(12)}"
    worker = Worker(
        queue_names=[QUEUE],
        interval=0,
        batch=True,
        backend_name=BACKEND,
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    due = DBTaskResult.objects.ready().filter(backend_name=BACKEND, queue_name=QUEUE)
    run = DeliveryRun()
    while limit is None or len(run.sent) + len(run.failed) < limit:
        with exclusive_transaction(due.db):
            row = due.get_locked()
            if row is None:
                break
            row.claim(worker_id)  # committed before sending: at most once
        worker.run_task(row)
        outcome = run.sent if row.status == TaskResultStatus.SUCCESSFUL else run.failed
        outcome.append(row.pk)
    return run


def deliver_inline() -> None:
    """After a commit in development: deliver now. Never raises into the request."""
    try:
        deliver_queued()
    except Exception:
        logger.exception("Delivering e-mail after the commit failed; it stays queued")


# What staff see ------------------------------------------------------------------------------

DELIVER_PATH = deliver.module_path
RETRY_PATH = f"{MailWillRetry.__module__}.{MailWillRetry.__qualname__}"


def mail_rows():
    """Every delivery attempt (one row each), newest first."""
    return DBTaskResult.objects.filter(task_path=DELIVER_PATH, backend_name=BACKEND).order_by(
        "-enqueued_at"
    )


def failed_q() -> Q:
    """Failed for good (not an attempt that was followed by another)."""
    return Q(status=TaskResultStatus.FAILED) & ~Q(exception_class_path=RETRY_PATH)


def stuck_q(now: datetime.datetime) -> Q:
    """Claimed for sending long ago and never finished: its worker died mid-send."""
    return Q(status=TaskResultStatus.RUNNING, started_at__lt=now - STUCK_AFTER)


def failed_for_good(row: DBTaskResult) -> bool:
    """`failed_q()` for one row in memory."""
    return row.status == TaskResultStatus.FAILED and row.exception_class_path != RETRY_PATH


def stuck(row: DBTaskResult, now: datetime.datetime) -> bool:
    """`stuck_q(now)` for one row in memory."""
    return (
        row.status == TaskResultStatus.RUNNING
        and row.started_at is not None
        and row.started_at < now - STUCK_AFTER
    )


def may_send_again(row: DBTaskResult, now: datetime.datetime | None = None) -> bool:
    """Staff may queue it afresh: failed for good, or stuck while sending."""
    now = now or timezone.now()
    return failed_for_good(row) or stuck(row, now)


def overdue_q(now: datetime.datetime) -> Q:
    """Due long ago and still waiting: nothing is delivering mail."""
    late = now - STUCK_AFTER
    return Q(status=TaskResultStatus.READY) & (
        Q(run_after=get_date_max(), enqueued_at__lt=late) | Q(run_after__lt=late)
    )


@dataclass(frozen=True)
class MailHealth:
    failed: int
    stuck: int
    overdue: int

    @property
    def problems(self) -> int:
        return self.failed + self.stuck + self.overdue


def mail_health(now: datetime.datetime | None = None) -> MailHealth:
    """How many messages need staff, in one query."""
    now = now or timezone.now()
    counts = mail_rows().aggregate(
        failed=Count("pk", filter=failed_q()),
        stuck=Count("pk", filter=stuck_q(now)),
        overdue=Count("pk", filter=overdue_q(now)),
    )
    return MailHealth(**counts)


def send_again(row: DBTaskResult) -> None:
    """Queue a failed or stuck message afresh (attempt 1) and drop the row staff acted on."""
    kwargs = row.args_kwargs["kwargs"]
    enqueue(kwargs["message"])
    row.delete()
