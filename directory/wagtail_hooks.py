from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet

from chamber.reports import ReportMenuItem, report_urls
from chamber.viewsets import register_read_only
from directory import actions
from directory.models.contact import ContactMessage
from directory.models.listings import Business
from directory.reports import EngagementReportView
from directory.roster.admin_views import RosterImportViewSet
from directory.services import drop_unwanted_logos
from directory.viewsets import DirectoryViewSetGroup
from membership.account.actions import register_member_actions

register_read_only(ContactMessage)
register_snippet(DirectoryViewSetGroup)


@hooks.register("after_edit_snippet")
def drop_logos_staff_left_out(request, instance):
    """Staff saved a listing's draft without the logo a member uploaded for review (publishing
    drops it through `listing_published`; a draft save has no signal of its own)."""
    if isinstance(instance, Business):
        drop_unwanted_logos()


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


@hooks.register("register_log_actions")
def register_import_log_action(log_actions):
    @log_actions.register_action(actions.MEMBER_IMPORTED)
    class MemberImported(LogFormatter):
        label = _("Imported from a roster file")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            return _("Imported from %(file)s (row %(row)s)") % {
                "file": data.get("file", "?"),
                "row": data.get("row", "?"),
            }


@hooks.register("register_admin_viewset")
def register_roster_import():
    """Members > Import a roster (membership's menu group takes items from apps above it)."""
    return RosterImportViewSet()
