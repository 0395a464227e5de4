"""/account/deals/: the member's own deals, their state and numbers; new deals and changes sent
to the chamber office for review; withdrawing a deal at once.

Every deal is looked up through the chosen member's own deals, so another member's slug is a
404. Any contact of the member may manage its deals, as with listings. The writes are in
deals/submissions.py; nothing here publishes.
"""

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import dateformat, timezone
from django.views.decorators.http import require_GET, require_POST

from chamber.http import SeeOther
from chamber.ratelimit import TOO_MANY_SUBMISSIONS, member_may_submit
from chamber.reviews import Decision, sent_back_note, sent_back_notes
from deals import submissions
from deals.account_forms import DealForm
from deals.models.deals import Deal
from deals.selectors import deal_numbers, deals_page
from deals.submissions import DealLimitReached, deal_allowance, member_deals
from membership.account.access import account_view


def _list_url() -> str:
    return reverse("account_deals:deals")


def _own_deal(request, slug: str) -> Deal:
    return get_object_or_404(member_deals(request.account.member), slug=slug)


def _locked_for(deal: Deal, user) -> bool:
    """Staff have locked the deal in the admin (while they edit it)."""
    return deal.locked and deal.locked_by_id != user.pk


# The list -------------------------------------------------------------------------------------


def deal_status(deal: Deal, *, shown: bool, at: datetime.datetime, sent_back: bool = False) -> str:
    """The deal's state in the member's words (from its published row)."""
    if submissions.withdrawn(deal):
        return "Withdrawn"
    if not deal.live:
        return "Sent back for changes" if sent_back else "Waiting for approval"
    if deal.valid_until is not None and deal.valid_until < at:
        return "Ended"
    if deal.valid_from > at:
        return f"Scheduled: starts {dateformat.format(timezone.localdate(deal.valid_from), 'j F')}"
    if not shown:
        if not deal.business.live:
            return "Not on show: its listing is not published"
        return "Not on show: membership not in good standing"
    return "Live"


@dataclass(frozen=True)
class DealRow:
    deal: Deal
    status: str
    changes_waiting: bool  # a published deal with a newer draft for staff to review
    views: int
    redemptions: int
    public_url: str  # "" unless on show
    withdrawable: bool
    # Staff sent the new deal or its changes back (the review queue), until the member edits.
    sent_back: Decision | None = None

    @property
    def tone(self) -> str:
        return "" if self.status == "Live" else "accent"


def _rows(deals: list[Deal]) -> list[DealRow]:
    now = timezone.now()
    shown = set(
        Deal.objects.shown(now)
        .filter(pk__in=[deal.pk for deal in deals])
        .values_list("pk", flat=True)
    )
    page = deals_page() if shown else None
    sent_back = sent_back_notes(deals)
    return [
        DealRow(
            deal=numbers.deal,
            status=deal_status(
                numbers.deal,
                shown=numbers.deal.pk in shown,
                at=now,
                sent_back=numbers.deal.pk in sent_back,
            ),
            changes_waiting=numbers.deal.live and numbers.deal.has_unpublished_changes,
            views=numbers.views,
            redemptions=numbers.redemptions,
            public_url=page.deal_url(numbers.deal) if page and numbers.deal.pk in shown else "",
            withdrawable=_withdrawable(numbers.deal, at=now),
            sent_back=sent_back.get(numbers.deal.pk),
        )
        for numbers in deal_numbers(deals)
    ]


def _withdrawable(deal: Deal, *, at: datetime.datetime) -> bool:
    """Worth withdrawing: on show or to come, or something waits for staff. An ended deal with
    nothing waiting is off the deals page already."""
    if submissions.withdrawn(deal):
        return False
    ended = deal.valid_until is not None and deal.valid_until < at
    return not ended or deal.has_unpublished_changes


@account_view
@require_GET
def deal_list(request):
    member = request.account.member
    return TemplateResponse(
        request,
        "deals/account/deals.html",
        {
            "account": request.account,
            "account_section": "deals",
            "rows": _rows(list(member_deals(member))),
            "allowance": deal_allowance(member),
        },
    )


# New deals and changes ------------------------------------------------------------------------


def _form_page(request, *, form, deal=None, allowance=None, locked=False, status=200):
    return TemplateResponse(
        request,
        "deals/account/deal_form.html",
        {
            "account": request.account,
            "account_section": "deals",
            "form": form,
            "deal": deal,
            "changes_waiting": deal is not None and deal.has_unpublished_changes,
            "sent_back": sent_back_note(deal) if deal is not None else None,
            "allowance": allowance,
            "locked": locked,
            "has_businesses": request.account.member.businesses.exists(),
        },
        status=status,
    )


@account_view
def deal_new(request):
    member = request.account.member
    posted = request.method == "POST"
    form = DealForm(request.POST if posted else None, member=member)
    allowance = deal_allowance(member)
    if not allowance.can_add:
        return _form_page(request, form=form, allowance=allowance, status=400 if posted else 200)
    if posted and form.is_valid() and not member_may_submit("deal", member.pk):
        form.add_error(None, TOO_MANY_SUBMISSIONS)
        return _form_page(request, form=form, allowance=allowance, status=429)
    if posted and form.is_valid():
        try:
            deal = submissions.deal_submit_new(
                member=member, values=form.values(), user=request.user
            )
        except DealLimitReached as refused:  # another contact took the last place meanwhile
            return _form_page(request, form=form, allowance=refused.allowance, status=400)
        messages.success(
            request,
            f"Thank you: “{deal.title}” is with the chamber office, who publish it after a check.",
        )
        return SeeOther(_list_url())
    return _form_page(request, form=form, status=400 if posted else 200)


@account_view
def deal_edit(request, slug):
    deal = _own_deal(request, slug)
    locked = _locked_for(deal, request.user)
    posted = request.method == "POST"
    # A separate instance: the form writes what was typed into it, the row stays as it is.
    draft = Deal.objects.get(pk=deal.pk).get_latest_revision_as_object()
    form = DealForm(request.POST if posted else None, instance=draft, member=request.account.member)
    if posted and locked:
        messages.error(request, "The chamber office is editing this deal; please try later.")
        return _form_page(request, form=form, deal=deal, locked=True, status=409)
    if posted and form.is_valid():
        if not form.has_changed():
            messages.info(request, "Nothing was changed.")
            return SeeOther(_list_url())
        if not member_may_submit("deal", request.account.member.pk):
            form.add_error(None, TOO_MANY_SUBMISSIONS)
            return _form_page(request, form=form, deal=deal, locked=locked, status=429)
        try:
            submissions.deal_submit_changes(deal=deal, changes=form.changes(), user=request.user)
        except DealLimitReached as refused:
            return _form_page(
                request, form=form, deal=deal, allowance=refused.allowance, status=400
            )
        if deal.live:
            messages.success(
                request,
                "Thank you: your changes wait for the chamber office to review. The deals page "
                "shows the deal as it was until they are published.",
            )
        else:
            messages.success(
                request, "Saved. The chamber office will publish the deal after a check."
            )
        return SeeOther(_list_url())
    return _form_page(request, form=form, deal=deal, locked=locked, status=400 if posted else 200)


@account_view
@require_POST
def deal_withdraw(request, slug):
    deal = _own_deal(request, slug)
    if _locked_for(deal, request.user):
        messages.error(request, "The chamber office is editing this deal; please try later.")
    elif submissions.deal_withdraw(deal=deal, user=request.user):
        messages.success(request, f"“{deal.title}” was withdrawn: it is no longer on show.")
    else:
        messages.info(request, f"“{deal.title}” was withdrawn already.")
    return SeeOther(_list_url())
