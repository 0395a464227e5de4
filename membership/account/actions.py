"""Audit-log actions of the account area: what members did for themselves.

Membership's own are labelled here; apps above it label theirs (the directory: listing
changes) with `register_member_actions` in their wagtail_hooks.py, so every member action
reads the same in a member's history in the admin.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import LogFormatter

LEVEL_CHANGE_REQUESTED = "membership.level_change_requested"
CONTACT_INVITED = "membership.contact_invited"
INVITATION_REVOKED = "membership.invitation_revoked"
CONTACT_ADDED = "membership.contact_added"
CONTACT_ROLE_CHANGED = "membership.contact_role_changed"
CONTACT_REMOVED = "membership.contact_removed"

LABELS = {
    LEVEL_CHANGE_REQUESTED: _("Level change requested by the member"),
    CONTACT_INVITED: _("Contact invited"),
    INVITATION_REVOKED: _("Invitation revoked"),
    CONTACT_ADDED: _("Contact added"),
    CONTACT_ROLE_CHANGED: _("Contact role changed"),
    CONTACT_REMOVED: _("Contact removed"),
}


def describe(data: dict) -> str:
    """One line from a log entry's data: `{"from": …, "to": …}`, `{"email": …, "role": …}`."""
    parts = []
    if "from" in data or "to" in data:
        parts.append(f"{data.get('from', '?')} → {data.get('to', '?')}")
    for key in ("email", "role"):
        if data.get(key):
            parts.append(str(data[key]))
    return ", ".join(parts)


class MemberActionFormatter(LogFormatter):
    """What members did in the account area: the label, and who/what in the comment."""

    @property
    def message(self):
        return self.label

    def format_comment(self, log_entry):
        return describe(log_entry.data or {})


def register_member_actions(actions, labels: dict) -> None:
    """Register each action of `labels` (action -> label) in a `register_log_actions` hook."""
    for action, label in labels.items():
        formatter = type("MemberAction", (MemberActionFormatter,), {"label": label})
        actions.register_action(action)(formatter)
