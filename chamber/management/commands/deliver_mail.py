from chamber.mail import deliver_queued, mail_health
from chamber.scheduled import ScheduledCommand


class Command(ScheduledCommand):
    help = (
        "Send the queued e-mail that is due, each message at most once; a failed send is tried "
        "again later (run every minute from cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="Send at most this many.")

    def run(self, *args, limit=None, **options):
        run = deliver_queued(limit=limit)
        health = mail_health()
        summary = f"{len(run.sent)} e-mail(s) sent, {len(run.failed)} failed."
        if health.problems:
            summary += (
                f" Waiting for staff: {health.failed} failed for good, {health.stuck} stuck, "
                f"{health.overdue} overdue (admin: Outgoing e-mail)."
            )
        return summary
