"""Membership in the Wagtail admin: the viewsets, the audit-log actions the services write, and
keeping Stripe prices in step when staff save a level."""

import logging

import stripe
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.search import SearchArea
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet

from chamber.reports import ReportMenuItem, report_urls
from chamber.viewsets import register_read_only
from membership import (
    applications,
    corrections,
    dues,
    price_moves,
    services,
    stripe_gateway,
    stripe_prices,
)
from membership.account import actions as account_actions
from membership.bulk_actions import SendRemindersBulkAction
from membership.dashboard import MEMBERS
from membership.models.applications import Application
from membership.models.members import (
    RENEWS_AUTOMATICALLY,
    ContactInvitation,
    Member,
    MembershipLevel,
)
from membership.models.payments import Payment, RenewalReminder, StripeEvent
from membership.reports.views import MembersReportView, RetentionReportView, RevenueReportView
from membership.viewsets import MembershipViewSetGroup

logger = logging.getLogger(__name__)

register_read_only(Application, Payment, StripeEvent, RenewalReminder, ContactInvitation)

register_snippet(MembershipViewSetGroup)

hooks.register("register_bulk_action", SendRemindersBulkAction)


class MemberSearchArea(SearchArea):
    def is_shown(self, request):
        return any(request.user.has_perm(permission) for permission in MEMBERS)


@hooks.register("register_admin_search_area")
def register_member_search_area():
    """The admin's search box also finds members (by organisation, contact or listing)."""
    return MemberSearchArea(
        _("Members"),
        reverse("wagtailsnippets_membership_member:list"),
        icon_name="group",
        order=150,
    )


# Reports (the admin's Reports menu) ---------------------------------------------------------


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        report_urls(
            "membership_reports",
            "reports/membership/",
            [
                ("members", MembersReportView),
                ("revenue", RevenueReportView),
                ("retention", RetentionReportView),
            ],
        )
    ]


@hooks.register("register_reports_menu_item")
def register_members_report_menu_item():
    return ReportMenuItem(
        _("Members by level"),
        reverse("membership_reports:members"),
        name="members-report",
        icon_name="group",
        order=1200,
        permission=MembersReportView.permission,
    )


@hooks.register("register_reports_menu_item")
def register_revenue_report_menu_item():
    return ReportMenuItem(
        _("Revenue"),
        reverse("membership_reports:revenue"),
        name="revenue-report",
        icon_name="doc-full",
        order=1210,
        permission=RevenueReportView.permission,
    )


@hooks.register("register_reports_menu_item")
def register_retention_report_menu_item():
    return ReportMenuItem(
        _("Retention"),
        reverse("membership_reports:retention"),
        name="retention-report",
        icon_name="rotate",
        order=1220,
        permission=RetentionReportView.permission,
    )


# Audit log ----------------------------------------------------------------------------------

STATUS_LABELS = dict(Member.Status.choices)


def status_label(value) -> str:
    return str(STATUS_LABELS.get(value, value))


def with_reason(message, data) -> str:
    reason = data.get("reason")
    return f"{message} ({reason})" if reason else str(message)


