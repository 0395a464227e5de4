"""The shared core in the Wagtail admin: outgoing e-mail (Settings), the review queue and its
log entries, and the admin home's panels for scheduled jobs and for e-mail that needs staff;
permission checks Wagtail's own views leave out (tests/chamber/test_admin_access_matrix.py);
and, when serving pages, the members-only rule (chamber/privacy.py)."""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.template.response import TemplateResponse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail import hooks
from wagtail.admin.compare import register_comparison_class
from wagtail.admin.ui.components import Component
from wagtail.admin.views.pages import bulk_actions as page_actions
from wagtail.documents.views import bulk_actions as document_actions
from wagtail.images.views import bulk_actions as image_actions
from wagtail.log_actions import LogFormatter
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction as SnippetDeleteBulkAction

from chamber import dashboard, privacy, reviews
from chamber.mail import mail_health
from chamber.mail_admin import MailProblemsPanel, OutgoingMailViewSet
from chamber.review_admin import LocalDateComparison, ReviewQueueViewSet
from chamber.scheduled import STALE_AFTER, job_health
from chamber.viewsets import access_checked, register_read_only


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
def add_todays_work_panel(request, panels):
    items = dashboard.items_for(request.user)
    if items:
        panels.append(dashboard.TodaysWorkPanel(items))


@hooks.register("construct_homepage_panels")
def add_scheduled_jobs_panel(request, panels):
    if request.user.has_perm("chamber.view_jobheartbeat"):
        panels.append(ScheduledJobsPanel())


register_read_only(DBTaskResult)  # listed, never edited: "Send again" checks the real permission


@hooks.register("register_admin_viewset")
def register_outgoing_mail():
    return OutgoingMailViewSet()


@hooks.register("register_admin_viewset")
def register_review_queue():
    return ReviewQueueViewSet()


register_comparison_class(models.DateField, comparison_class=LocalDateComparison)  # and date-times


class ReviewDecisionFormatter(LogFormatter):
    """A review decision in an object's history: what was decided, and the reason given."""

    @property
    def message(self):
        return self.label

    def format_comment(self, log_entry):
        return (log_entry.data or {}).get("reason", "")


@hooks.register("register_log_actions")
def register_review_log_actions(actions):
    for action, label in reviews.LABELS.items():
        actions.register_action(action)(
            type("ReviewDecision", (ReviewDecisionFormatter,), {"label": label})
        )


@hooks.register("construct_homepage_panels")
def add_mail_problems_panel(request, panels):
    if not request.user.has_perm("django_tasks_database.view_dbtaskresult"):
        return
    health = mail_health()
    if health.problems:
        panels.append(MailProblemsPanel(health))


# Registered after Wagtail's own (order 0), so that each takes the place of Wagtail's.
for bulk_action in (
    SnippetDeleteBulkAction,
    page_actions.DeleteBulkAction,
    page_actions.MoveBulkAction,
    page_actions.PublishBulkAction,
    page_actions.UnpublishBulkAction,
    image_actions.AddTagsBulkAction,
    image_actions.AddToCollectionBulkAction,
    image_actions.DeleteBulkAction,
    document_actions.AddTagsBulkAction,
    document_actions.AddToCollectionBulkAction,
    document_actions.DeleteBulkAction,
):
    hooks.register("register_bulk_action", access_checked(bulk_action), order=1)


@hooks.register("before_move_page")
def refuse_a_move_the_user_may_not_make(request, page, destination):
    """Wagtail's move confirmation shows a page, and how many pages sit under it, to anyone with
    admin access; the move itself is checked only when posted."""
    if not page.permissions_for_user(request.user).can_move_to(destination):
        raise PermissionDenied


@hooks.register("before_serve_page")
def members_only(page, request, serve_args, serve_kwargs):
    """A logged-in visitor who is not a member in good standing gets "renew to read" on a
    members-only page (Wagtail's own hook sends anonymous visitors to the log-in page)."""
    if not request.user.is_authenticated:
        return None
    for restriction in page.get_view_restrictions():
        members_only = restriction.restriction_type == restriction.LOGIN
        if members_only and not privacy.accepts(restriction, request):
            return TemplateResponse(
                request, "chamber/members_only.html", {"page": page}, status=403
            )
    return None
