from django import template

from directory.listing_state import ListingState
from directory.listing_state import listing_state as state_of

register = template.Library()


@register.filter
def listing_state(business) -> ListingState:
    """`{% with state=business|listing_state %}`: a listing's review state and whether its
    member should confirm its details (see directory.listing_state)."""
    return state_of(business)
