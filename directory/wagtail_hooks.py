from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from chamber.reports import ReportMenuItem, report_urls
from chamber.viewsets import register_read_only
from directory import actions
from directory.models.contact import ContactMessage
from directory.reports import EngagementReportView
from directory.viewsets import DirectoryViewSetGroup
from membership.account.actions import register_member_actions

register_read_only(ContactMessage)
register_snippet(DirectoryViewSetGroup)


@hooks.register("register_log_actions")
def register_listing_log_actions(log_actions):
    register_member_actions(log_actions, actions.LABELS)


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        report_urls(
            "directory_reports", "reports/directory/", [("engagement", EngagementReportView)]
        )
    ]


@hooks.register("register_reports_menu_item")
def register_engagement_report_menu_item():
    return ReportMenuItem(
        _("Directory engagement"),
        reverse("directory_reports:engagement"),
        name="engagement-report",
        icon_name="view",
        order=1230,
        permission=EngagementReportView.permission,
    )
