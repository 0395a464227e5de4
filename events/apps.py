import datetime

from django.apps import AppConfig
from django.db.models.signals import post_save
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
        from directory.features import ListingFeature
        from directory.features import register as register_feature
        from events import checkout, follow_ups, selectors, setup
        from membership.checkout_purposes import CheckoutPurpose
        from membership.checkout_purposes import register as register_checkout
        from membership.join_extras import JoinSection
        from membership.join_extras import register as register_join_section

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
