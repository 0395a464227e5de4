"""Placeholder: being written."""

from membership.account.access import account_view


@account_view
def contact_list(request):
    raise NotImplementedError


contact_invite = contact_role = contact_remove = invitation_revoke = contact_list
invitation_accept = contact_list
