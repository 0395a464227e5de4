from django.core.management.base import BaseCommand

from membership.dues import update_membership_statuses


class Command(BaseCommand):
    help = (
        "Move members whose dues ran out to past due, and past the grace period to lapsed "
        "(idempotent; run daily from cron)."
    )

    def handle(self, *args, **options):
        result = update_membership_statuses()
        self.stdout.write(f"{result.past_due} member(s) now past due, {result.lapsed} lapsed.")
