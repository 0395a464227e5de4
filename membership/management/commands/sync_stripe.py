from django.core.management.base import BaseCommand, CommandError

from membership.stripe_gateway import stripe_enabled
from membership.stripe_prices import sync_all_levels


class Command(BaseCommand):
    help = (
        "Create or update a Stripe Product per membership level with a yearly and a one-time "
        "Price (by lookup key). Idempotent: a second run creates nothing."
    )

    def handle(self, *args, **options):
        if not stripe_enabled():
            raise CommandError("STRIPE_SECRET_KEY is not set; nothing to synchronise.")
        for slug, result in sync_all_levels().items():
            if result.changed:
                self.stdout.write(
                    f"{slug}: created {len(result.created)}, archived {len(result.archived)}, "
                    f"updated {len(result.updated)}"
                )
            else:
                self.stdout.write(f"{slug}: up to date")
