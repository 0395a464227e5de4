"""Bulk actions on the member list: "Send renewal reminders" for the members ticked.

It sends what the cron job would send them today, under the job's own rule
(membership/reminders.py): only the reminder each member is due, at most once per stage and
paid period, so sending twice (or cron running after) sends one e-mail. The confirmation page
says beforehand, for each member, whether a reminder will go, is due but has no one to go to,
or is not due (nothing is sent to them).
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin import messages
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from membership import reminders
from membership.admin_views import member_url
from membership.models.members import Member

PERMISSION = "membership.change_member"  # as the member's own "Renewal reminder" page


class SendRemindersBulkAction(SnippetBulkAction):
    display_name = _("Send renewal reminders")
    action_type = "send_renewal_reminders"
    aria_label = _("Send the renewal reminders the selected members are due")
    template_name = "membership/admin/bulk_send_reminders.html"
    action_priority = 40
    models = [Member]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def check_perm(self, member):
        return self.request.user.has_perm(PERMISSION)

    def get_all_objects_in_listing_query(self, parent_id):
        """ "Select all" means every member a reminder could go to today: the others would
        be sent nothing anyway."""
        return reminders.members_due().values_list("pk", flat=True)

    def object_context(self, member):
        return {"item": member, "record_url": member_url("inspect", member)}

    def annotate_items(self, items):
        outlook = reminders.outlook([member.pk for member in items])
        for member in items:
            member.reminder_outlook = outlook[member.pk]
        return items

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        groups = {reminders.WILL_SEND: [], reminders.NO_ADDRESS: [], reminders.NOTHING_DUE: []}
        for item in context["items"]:
            groups[item["item"].reminder_outlook].append(item)
        return {
            **context,
            "will_send": groups[reminders.WILL_SEND],
            "no_address": groups[reminders.NO_ADDRESS],
            "nothing_due": groups[reminders.NOTHING_DUE],
        }

    @classmethod
    def execute_action(cls, objects, **kwargs):
        action = kwargs["self"]
        action.run = reminders.send_renewal_reminders(member_ids=[member.pk for member in objects])
        return len(action.run.sent), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        run = self.run
        if run.skipped:
            messages.warning(
                self.request,
                ngettext(
                    "%(count)d reminder not sent: the member has no contact with an e-mail.",
                    "%(count)d reminders not sent: the members have no contact with an e-mail.",
                    len(run.skipped),
                )
                % {"count": len(run.skipped)},
            )
        if run.failed:
            messages.error(
                self.request,
                ngettext(
                    "%(count)d reminder could not be sent; the next cron run tries again.",
                    "%(count)d reminders could not be sent; the next cron run tries again.",
                    len(run.failed),
                )
                % {"count": len(run.failed)},
            )
        if not run.sent:
            return (
                None
                if (run.skipped or run.failed)
                else _("No reminder was due, or each was already sent.")
            )
        return ngettext(
            "%(count)d renewal reminder sent.",
            "%(count)d renewal reminders sent.",
            len(run.sent),
        ) % {"count": len(run.sent)}
