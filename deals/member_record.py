"""Deals' section of the member record (membership/record.py, which may not import deals):
the deals of the member's listings and where each stands in review, in one query."""

from django.contrib.admin.utils import quote
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deals.models.deals import Deal
from membership.record import RecordSection, register_section

DEAL_PERMISSIONS = tuple(
    f"deals.{action}_deal" for action in ("view", "add", "change", "delete", "publish")
)


def review_state(deal: Deal, *, now) -> str:
    """Published, changes awaiting review, or draft; and whether its dates have begun or
    passed (whether it is on show also asks the listing: `Deal.objects.shown`)."""
    if not deal.live:
        return _("Draft: not published")
    parts = [_("Published")]
    if deal.has_unpublished_changes:
        parts.append(_("changes awaiting review"))
    if deal.valid_until is not None and deal.valid_until < now:
        parts.append(
            _("ended %(date)s") % {"date": date_format(timezone.localtime(deal.valid_until))}
        )
    elif deal.valid_from > now:
        parts.append(
            _("starts %(date)s") % {"date": date_format(timezone.localtime(deal.valid_from))}
        )
    return "; ".join(parts)


def deals_section(request, member):
    now = timezone.now()
    deals = list(
        Deal.objects.filter(business__member=member)
        .select_related("business")
        .order_by("-valid_from", "-pk")
    )
    may_edit = request.user.has_perm("deals.change_deal")
    edit_url_name = Deal.snippet_viewset.get_url_name("edit")
    for deal in deals:
        deal.review_state = review_state(deal, now=now)
        deal.edit_url = reverse(edit_url_name, args=(quote(deal.pk),)) if may_edit else ""
    return "deals/admin/member_record_deals.html", {"deals": deals}


def register_sections() -> None:
    register_section(
        RecordSection(
            "deals", gettext_lazy("Deals"), deals_section, DEAL_PERMISSIONS, order=50, icon="tag"
        )
    )
