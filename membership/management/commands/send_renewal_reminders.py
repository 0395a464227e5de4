from chamber.scheduled import ScheduledCommand
from membership.models.members import Member
from membership.reminders import send_renewal_reminders


class Command(ScheduledCommand):
    help = "E-mail renewal reminders to members not on auto-renew (run daily from cron)."

    def run(self, *args, **options):
        run = send_renewal_reminders()
        summary = f"{len(run.sent)} reminder(s) sent, {len(run.failed)} failed."
        if run.skipped:
            names = ", ".join(
                Member.objects.filter(pk__in=[pk for pk, _ in run.skipped]).values_list(
                    "name", flat=True
                )
            )
            summary += f"\nNo contact to e-mail (add one in the admin): {names}"
        self.failed = bool(run.failed)
        return summary
