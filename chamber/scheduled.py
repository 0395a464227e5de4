"""Scheduled jobs (commands cron runs) and whether they are still running.

Nothing a member is owed waits for a job: good standing, deals and listings follow the dates
(issue #24). Jobs send what goes with the dates (reminders, status words, e-mails), so staff
must know when cron stopped. Each app registers its jobs from `AppConfig.ready()` with
`register(ScheduledJob(...))`; a command built on `ScheduledCommand` records every run in
`JobHeartbeat`; `job_health()` says, for the admin home and `/healthz`, which jobs have not run
for more than their `stale_after` (36 hours for the daily ones) or failed last time.
"""

import datetime
from dataclasses import dataclass

from django.core.management.base import BaseCommand
from django.utils import timezone

from chamber.models import JobHeartbeat

# Daily jobs, with room for cron's own schedule and a slow run.
STALE_AFTER = datetime.timedelta(hours=36)


@dataclass(frozen=True)
class ScheduledJob:
    name: str  # the management command's name
    label: str  # what it does, for staff
    schedule: str = "daily"  # as the README's cron section runs it
    stale_after: datetime.timedelta = STALE_AFTER


_jobs: dict[str, ScheduledJob] = {}


def register(job: ScheduledJob) -> None:
    _jobs[job.name] = job


def scheduled_jobs() -> list[ScheduledJob]:
    return sorted(_jobs.values(), key=lambda job: job.name)


@dataclass(frozen=True)
class JobHealth:
    job: ScheduledJob
    finished_at: datetime.datetime | None
    succeeded: bool
    summary: str
    stale: bool  # never finished, or not within its job's stale_after
    warning: str  # "" when all is well

    @property
    def ok(self) -> bool:
        return not self.warning


def job_health(now: datetime.datetime | None = None) -> list[JobHealth]:
    """Every registered job's last run, one query."""
    now = now or timezone.now()
    beats = {beat.name: beat for beat in JobHeartbeat.objects.filter(name__in=_jobs)}
    health = []
    for job in scheduled_jobs():
        beat = beats.get(job.name)
        finished_at = beat.finished_at if beat else None
        stale = finished_at is None or now - finished_at > job.stale_after
        if finished_at is None:
            warning = "has never run: is cron set up?"
        elif stale:
            minutes = int((now - finished_at).total_seconds() // 60)
            ago = f"{minutes // 60} hours" if minutes >= 120 else f"{minutes} minutes"
            warning = f"last ran {ago} ago: is cron still running?"
        elif not beat.succeeded:
            warning = "failed on its last run: see its output"
        else:
            warning = ""
        health.append(
            JobHealth(
                job=job,
                finished_at=finished_at,
                succeeded=bool(beat and beat.succeeded),
                summary=beat.summary if beat else "",
                stale=stale,
                warning=warning,
            )
        )
    return health


class ScheduledCommand(BaseCommand):
    """A cron-run command whose every run is recorded (JobHeartbeat).

    Subclasses implement `run()` and return a one-line summary; a run that raises, or returns
    with `self.failed = True`, is recorded as failed and exits 1 for cron to report.
    """

    failed = False

    def run(self, *args, **options) -> str:
        raise NotImplementedError

    def handle(self, *args, **options):
        name = self.__module__.rsplit(".", 1)[-1]
        JobHeartbeat.objects.update_or_create(name=name, defaults={"started_at": timezone.now()})
        try:
            summary = self.run(*args, **options)
        except Exception as error:
            record_finish(name, succeeded=False, summary=f"{type(error).__name__}: {error}")
            raise
        record_finish(name, succeeded=not self.failed, summary=summary)
        self.stdout.write(summary)
        if self.failed:
            raise SystemExit(1)  # cron reports it; what failed is retried on the next run


def record_finish(name: str, *, succeeded: bool, summary: str) -> None:
    JobHeartbeat.objects.update_or_create(
        name=name,
        defaults={
            "finished_at": timezone.now(),
            "succeeded": succeeded,
            "summary": summary[:2000],
        },
    )
