from wagtail import hooks
from wagtail.snippets.models import register_snippet

from chamber.viewsets import register_read_only
from directory import actions
from directory.models.contact import ContactMessage
from directory.viewsets import DirectoryViewSetGroup
from membership.account.actions import register_member_actions

register_read_only(ContactMessage)
register_snippet(DirectoryViewSetGroup)


@hooks.register("register_log_actions")
def register_listing_log_actions(log_actions):
    register_member_actions(log_actions, actions.LABELS)
