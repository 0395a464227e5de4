from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "events"
    verbose_name = "Events"

    def ready(self):
        from chamber.dashboard import FIGURE, WorkItem
        from chamber.dashboard import register as register_work
        from chamber.scheduled import ScheduledJob
        from chamber.scheduled import register as register_job
        from chamber.site_setup import AppSetup
        from chamber.site_setup import register as register_setup
        from events import checkout, revenue, selectors, setup
        from membership.checkout_purposes import CheckoutPurpose
        from membership.checkout_purposes import register as register_checkout
        from membership.reports.revenue import RevenueSource, register_source

        # Ticket money in the revenue report, beside dues (events/revenue.py).
        register_source(RevenueSource("tickets", _("Event tickets"), revenue.ticket_amounts))

        register_job(ScheduledJob("send_event_reminders", "Event reminders"))
        register_setup(
            AppSetup(
                "events",
                order=35,
                ensure_pages=setup.ensure_pages,
                group_permissions=setup.GROUP_PERMISSIONS,
            )
        )
        register_work(
            WorkItem(
                "events-upcoming",
                _("Upcoming events"),
                selectors.upcoming_event_count,
                "wagtailsnippets_events_registration:check_in_index",
                "events.change_registration",
                kind=FIGURE,
                order=40,
            )
        )
        register_work(
            WorkItem(
                "event-guests-interested",
                _("Event guests interested in membership"),
                selectors.interested_guest_count,
                "wagtailsnippets_events_registration:list",
                "events.view_registration",
                query={"interested_in_membership": "true", "guests": "true"},
                kind=FIGURE,
                order=41,
            )
        )
        register_checkout(
            CheckoutPurpose(
                checkout.PURPOSE,
                completed=checkout.fulfil,
                expired=checkout.expired,
                payment_failed=checkout.payment_failed,
            )
        )
