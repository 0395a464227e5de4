from django.core.management.base import BaseCommand

from deals.notifications import send_deal_expiry_reminders


class Command(BaseCommand):
    help = "E-mail members whose deals end within 3 days, once per deal (run daily from cron)."

    def handle(self, *args, **options):
        run = send_deal_expiry_reminders()
        self.stdout.write(
            f"{len(run.sent)} deal(s) reminded, {len(run.failed)} failed, "
            f"{len(run.skipped)} skipped (no contact to e-mail)."
        )
        if run.failed:
            # Non-zero so cron reports it; the failed ones are retried on the next run.
            raise SystemExit(1)
