from chamber.scheduled import ScheduledCommand
from events.follow_ups import send_guest_follow_ups


class Command(ScheduledCommand):
    help = (
        "E-mail the guests of events that ended in the last two weeks a join link, once per "
        "registration (run daily from cron)."
    )

    def run(self, *args, **options):
        run = send_guest_follow_ups()
        if run.skipped:
            return f"Nothing sent: {run.skipped}."
        return f"{len(run.sent)} follow-up(s) sent."
