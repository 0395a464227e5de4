"""The directory's section of the member record (membership/record.py, which may not import
the directory): the member's listings and where each stands in review, in one query."""

from django.contrib.admin.utils import quote
from django.db.models import BooleanField, Case, Value, When
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory.models.listings import Business, publicly_listed_q
from membership.record import RecordSection, register_section

LISTING_PERMISSIONS = tuple(
    f"directory.{action}_business" for action in ("view", "add", "change", "delete", "publish")
)


def review_state(business: Business, *, listed: bool) -> str:
    """Published, changes awaiting review, or draft; and hidden while the member is not in
    good standing (`publicly_listed_q`, THE rule)."""
    if not business.live:
        return _("Draft: not published")
    parts = [_("Published")]
    if business.has_unpublished_changes:
        parts.append(_("changes awaiting review"))
    if not listed:
        parts.append(_("hidden from the public: the membership is not in good standing"))
    return "; ".join(parts)


def listings_section(request, member):
    listings = list(
        member.businesses.annotate(
            listed=Case(
                When(publicly_listed_q(), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        ).order_by("name", "pk")
    )
    may_edit = request.user.has_perm("directory.change_business")
    edit_url_name = Business.snippet_viewset.get_url_name("edit")
    for business in listings:
        business.review_state = review_state(business, listed=business.listed)
        business.edit_url = reverse(edit_url_name, args=(quote(business.pk),)) if may_edit else ""
    return "directory/admin/member_record_listings.html", {"listings": listings}


def register_sections() -> None:
    register_section(
        RecordSection(
            "listings",
            gettext_lazy("Directory listings"),
            listings_section,
            LISTING_PERMISSIONS,
            order=40,
            icon="site",
        )
    )