@hooks.register("register_log_actions")
def register_membership_log_actions(actions):
    @actions.register_action(dues.STATUS_CHANGED)
    class StatusChanged(LogFormatter):
        label = _("Change membership status")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            message = _("Status changed from %(from)s to %(to)s") % {
                "from": status_label(data.get("from")),
                "to": status_label(data.get("to")),
            }
            return with_reason(message, data)

    @actions.register_action(dues.LEVEL_CHANGED)
    class LevelChanged(LogFormatter):
        label = _("Change membership level")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            message = _("Level changed from %(from)s to %(to)s") % {
                "from": data.get("from", "?"),
                "to": data.get("to", "?"),
            }
            return with_reason(message, data)

    @actions.register_action(dues.NO_END_DATE_CHANGED)
    class NoEndDateChanged(LogFormatter):
        label = _("Change membership end date")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            message = (
                _("Marked as having no end date")
                if data.get("to")
                else _("No longer without an end date: standing follows the paid-through date")
            )
            return with_reason(message, data)

    @actions.register_action(dues.PAYMENT_RECORDED)
    class PaymentRecorded(LogFormatter):
        label = _("Record payment")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            method = dict(Payment.Method.choices).get(data.get("method"), "")
            return _(
                "Payment of %(amount)s %(currency)s recorded (%(method)s); paid through %(end)s"
            ) % {
                "amount": data.get("amount", "?"),
                "currency": str(data.get("currency", "")).upper(),
                "method": method or data.get("method", "?"),
                "end": data.get("period_end", "?"),
            }

    class PaymentCorrected(LogFormatter):
        verb = ""

        def format_message(self, log_entry):
            data = log_entry.data or {}
            message = _("Payment #%(payment)s %(verb)s: %(amount)s %(currency)s") % {
                "payment": data.get("payment", "?"),
                "verb": self.verb,
                "amount": data.get("amount", "?"),
                "currency": str(data.get("currency", "")).upper(),
            }
            if data.get("paid_through_kept"):
                message += _("; paid-through date kept (set by hand)")
            elif data.get("paid_through_from") != data.get("paid_through_to"):
                message += _("; paid through %(from)s → %(to)s") % {
                    "from": data.get("paid_through_from") or _("none"),
                    "to": data.get("paid_through_to") or _("none"),
                }
            return with_reason(message, data)

    @actions.register_action(corrections.PAYMENT_VOIDED)
    class PaymentVoided(PaymentCorrected):
        label = _("Void payment")
        verb = _("voided")

    @actions.register_action(corrections.PAYMENT_ADJUSTED)
    class PaymentAdjusted(PaymentCorrected):
        label = _("Adjust payment")
        verb = _("adjusted")

    @actions.register_action(corrections.PAYMENT_REFUNDED)
    class PaymentRefunded(PaymentCorrected):
        label = _("Refund payment")
        verb = _("refunded")

    @actions.register_action(price_moves.SUBSCRIPTION_PRICE_MOVED)
    class SubscriptionPriceMoved(LogFormatter):
        label = _("Move subscription to the level's price")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            return _(
                "Subscription moved to the %(level)s level's current price %(to)s (from "
                "%(from)s), from the next renewal"
            ) % {
                "level": data.get("level", "?"),
                "to": data.get("to", "?"),
                "from": data.get("from") or "?",
            }

    @actions.register_action(price_moves.SUBSCRIBERS_MOVED)
    class SubscribersMoved(LogFormatter):
        label = _("Move subscribers to the current price")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            return _(
                "Subscribers moved to price %(to)s: %(moved)s moved, %(failed)s failed, "
                "%(remaining)s still to move"
            ) % {
                "to": data.get("to", "?"),
                "moved": data.get("moved", 0),
                "failed": data.get("failed", 0),
                "remaining": data.get("remaining", 0),
            }

    @actions.register_action(services.PASSWORD_LINK_SENT)
    class PasswordLinkSent(LogFormatter):
        label = _("Send set-password link")

        def format_message(self, log_entry):
            return _("Set-password link sent to %(email)s") % {
                "email": (log_entry.data or {}).get("email", "?")
            }

    @actions.register_action(applications.APPLICATION_APPROVED)
    class ApplicationApproved(LogFormatter):
        label = _("Approve application")
        message = _("Application approved")

        def format_comment(self, log_entry):
            return (log_entry.data or {}).get("note", "")

    @actions.register_action(applications.APPLICATION_REJECTED)
    class ApplicationRejected(LogFormatter):
        label = _("Reject application")
        message = _("Application rejected")

        def format_comment(self, log_entry):
            return (log_entry.data or {}).get("note", "")

    account_actions.register_member_actions(actions, account_actions.LABELS)


# Stripe prices ------------------------------------------------------------------------------


def sync_stripe_prices(request, instance):
    """After staff save a level: bring its Stripe Product and Prices in line. The level is
    already saved; a Stripe failure only warns, and `manage.py sync_stripe` catches up."""
    if not isinstance(instance, MembershipLevel) or not stripe_gateway.stripe_enabled():
        return
    yearly_before = instance.stripe_price_id
    try:
        stripe_prices.sync_level_prices(instance)
    except stripe.StripeError as error:
        logger.warning("Stripe prices for level %s not updated: %s", instance.slug, error)
        problem = error.user_message or str(error) or error.__class__.__name__
    except Exception as error:  # the save stands whatever went wrong; the log has the details
        logger.exception("Stripe prices for level %s not updated", instance.slug)
        problem = error.__class__.__name__
    else:
        if yearly_before and instance.stripe_price_id != yearly_before:
            tell_about_subscribers(request, instance)
        return
    messages.warning(
        request,
        format_html(
            _(
                "Saved, but Stripe prices could not be updated: {}; run "
                "<code>manage.py sync_stripe</code>."
            ),
            problem,
        ),
    )


def tell_about_subscribers(request, level):
    """A new yearly price: say what happens to the members already subscribed at the old one,
    and offer to move them to the new price from their next renewal."""
    subscribers = Member.objects.filter(level=level).filter(RENEWS_AUTOMATICALLY).count()
    if subscribers:
        buttons = []
        if request.user.has_perm("membership.change_membershiplevel"):
            url = reverse(
                MembershipLevel.snippet_viewset.get_url_name("move_subscribers"), args=[level.pk]
            )
            buttons.append(
                messages.button(url, _("Move them to the new price at their next renewal"))
            )
        messages.info(
            request,
            ngettext(
                "The new price applies to new members and to renewals paid by hand. %(count)d "
                "member renews automatically and keeps the old price until moved.",
                "The new price applies to new members and to renewals paid by hand. %(count)d "
                "members renew automatically and keep the old price until moved.",
                subscribers,
            )
            % {"count": subscribers},
            buttons=buttons,
        )


hooks.register("after_create_snippet", sync_stripe_prices)
hooks.register("after_edit_snippet", sync_stripe_prices)
