from chamber.scheduled import ScheduledCommand
from deals.notifications import send_deal_expiry_reminders


class Command(ScheduledCommand):
    help = "E-mail members whose deals end within 3 days, once per deal (run daily from cron)."

    def run(self, *args, **options):
        run = send_deal_expiry_reminders()
        self.failed = bool(run.failed)
        return (
            f"{len(run.sent)} deal(s) reminded, {len(run.failed)} failed, "
            f"{len(run.skipped)} skipped (no contact to e-mail)."
        )
