"""Placeholder: being written."""

from membership.account.access import account_view


@account_view
def listing_list(request):
    raise NotImplementedError


listing_edit = listing_withdraw = listing_confirm = listing_list
