from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from chamber.reports import ReportMenuItem, report_urls
from jobs.reports import JobsReportView
from jobs.viewsets import JobPostingViewSet

register_snippet(JobPostingViewSet)


@hooks.register("register_admin_urls")
def register_report_urls():
    return [report_urls("jobs_reports", "reports/jobs/", [("postings", JobsReportView)])]


@hooks.register("register_reports_menu_item")
def register_jobs_report_menu_item():
    return ReportMenuItem(
        _("Job board"),
        reverse("jobs_reports:postings"),
        name="jobs-report",
        icon_name="user",
        order=620,
        permission=JobsReportView.permission,
    )
