"""Audit-log actions of the account area (registered in membership/wagtail_hooks.py)."""

from django.utils.translation import gettext_lazy as _

LEVEL_CHANGE_REQUESTED = "membership.level_change_requested"
CONTACT_INVITED = "membership.contact_invited"
INVITATION_REVOKED = "membership.invitation_revoked"
CONTACT_ADDED = "membership.contact_added"
CONTACT_ROLE_CHANGED = "membership.contact_role_changed"
CONTACT_REMOVED = "membership.contact_removed"
LISTING_CHANGES_SUBMITTED = "directory.member_changes_submitted"
LISTING_CHANGES_WITHDRAWN = "directory.member_changes_withdrawn"
LISTING_DETAILS_CONFIRMED = "directory.details_confirmed"

LABELS = {
    LEVEL_CHANGE_REQUESTED: _("Level change requested by the member"),
    CONTACT_INVITED: _("Contact invited"),
    INVITATION_REVOKED: _("Invitation revoked"),
    CONTACT_ADDED: _("Contact added"),
    CONTACT_ROLE_CHANGED: _("Contact role changed"),
    CONTACT_REMOVED: _("Contact removed"),
    LISTING_CHANGES_SUBMITTED: _("Listing changes submitted by the member"),
    LISTING_CHANGES_WITHDRAWN: _("Listing changes withdrawn by the member"),
    LISTING_DETAILS_CONFIRMED: _("Listing details confirmed by the member"),
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
