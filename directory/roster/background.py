"""Large roster uploads are written in the background, not in the web request.

Writing goes through the models' own saves and Wagtail's revisions (about a tenth of a second
a row on PostgreSQL: bench/import_members.py), so a file of a few hundred rows would outlast
a web request's timeout, and a timed-out request rolls the whole import back. The admin's
confirmation therefore writes a file of up to `ROSTER_IMPORT_INLINE_ROWS` rows at once and
queues a larger one (`queue`); `run_roster_imports` (cron, every minute) writes the queued
files one at a time with the same engine, all rows or none, and the upload's page shows how
it went. Once written, the file's content (members' names and addresses) is dropped and only
the counts are kept.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from directory.models.roster import RosterUpload
from directory.roster.importer import ImportResult, roster_import, roster_preview
from directory.roster.preview import ImportOptions

logger = logging.getLogger(__name__)

# A run still "running" after this long died with its process: its transaction was rolled
# back, so nothing of it was written.
ABANDONED_AFTER = datetime.timedelta(hours=2)


def runs_inline(rows: int) -> bool:
    return rows <= settings.ROSTER_IMPORT_INLINE_ROWS


def summary_of(result: ImportResult) -> dict:
    """What the result page shows, as JSON (the members by id and name, for the links)."""
    return {
        "created": [[member.pk, member.name] for member in result.created],
        "updated": [[member.pk, member.name] for member in result.updated],
        "skipped": result.skipped,
        "listings_created": result.listings_created,
        "listings_updated": result.listings_updated,
        "accounts_created": result.accounts_created,
        "categories_created": result.categories_created,
        "welcomes_sent": result.welcomes_sent,
    }


def queue(upload: RosterUpload, *, options: ImportOptions, decisions: dict[int, str]) -> None:
    upload.options = options.as_dict()
    upload.decisions = {str(row): decision for row, decision in decisions.items()}
    upload.status = RosterUpload.Status.QUEUED
    upload.queued_at = timezone.now()
    upload.save(update_fields=["options", "decisions", "status", "queued_at"])


def _claim() -> RosterUpload | None:
    """The oldest queued upload, marked running (by one process only)."""
    with transaction.atomic():
        upload = (
            RosterUpload.objects.select_for_update(skip_locked=True)
            .filter(status=RosterUpload.Status.QUEUED)
            .order_by("queued_at", "pk")
            .first()
        )
        if upload is None:
            return None
        upload.status = RosterUpload.Status.RUNNING
        upload.started_at = timezone.now()
        upload.save(update_fields=["status", "started_at"])
    return upload


def _fail_abandoned(now) -> int:
    return RosterUpload.objects.filter(
        status=RosterUpload.Status.RUNNING, started_at__lt=now - ABANDONED_AFTER
    ).update(
        status=RosterUpload.Status.FAILED,
        finished_at=now,
        error="The import stopped before it finished (the server restarted?); nothing was "
        "written. Upload the file again.",
    )


def run_one(upload: RosterUpload) -> RosterUpload:
    """Write a claimed upload: all rows or none."""
    try:
        preview = roster_preview(
            bytes(upload.content),
            file_name=upload.file_name,
            options=ImportOptions(**upload.options),
        )
        decisions = {int(row): decision for row, decision in upload.decisions.items()}
        result = roster_import(preview=preview, user=upload.uploaded_by, decisions=decisions)
    except Exception as error:  # the import's transaction rolled back: nothing written
        logger.exception("Roster import %s failed", upload.pk)
        upload.status = RosterUpload.Status.FAILED
        upload.error = str(error) or error.__class__.__name__
    else:
        upload.status = RosterUpload.Status.DONE
        upload.summary = summary_of(result)
        upload.content = b""
    upload.finished_at = timezone.now()
    upload.save(update_fields=["status", "error", "summary", "content", "finished_at"])
    return upload


def run_roster_imports(now=None) -> list[RosterUpload]:
    """Write every queued upload, oldest first."""
    _fail_abandoned(now or timezone.now())
    done = []
    while (upload := _claim()) is not None:
        done.append(run_one(upload))
    return done
