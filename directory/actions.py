"""Audit-log actions on listings that members take from their account, and the roster import's
entry in a member's history (labelled in directory/wagtail_hooks.py)."""

from django.utils.translation import gettext_lazy as _

LISTING_CHANGES_SUBMITTED = "directory.member_changes_submitted"
LISTING_CHANGES_WITHDRAWN = "directory.member_changes_withdrawn"
LISTING_DETAILS_CONFIRMED = "directory.details_confirmed"
LISTING_CONTACT_FORM_SWITCHED = "directory.contact_form_switched"

LABELS = {
    LISTING_CHANGES_SUBMITTED: _("Listing changes submitted by the member"),
    LISTING_CHANGES_WITHDRAWN: _("Listing changes withdrawn by the member"),
    LISTING_DETAILS_CONFIRMED: _("Listing details confirmed by the member"),
    LISTING_CONTACT_FORM_SWITCHED: _("Listing contact form switched on or off by the member"),
}

# "Imported from <file name>" in an imported member's history (directory/roster/importer.py).
MEMBER_IMPORTED = "directory.member_imported"
