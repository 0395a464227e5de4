"""Receipts (/account/receipts/): the member's payments, each with a printable receipt that
lists its corrections (a voided one says VOID).

A receipt is found among the payments of the members the user may pay for (primary or
billing contact), so any other payment's id is a 404.
"""

from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from chamber.pagination import page_of
from membership.account.access import PAYING_ROLES, account_view
from membership.models.payments import Payment

PER_PAGE = 25


def receipt_number(payment: Payment) -> str:
    """What the receipt calls itself: the year paid and the payment's id, R-2025-000042."""
    return f"R-{payment.paid_on:%Y}-{payment.pk:06d}"


def payable_member_ids(account) -> list[int]:
    """The members whose receipts the user may see: those they pay for, not those where
    they are only staff."""
    return [contact.member_id for contact in account.contacts if contact.role in PAYING_ROLES]


def receipts_for(account):
    """Payments (not their corrections, which each payment's receipt lists)."""
    return (
        Payment.objects.originals()
        .filter(member_id__in=payable_member_ids(account))
        .select_related("member")
        .prefetch_related("corrections")
    )


def member_address(member) -> list[str]:
    """The member's postal address, taken from its first listing (members have no address of
    their own); empty when it has none."""
    listing = member.businesses.order_by("pk").first()
    if listing is None:
        return []
    locality = " ".join(part for part in (listing.city, listing.region, listing.postcode) if part)
    return [line for line in (listing.street, locality, listing.country) if line]


@account_view(needs="pay")
@require_GET
def receipt_list(request):
    account = request.account
    payments = (
        account.member.payments.originals()
        .prefetch_related("corrections")
        .order_by("-paid_on", "-pk")
    )
    page = page_of(payments, request.GET.get("page"), PER_PAGE)
    for payment in page:
        payment.receipt_number = receipt_number(payment)
    context = {
        "account": account,
        "account_section": "receipts",
        "member": account.member,
        "page_obj": page,
    }
    return TemplateResponse(request, "membership/account/receipts.html", context)


@account_view(needs="pay")
@require_GET
def receipt_detail(request, pk):
    payment = get_object_or_404(receipts_for(request.account), pk=pk)
    payment.receipt_number = receipt_number(payment)
    context = {
        "account": request.account,
        "account_section": "receipts",
        "payment": payment,
        "member": payment.member,
        "member_address": member_address(payment.member),
    }
    return TemplateResponse(request, "membership/account/receipt.html", context)
