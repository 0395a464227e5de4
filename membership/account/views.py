"""The dashboard, choosing a member, and dues: pay or renew, auto-renewal, billing portal."""

import logging

import stripe
from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from wagtail.log_actions import log

from chamber import emails
from chamber.http import SeeOther
from chamber.ratelimit import TOO_MANY_SUBMISSIONS, member_may_submit
from membership.account.access import account_view, choose_member
from membership.account.actions import LEVEL_CHANGE_REQUESTED
from membership.account.forms import LevelChangeForm, PayForm
from membership.account.sections import overview_panels
from membership.account.status import standing, subscription_running
from membership.checkout import (
    CHECKOUT_SESSION_ID,
    first_charge_day,
    fulfil_checkout_session,
    start_renewal_checkout,
)
from membership.dues import AutoRenewNeedsCheckout, set_auto_renew
from membership.stripe_gateway import stripe_client, stripe_enabled

logger = logging.getLogger(__name__)


def _dashboard_url() -> str:
    return reverse("account:dashboard")


@account_view
@require_GET
def dashboard(request):
    account = request.account
    member = account.member
    context = {
        "account": account,
        "account_section": "dashboard",
        "member": member,
        "standing": standing(member),
        "renews_itself": member.renews_automatically,
        "subscription_running": subscription_running(member),
        "stripe": stripe_enabled(),
        "first_charge": first_charge_day(member),
        "pay_form": PayForm(),
        "panels": overview_panels(request, account),
        "payments": list(
            member.payments.originals()
            .prefetch_related("corrections")
            .order_by("-paid_on", "-pk")[:3]
        )
        if account.can_pay
        else [],
        "contacts": list(member.contacts.select_related("user").order_by("role", "pk")),
    }
    return TemplateResponse(request, "membership/account/dashboard.html", context)


@account_view
@require_POST
def switch_member(request):
    member_id = request.POST.get("member", "")
    if not (member_id.isdigit() and choose_member(request, int(member_id))):
        messages.error(request, "You don't represent that member.")
    return SeeOther(_dashboard_url())


@account_view(needs="pay")
@require_POST
def pay(request):
    """Pay or renew at Stripe Checkout: one year now, or a yearly subscription."""
    member = request.account.member
    if not stripe_enabled():
        messages.info(request, "Online payment is off; the dashboard says how to pay the chamber.")
        return SeeOther(_dashboard_url())
    if subscription_running(member):
        messages.info(
            request,
            "This membership has a card subscription: switch automatic renewal on or off "
            "here, or manage the card in billing.",
        )
        return SeeOther(_dashboard_url())
    form = PayForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose how you would like to pay.")
        return SeeOther(_dashboard_url())
    return _to_checkout(request, auto_renew=form.cleaned_data["choice"] == PayForm.Choice.AUTO)


def _to_checkout(request, *, auto_renew: bool):
    member = request.account.member
    paid = request.build_absolute_uri(reverse("account:paid"))
    try:
        url = start_renewal_checkout(
            member,
            auto_renew=auto_renew,
            email=request.user.email,
            success_url=paid + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=request.build_absolute_uri(_dashboard_url()),
        )
    except stripe.StripeError:
        logger.exception("Account checkout for member %s failed", member.pk)
        messages.error(
            request,
            "We couldn't reach our card processor just now. Nothing was charged; "
            "please try again in a few minutes.",
        )
        return SeeOther(_dashboard_url())
    return SeeOther(url)


@account_view(needs="pay")
@require_GET
def paid(request):
    """Back from Checkout: record the payment now (the webhook would too, a moment later)."""
    session_id = request.GET.get("session_id", "")
    if stripe_enabled() and CHECKOUT_SESSION_ID.fullmatch(session_id):
        try:
            fulfilment = fulfil_checkout_session(session_id)
        except stripe.StripeError:
            logger.exception("Could not confirm account checkout %s", session_id)
            fulfilment = None
        mine = (
            fulfilment is not None
            and fulfilment.member is not None
            and (fulfilment.member.pk in request.account.member_ids)
        )
        if mine and fulfilment.result in ("payment recorded", "already fulfilled"):
            messages.success(request, "Thank you: your payment has been received.")
        else:
            messages.info(
                request,
                "Thank you. Your payment is being confirmed; this page will show it shortly.",
            )
    return SeeOther(_dashboard_url())


@account_view(needs="pay")
@require_POST
def auto_renew(request):
    member = request.account.member
    turn_on = request.POST.get("auto_renew") == "on"
    try:
        set_auto_renew(member, turn_on, user=request.user)
    except AutoRenewNeedsCheckout:
        if not stripe_enabled():
            messages.info(
                request, "Automatic renewal needs online card payment, which is off here."
            )
            return SeeOther(_dashboard_url())
        return _to_checkout(request, auto_renew=True)
    except stripe.StripeError:
        logger.exception("Auto-renew switch for member %s failed", member.pk)
        messages.error(request, "We couldn't change automatic renewal just now; please retry.")
        return SeeOther(_dashboard_url())
    if turn_on:
        messages.success(request, "Automatic renewal is on.")
    else:
        messages.success(
            request,
            "Automatic renewal is off. Your membership runs until the end of the paid period.",
        )
    return SeeOther(_dashboard_url())


@account_view(needs="pay")
@require_GET
def billing_portal(request):
    """Send a contact to Stripe's Customer Portal (card, invoices, cancellation)."""
    member = request.account.member
    client = stripe_client()
    if client is None or not member.stripe_customer_id:
        return TemplateResponse(request, "membership/no_billing.html", {}, status=404)
    try:
        session = client.v1.billing_portal.sessions.create(
            params={
                "customer": member.stripe_customer_id,
                "return_url": request.build_absolute_uri(_dashboard_url()),
            }
        )
    except stripe.StripeError:
        logger.exception("Billing portal for member %s failed", member.pk)
        return TemplateResponse(request, "membership/billing_unavailable.html", {}, status=503)
    return SeeOther(session.url)


@account_view(needs="manage")
def level_change(request):
    """Ask the chamber office for another level; staff make the change (and its dues)."""
    member = request.account.member
    form = LevelChangeForm(request.POST or None, member=member)
    if (
        request.method == "POST"
        and form.is_valid()
        and not member_may_submit("level-change", member.pk)
    ):
        form.add_error(None, TOO_MANY_SUBMISSIONS)
        return TemplateResponse(
            request,
            "membership/account/level_change.html",
            {"account": request.account, "member": member, "form": form},
            status=429,
        )
    if request.method == "POST" and form.is_valid():
        level = form.cleaned_data["level"]
        log(
            instance=member,
            action=LEVEL_CHANGE_REQUESTED,
            user=request.user,
            data={"from": member.level.name, "to": level.name},
        )
        context = {
            "member": member,
            "level": level,
            "message": form.cleaned_data["message"],
            "requested_by": request.user,
            "admin_url": emails.absolute(
                reverse("wagtailsnippets_membership_member:edit", args=[member.pk])
            ),
        }
        emails.notify_staff_once(
            f"level-change:{member.pk}", "membership/emails/staff_level_change", context
        )
        messages.success(
            request,
            f"Thank you: we've asked the chamber office to move you to {level.name}. "
            "They will confirm the change and any difference in dues.",
        )
        return redirect("account:dashboard")
    return TemplateResponse(
        request,
        "membership/account/level_change.html",
        {"account": request.account, "member": member, "form": form},
        status=400 if form.is_bound else 200,
    )
