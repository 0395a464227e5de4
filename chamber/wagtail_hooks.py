"""The shared core in the Wagtail admin: the scheduled-jobs panel on the admin home."""

from django.utils import timezone
from wagtail import hooks
from wagtail.admin.ui.components import Component

from chamber.scheduled import STALE_AFTER, job_health


class ScheduledJobsPanel(Component):
    """When each cron job last ran, with a warning when one has stopped (issue #24): standing
    follows the dates without them, but reminders and status e-mails do not."""

    name = "scheduled_jobs"
    template_name = "chamber/admin/scheduled_jobs_panel.html"
    order = 90  # above Wagtail's own panels: a stopped cron is staff's first business

    def get_context_data(self, parent_context):
        health = job_health()
        return {
            "jobs": health,
            "warnings": [job for job in health if job.warning],
            "stale_hours": int(STALE_AFTER.total_seconds() // 3600),
            "now": timezone.now(),
        }


@hooks.register("construct_homepage_panels")
def add_scheduled_jobs_panel(request, panels):
    if request.user.has_perm("chamber.view_jobheartbeat"):
        panels.append(ScheduledJobsPanel())
