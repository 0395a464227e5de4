from chamber.scheduled import ScheduledCommand
from directory.check_requests import send_listing_check_requests


class Command(ScheduledCommand):
    help = (
        "Ask members, once a year per listing, to confirm their directory details are still "
        "correct (run daily from cron)."
    )

    def run(self, *args, **options):
        run = send_listing_check_requests()
        self.failed = bool(run.failed)
        return (
            f"{len(run.sent)} listing(s) asked about, {len(run.failed)} failed, "
            f"{len(run.skipped)} skipped (no contact to e-mail)."
        )
