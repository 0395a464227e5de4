"""The deals' models: the deals and what is recorded about them (deals.py) and the /deals/
page (pages.py). Other apps import them from here; inside deals, from their own module."""

from deals.models.deals import (
    RESERVED_SLUGS,
    Deal,
    DealNotice,
    DealQuerySet,
    DealRedemption,
    DealViews,
)
from deals.models.pages import DealsIndexPage

__all__ = [
    "RESERVED_SLUGS",
    "Deal",
    "DealNotice",
    "DealQuerySet",
    "DealRedemption",
    "DealViews",
    "DealsIndexPage",
]
