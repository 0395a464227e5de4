"""Placeholder: being written."""

from membership.account.access import account_view


@account_view(needs="pay")
def receipt_list(request):
    raise NotImplementedError


receipt_detail = receipt_list
