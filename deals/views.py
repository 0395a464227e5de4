"""Deals pages, served through DealsIndexPage's routes: the list, a deal, taking it up.

Members-only content is decided per request by `Deal.is_open_to`; such pages are marked
`Cache-Control: private`, so no shared cache keeps one member's view for the next visitor.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_POST

from chamber.http import SeeOther
from chamber.pagination import page_of
from deals import services
from deals.filters import SORT_ORDERINGS, DealFilterSet
from deals.models.deals import DealRedemption
from deals.selectors import deal_cards, shown_deal, shown_deals
from deals.structured_data import offer_json_ld
from directory.models import DirectoryPage
from membership.account.access import SESSION_KEY
from membership.selectors import member_in_good_standing_for

PAGE_SIZE = 12


def deal_index(request, *, page):
    filterset = DealFilterSet(request.GET, queryset=shown_deals())
    filterset.is_valid()  # invalid parameters are left out of cleaned_data, i.e. ignored
    sort = filterset.form.cleaned_data.get("sort") or "newest"
    deals = filterset.filter_queryset_except(filterset.queryset).order_by(*SORT_ORDERINGS[sort])
    page_obj = page_of(deals, request.GET.get("page"), PAGE_SIZE)
    deals_url = page.get_url(request)
    cleaned = filterset.form.cleaned_data
    return TemplateResponse(
        request,
        "deals/deals_index.html",
        {
            "page": page,
            "self": page,
            "filterset": filterset,
            "page_obj": page_obj,
            "cards": deal_cards(page_obj.object_list, deals_url=deals_url),
            "deals_url": deals_url,
            "query": cleaned.get("q") or "",
            "is_filtered": any(cleaned.get(name) for name in ("q", "category", "business")),
            "ignored": filterset.ignored,
            "sort": sort,
        },
    )


def _own_member(request):
    """The member in good standing the visitor acts for (None for anonymous visitors, users
    without a member, and members not in good standing)."""
    preferred = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    return member_in_good_standing_for(request.user, preferred_id=preferred)


def deal_detail(request, *, page, slug):
    deal = shown_deal(slug)
    if deal is None:
        raise Http404("No such deal")
    is_open = deal.is_open_to(request.user)
    member = _own_member(request) if is_open and deal.members_only else None
    redeemed = (
        member is not None and DealRedemption.objects.filter(deal=deal, member=member).exists()
    )
    # The code and instructions: open to all on a public deal; on a members-only deal, shown
    # once the member has taken it up ("Get this deal"); staff, who represent no member, see
    # them to check what members get.
    revealed = is_open and (not deal.members_only or redeemed or member is None)
    url = page.deal_url(deal, full=True)
    directory = DirectoryPage.objects.live().first()
    business_url = directory.business_url(deal.business, full=True) if directory else ""
    if not _is_offering_member(request.user, deal):
        services.count_view(deal, visitor=services.visitor_key(request))
    response = TemplateResponse(
        request,
        "deals/deal_detail.html",
        {
            "page": page,
            "self": page,
            "deal": deal,
            "open": is_open,
            "revealed": revealed,
            "redeemed": redeemed,
            "member": member,
            "canonical_url": url,
            "redeem_url": page.url + page.reverse_subpage("redeem_view", kwargs={"slug": slug}),
            "business_url": directory.business_url(deal.business) if directory else "",
            "json_ld": offer_json_ld(deal, url=url, business_url=business_url),
        },
    )
    return _private(response)


def _private(response):
    """What this page shows depends on who asks: never from or into a shared cache."""
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def _is_offering_member(user, deal) -> bool:
    """The offering member's own people looking at their deal don't count as views."""
    if not user.is_authenticated:
        return False
    return deal.business.member.contacts.filter(user=user).exists()


@require_POST
def deal_redeem(request, *, page, slug):
    deal = shown_deal(slug)
    if deal is None:
        raise Http404("No such deal")
    deal_url = page.deal_url(deal)
    if not request.user.is_authenticated:
        return redirect_to_login(deal_url)
    member = _own_member(request)
    if member is None:
        messages.error(
            request,
            "Only members in good standing can take up this deal. "
            "Renew your membership in your account to use it.",
        )
        return SeeOther(deal_url)
    _redemption, created = services.redeem(deal=deal, member=member, user=request.user)
    if created:
        messages.success(request, f"Here is your deal from {deal.business.name}.")
    return SeeOther(deal_url + "#redeem")
