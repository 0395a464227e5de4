import datetime

from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "events"
    verbose_name = "Events"

    def ready(self):
        from chamber import reviews
        from chamber.dashboard import FIGURE, WorkItem
        from chamber.dashboard import register as register_work
        from chamber.scheduled import ScheduledJob
        from chamber.scheduled import register as register_job
        from chamber.site_setup import AppSetup
        from chamber.site_setup import register as register_setup
        from directory.features import ListingFeature
        from directory.features import register as register_feature
        from events import (
            checkout,
            follow_ups,
            notifications,
            revenue,
            selectors,
            setup,
            submissions,
        )
        from events.models import EventPage
        from membership.account.sections import Section
        from membership.account.sections import register as register_section
        from membership.checkout_purposes import CheckoutPurpose
        from membership.checkout_purposes import register as register_checkout
        from membership.join_extras import JoinSection
        from membership.join_extras import register as register_join_section
        from membership.reports.revenue import RevenueSource, register_source

        # Ticket money in the revenue report, beside dues (events/revenue.py).
        register_source(RevenueSource("tickets", _("Event tickets"), revenue.ticket_amounts))

        register_job(ScheduledJob("send_event_reminders", "Event reminders"))
        register_job(ScheduledJob("send_guest_follow_ups", "Event guest follow-ups"))
        register_job(
            ScheduledJob(
                "promote_waitlists",
                "Event waitlists",
                schedule="every 10 minutes",
                stale_after=datetime.timedelta(hours=2),
            )
        )
        # An application to join records the event guest registration it came from.
        post_save.connect(
            follow_ups.application_saved,
            sender="membership.Application",
            dispatch_uid="events-guests",
        )
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
        register_feature(
            ListingFeature(
                "events",
                filter_label=_("Only businesses with upcoming events"),
                filter_phrase=_("organising an upcoming event"),
                listing_ids=selectors.business_ids_with_events,
                section=selectors.listing_events_section,
            )
        )
        register_section(Section("events", _("Events"), "account_events:events", order=35))
        reviews.register(
            reviews.ReviewKind(
                key="event",
                model=EventPage,
                label=_("event"),
                label_plural=_("events"),
                permission="events.review_eventpage",
                member=lambda event: event.organiser.member,
                related=("organiser__member",),
                send_back_notice=notifications.event_sent_back,
                order=30,
                scope=submissions.member_submitted_q,
            )
        )
        register_work(
            WorkItem(
                "events-to-review",
                _("events to review"),
                lambda: reviews.waiting(reviews.kind_named("event")).count(),
                "review_queue:index",
                "events.review_eventpage",
                query={"kind": "event"},
                order=22,
            )
        )
        register_join_section(
            JoinSection("events", order=10, render=selectors.join_page_member_rates)
        )
        register_checkout(
            CheckoutPurpose(
                checkout.PURPOSE,
                completed=checkout.fulfil,
                expired=checkout.expired,
                payment_failed=checkout.payment_failed,
            )
        )
