from django.core.management.base import BaseCommand

from directory.check_requests import send_listing_check_requests


class Command(BaseCommand):
    help = (
        "Ask members, once a year per listing, to confirm their directory details are still "
        "correct (run daily from cron)."
    )

    def handle(self, *args, **options):
        run = send_listing_check_requests()
        self.stdout.write(
            f"{len(run.sent)} listing(s) asked about, {len(run.failed)} failed, "
            f"{len(run.skipped)} skipped (no contact to e-mail)."
        )
        if run.failed:
            # Non-zero so cron reports it; the failed ones are retried on the next run.
            raise SystemExit(1)
