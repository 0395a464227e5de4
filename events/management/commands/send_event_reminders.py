from chamber.scheduled import ScheduledCommand
from events.reminders import send_event_reminders


class Command(ScheduledCommand):
    help = "E-mail attendees of tomorrow's events, once per registration (run daily from cron)."

    def run(self, *args, **options):
        run = send_event_reminders()
        return f"{len(run.sent)} reminder(s) sent."
