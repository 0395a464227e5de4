from chamber.scheduled import ScheduledCommand
from jobs.notifications import send_job_closing_reminders


class Command(ScheduledCommand):
    help = "E-mail members whose job postings close within 3 days, once per posting (daily)."

    def run(self, *args, **options):
        run = send_job_closing_reminders()
        self.failed = bool(run.failed)
        return (
            f"{len(run.sent)} job(s) reminded, {len(run.failed)} failed, "
            f"{len(run.skipped)} skipped (no contact to e-mail)."
        )
