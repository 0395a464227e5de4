from django.core.management.base import BaseCommand

from membership.models.members import Member
from membership.reminders import send_renewal_reminders


class Command(BaseCommand):
    help = "E-mail renewal reminders to members not on auto-renew (run daily from cron)."

    def handle(self, *args, **options):
        run = send_renewal_reminders()
        self.stdout.write(f"{len(run.sent)} reminder(s) sent, {len(run.failed)} failed.")
        if run.skipped:
            names = ", ".join(
                Member.objects.filter(pk__in=[pk for pk, _ in run.skipped]).values_list(
                    "name", flat=True
                )
            )
            self.stdout.write(f"No contact to e-mail (add one in the admin): {names}")
        if run.failed:
            # Non-zero so cron reports it; the failed ones are retried on the next run.
            raise SystemExit(1)
