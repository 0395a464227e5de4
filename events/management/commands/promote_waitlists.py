from chamber.scheduled import ScheduledCommand
from events.services import promote_waitlists


class Command(ScheduledCommand):
    help = (
        "Give the seats of holds that ran out (unpaid places offered from the waitlist, "
        "abandoned Checkouts) to the next people waiting (run every few minutes from cron)."
    )

    def run(self, *args, **options):
        promoted = promote_waitlists()
        return f"{len(promoted)} place(s) offered or confirmed from waitlists."
