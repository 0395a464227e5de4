"""Reads about a listing's editorial state, as its member sees it: published or draft, changes
awaiting review or sent back by staff (with their reason), and the yearly "are your details
still correct?" rule (decided here only: the account pages, the dashboard and
`send_listing_check_requests` all ask it)."""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from chamber.reviews import Decision, sent_back_note, sent_back_notes
from directory.models.listings import Business
from membership.models import MemberContact

# How long a member's "my details are still correct" counts, and how often they are asked.
CONFIRM_EVERY = datetime.timedelta(days=365)


def details_need_confirming(business: Business, *, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return business.verified_at is None or business.verified_at < now - CONFIRM_EVERY


def listings_due_for_check_request(*, now: datetime.datetime | None = None):
    """Publicly listed listings whose details were last confirmed over a year ago (or never, for
    one older than a year), and whose member has not been asked about them in the last year."""
    now = now or timezone.now()
    cutoff = now - CONFIRM_EVERY
    return (
        Business.objects.publicly_listed(on=timezone.localdate(now))
        .filter(Q(verified_at__lt=cutoff) | Q(verified_at__isnull=True, created_at__lt=cutoff))
        .filter(Q(verification_requested_at__isnull=True) | Q(verification_requested_at__lt=cutoff))
    )


def awaiting_review(business: Business) -> bool:
    """A published listing with a newer draft: the public sees the published one meanwhile."""
    return business.live and business.has_unpublished_changes


def changes_by_member(business: Business) -> bool:
    """The waiting draft was saved by one of the listing's member's contacts (not by staff), so
    the member may withdraw it."""
    if not awaiting_review(business) or business.latest_revision is None:
        return False
    author_id = business.latest_revision.user_id
    return (
        author_id is not None
        and MemberContact.objects.filter(member_id=business.member_id, user_id=author_id).exists()
    )


@dataclass(frozen=True)
class ListingState:
    business: Business
    publicly_listed: bool | None  # None: not asked (the dashboard shows standing on its own)
    awaiting_review: bool
    withdrawable: bool
    needs_confirming: bool
    # Staff sent the waiting changes back (the review queue): shown until the member edits again.
    sent_back: Decision | None = None

    @property
    def status(self) -> str:
        if not self.business.live:
            return "Draft"
        if self.publicly_listed is False:
            return "Not shown: membership not in good standing"
        return "Published"

    @property
    def tone(self) -> str:
        return "accent" if self.status != "Published" else ""


_UNASKED = object()


def listing_state(
    business: Business, *, publicly_listed: bool | None = None, sent_back=_UNASKED
) -> ListingState:
    pending = awaiting_review(business)
    return ListingState(
        business=business,
        publicly_listed=publicly_listed,
        awaiting_review=pending,
        withdrawable=pending and changes_by_member(business),
        needs_confirming=details_need_confirming(business),
        sent_back=sent_back_note(business) if sent_back is _UNASKED else sent_back,
    )


def member_listing_states(member) -> list[ListingState]:
    """The member's listings with their states, by name; four queries whatever their number
    (plus one per listing with changes waiting)."""
    listings = list(member.businesses.select_related("latest_revision", "logo").order_by("name"))
    listed = set(member.businesses.publicly_listed().values_list("pk", flat=True))
    sent_back = sent_back_notes(listings)
    return [
        listing_state(
            business,
            publicly_listed=business.pk in listed,
            sent_back=sent_back.get(business.pk),
        )
        for business in listings
    ]
