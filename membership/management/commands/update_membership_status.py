from chamber.scheduled import ScheduledCommand
from membership.dues import update_membership_statuses


class Command(ScheduledCommand):
    help = (
        "Store the status words the dates say: past due after the paid-through date, lapsed "
        "after the grace period. Standing itself follows the dates without it (idempotent; run "
        "daily from cron)."
    )

    def run(self, *args, **options):
        result = update_membership_statuses()
        return f"{result.past_due} member(s) now past due, {result.lapsed} lapsed."
