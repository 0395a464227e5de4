"""The member's own listings: their state, the edit form, withdrawing waiting changes and
confirming the details are still correct.

Every listing is looked up through the chosen member's own listings, so another member's slug
is a 404. Any contact of the member may edit its listings.
"""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from chamber.charts import Series, bar_chart
from chamber.http import SeeOther
from chamber.ratelimit import TOO_MANY_SUBMISSIONS, member_may_submit
from chamber.reports import DEFAULT_MONTHS, add_months, month_label, month_start, months_between
from directory import engagement
from directory.account.forms import ListingForm
from directory.listing_state import changes_by_member, listing_state, member_listing_states
from directory.models.listings import Business
from directory.models.pages import DirectoryPage
from directory.selectors import MESSAGES_COUNTED_FOR, messages_received
from directory.services import (
    changes_need_approval,
    listing_confirm_details,
    listing_set_accepts_messages,
    listing_submit_changes,
    listing_withdraw_changes,
)
from membership.account.access import account_view


def _list_url() -> str:
    return reverse("account_listings:listings")


def _own_listing(request, slug: str) -> Business:
    listings = request.account.member.businesses.select_related(
        "member__level", "latest_revision", "logo"
    )
    return get_object_or_404(listings, slug=slug)


def overview_panel(request, account):
    """The account overview's "Directory listings" panel (membership/account/sections.py)."""
    listings = list(account.member.businesses.order_by("name"))
    received = messages_received(listings)
    seen = engagement.recent_totals([business.pk for business in listings])
    for business in listings:
        business.messages_received = received.get(business.pk, 0)
        business.recent_views, business.recent_clicks = seen.get(business.pk, (0, 0))
    return "directory/account/includes/listings_panel.html", {
        "listings": listings,
        "counted_days": MESSAGES_COUNTED_FOR.days,
        "seen_days": engagement.RECENT.days,
    }


def _locked_for(business: Business, user) -> bool:
    """Staff have locked the listing in the admin (while they edit it)."""
    return business.locked and business.locked_by_id != user.pk


@account_view
@require_GET
def listing_list(request):
    directory = DirectoryPage.objects.live().first()
    rows = []
    for state in member_listing_states(request.account.member):
        public = directory is not None and state.publicly_listed
        rows.append((state, directory.business_url(state.business) if public else ""))
    return TemplateResponse(
        request,
        "directory/account/listings.html",
        {"account": request.account, "account_section": "listings", "rows": rows},
    )


@account_view
def listing_edit(request, slug):
    business = _own_listing(request, slug)
    draft = business.get_latest_revision_as_object()
    locked = _locked_for(business, request.user)
    if request.method == "POST" and locked:
        messages.error(request, "The chamber office is editing this listing; please try later.")
        return SeeOther(request.path)
    posted = request.method == "POST"
    # The contact-form switch is the row's, not a draft's: it applies at once.
    draft.accepts_messages = business.accepts_messages
    form = ListingForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        instance=draft,
        level=business.level,
    )
    if posted and form.is_valid():
        if not form.has_changed():
            messages.info(request, "Nothing was changed.")
            return SeeOther(_list_url())
        if not member_may_submit("listing", business.member_id):
            form.add_error(None, TOO_MANY_SUBMISSIONS)
            return _edit_page(request, business, form, locked, status=429)
        switched = "accepts_messages" in form.changed_data
        content_changed = set(form.changed_data) - {"accepts_messages"}
        with transaction.atomic():
            if switched:
                listing_set_accepts_messages(
                    business=business,
                    accepts=form.cleaned_data["accepts_messages"],
                    user=request.user,
                )
            result = (
                listing_submit_changes(
                    business=business, changes=form.changes(user=request.user), user=request.user
                )
                if content_changed
                else None
            )
        if switched:
            messages.success(
                request,
                f"The contact form on {business.name} is now "
                f"{'on' if business.accepts_messages else 'off'}.",
            )
        if result is not None:
            messages.success(request, _submitted_message(business, result))
        return SeeOther(_list_url())
    return _edit_page(request, business, form, locked, status=400 if form.is_bound else 200)


def _submitted_message(business, result) -> str:
    if result.published:
        return "Thank you: your changes are live in the directory."
    if business.live:
        return (
            "Thank you: your changes are waiting for the chamber office to review. "
            "The directory shows the listing as it was until they are published."
        )
    return "Saved. The chamber office will publish the listing after a check."


def _edit_page(request, business, form, locked, *, status):
    return TemplateResponse(
        request,
        "directory/account/listing_edit.html",
        {
            "account": request.account,
            "account_section": "listings",
            "business": business,
            "state": listing_state(business),
            "form": form,
            "locked": locked,
            "needs_approval": changes_need_approval(business),
        },
        status=status,
    )


@account_view
@require_POST
def listing_withdraw(request, slug):
    business = _own_listing(request, slug)
    if not changes_by_member(business):
        messages.info(request, "There are no changes of yours waiting on this listing.")
    elif listing_withdraw_changes(business=business, user=request.user):
        messages.success(
            request, f"Your changes to {business.name} were withdrawn; the listing is as it was."
        )
    return SeeOther(_list_url())


@account_view
@require_POST
def listing_confirm(request, slug):
    business = _own_listing(request, slug)
    listing_confirm_details(business=business, user=request.user)
    messages.success(request, f"Thank you for confirming the details of {business.name}.")
    if request.POST.get("return_to") == "dashboard":
        return SeeOther(reverse("account:dashboard"))
    return SeeOther(_list_url())


@account_view
@require_GET
def listing_statistics(request):
    """/account/listing-statistics/: views and contact-link clicks of the chosen member's own
    listings, month by month over the last 12 months; `?listing=<id>` for one of them (looked
    up through the member's listings: another member's is a 404)."""
    member = request.account.member
    listings = list(member.businesses.order_by("name", "pk"))
    chosen = None
    asked = request.GET.get("listing", "")
    if asked:
        if not asked.isdigit():
            raise Http404("No such listing")
        chosen = get_object_or_404(member.businesses, pk=int(asked))
    today = timezone.localdate()
    months = months_between(add_months(month_start(today), 1 - DEFAULT_MONTHS), today)
    rows = engagement.by_listing_and_month(
        first=months[0], last=today, listings=[chosen.pk] if chosen else [b.pk for b in listings]
    )
    for row in rows:
        row["month_label"] = month_label(row["first_day"])
    totals = engagement.monthly_totals(rows, months)
    name = chosen.name if chosen else member.name
    chart = bar_chart(
        title=f"Listing views and clicks each month: {name}",
        description=(
            "Page views and website, phone and e-mail link clicks, each month over the last "
            "12 months; the table below gives the numbers."
        ),
        categories=[month_label(month) for month in months],
        series=[
            Series("Page views", [row["views"] for row in totals]),
            Series("Contact-link clicks", [row["clicks"] for row in totals]),
        ],
        x_label="Month",
        y_label="Count",
        id_prefix="listing-stats",
    )
    return TemplateResponse(
        request,
        "directory/account/listing_statistics.html",
        {
            "account": request.account,
            "account_section": "listing-statistics",
            "listings": listings,
            "chosen": chosen,
            "rows": rows,
            "chart": chart,
        },
    )
