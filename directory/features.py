"""What apps above the directory add to its listings, without the directory naming them.

An app that offers something on listings (deals today; events and jobs later) registers a
`ListingFeature` from its `AppConfig.ready()`:

- the directory search gets a filter, ``?has_<name>=on`` ("Only businesses with current
  deals"), applied as ``pk IN listing_ids()``;
- a listing's page asks, in the query that reads the listing, whether it has the feature (an
  EXISTS over ``listing_ids()``), and only then calls ``section(business)`` for what to show.

``listing_ids()`` is the feature's own visibility rule (a deal on show now, say), as a
queryset of ``business_id`` values.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet


@dataclass(frozen=True)
class ListingFeature:
    name: str  # "deals": the filter is ?has_deals=on
    filter_label: str  # the filter's checkbox: "Only businesses with current deals"
    filter_phrase: str  # "We looked for listings … offering a current deal and found nothing."
    listing_ids: Callable[[], QuerySet]
    # (business) -> (template, context) of the section on the listing's page.
    section: Callable[..., tuple[str, dict]]

    @property
    def param(self) -> str:
        return f"has_{self.name}"

    def exists(self) -> Exists:
        """Whether the listing of the outer query has the feature."""
        return Exists(self.listing_ids().filter(business_id=OuterRef("pk")))


_features: dict[str, ListingFeature] = {}


def register(feature: ListingFeature) -> None:
    """Add `feature` (again under the same name replaces it)."""
    _features[feature.name] = feature


def listing_features() -> list[ListingFeature]:
    return sorted(_features.values(), key=lambda feature: feature.name)
