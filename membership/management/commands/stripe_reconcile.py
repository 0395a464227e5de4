from django.core.management.base import CommandError

from chamber.scheduled import ScheduledCommand
from membership.reconcile import StripeNotConfigured, reconcile


class Command(ScheduledCommand):
    help = (
        "Apply what the Stripe webhooks missed: recent events, paid Checkout Sessions and "
        "invoices, and each subscription's current state, through the webhook's own idempotent "
        "code (safe to run daily from cron, and again by hand)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since", type=int, default=3, metavar="DAYS", help="How far back (default 3)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; change nothing."
        )

    def run(self, *args, since=3, dry_run=False, **options):
        if since < 1:
            raise CommandError("--since must be at least 1 day.")
        try:
            result = reconcile(since_days=since, dry_run=dry_run)
        except StripeNotConfigured as error:
            raise CommandError(str(error)) from error
        self.failed = bool(result.errors)
        return result.summary()
