from chamber.scheduled import ScheduledCommand
from directory.roster.background import run_roster_imports


class Command(ScheduledCommand):
    help = (
        "Write the roster files staff confirmed in the admin that were too large to write at "
        "once (run every minute from cron)."
    )

    def run(self, *args, **options):
        runs = run_roster_imports()
        failed = sum(1 for upload in runs if upload.status == upload.Status.FAILED)
        return f"{len(runs)} roster import(s) run, {failed} failed."
