"""Reads for deals: what is on show, cards for lists, a member's own deals and their numbers.

Nothing here re-states a visibility rule: `Deal.objects.shown()` says which deals are on show
and `Deal.is_open_to` who may read a members-only deal's details; cards carry only what
everyone may read.
"""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Sum
from django.utils import timezone

from chamber.selectors import live_page_url
from deals.models.deals import Deal, DealRedemption, DealViews
from deals.models.pages import DealsIndexPage
from directory.models import Category


@dataclass(frozen=True)
class DealCard:
    """A deal in a list: only fields everyone may read, whatever the audience."""

    url: str
    title: str
    summary: str
    business_name: str
    members_only: bool
    days_left: int | None
    ends_on: object  # date or None


def shown_deals(at=None):
    """Deals on show now, with what their pages and cards render."""
    return (
        Deal.objects.shown(at)
        .select_related("business", "image")
        .prefetch_related(Prefetch("categories", queryset=Category.objects.order_by("name")))
    )


def shown_deal(slug: str) -> Deal | None:
    return shown_deals().filter(slug=slug).first()


def deal_cards(deals, *, deals_url: str) -> list[DealCard]:
    """Cards for `deals`, linked under `deals_url` (the deals page's URL, ending in a slash)."""
    now = timezone.now()
    return [
        DealCard(
            url=f"{deals_url}{deal.slug}/",
            title=deal.title,
            summary=deal.summary,
            business_name=deal.business.name,
            members_only=deal.members_only,
            days_left=deal.days_left(now),
            ends_on=timezone.localdate(deal.valid_until) if deal.valid_until else None,
        )
        for deal in deals
    ]


def deals_page():
    return DealsIndexPage.objects.live().first()


def deals_page_url() -> str:
    """The deals page's URL ("" without one), cached with the site chrome: dropped whenever a
    page is published, unpublished, moved or saved (chamber/signals.py)."""
    return live_page_url(DealsIndexPage)


def current_deal_cards(*, limit: int | None = None, business=None) -> list[DealCard]:
    """Cards of deals on show (newest first), for the home page and a listing's page: one
    query."""
    deals_url = deals_page_url()
    if not deals_url:
        return []
    deals = Deal.objects.shown().select_related("business")
    if business is not None:
        deals = deals.filter(business=business)
    deals = deals.order_by("-valid_from", "-pk")
    if limit is not None:
        deals = deals[:limit]
    return deal_cards(deals, deals_url=deals_url)


def business_ids_with_deals(at=None):
    """The listings offering a deal on show (a subquery for the directory's filter)."""
    return Deal.objects.shown(at).values("business_id")


def listing_deals_section(business) -> tuple[str, dict]:
    """The "Current deals" section of a listing's page in the directory."""
    return "deals/includes/listing_deals.html", {"cards": current_deal_cards(business=business)}


@dataclass(frozen=True)
class DealNumbers:
    deal: Deal
    views: int
    redemptions: int


def deal_numbers(deals) -> list[DealNumbers]:
    """Page views and redemptions per deal, in two queries whatever the number of deals."""
    deals = list(deals)
    ids = [deal.pk for deal in deals]
    views = dict(
        DealViews.objects.filter(deal_id__in=ids)
        .values("deal_id")
        .annotate(n=Sum("views"))
        .values_list("deal_id", "n")
        .order_by()
    )
    redemptions = dict(
        DealRedemption.objects.filter(deal_id__in=ids)
        .values("deal_id")
        .annotate(n=Count("pk"))
        .values_list("deal_id", "n")
        .order_by()
    )
    return [
        DealNumbers(deal=deal, views=views.get(deal.pk, 0), redemptions=redemptions.get(deal.pk, 0))
        for deal in deals
    ]
