import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "directory"

    def ready(self):
        from chamber import reviews
        from chamber.dashboard import WorkItem
        from chamber.dashboard import register as register_work
        from chamber.scheduled import ScheduledJob
        from chamber.scheduled import register as register_job
        from chamber.site_setup import AppSetup
        from chamber.site_setup import register as register_setup
        from chamber.storage import register_reader
        from chamber.viewsets import grant_chooser
        from directory import member_record, notifications, setup, signals  # noqa: F401
        from directory.account.views import overview_panel
        from directory.models import Business
        from directory.roster.export import roster_export
        from directory.selectors import may_see_logo_under_review
        from membership import member_exports
        from membership.account.sections import Section, register

        # notifications and signals connect their receivers on import.
        register_reader(may_see_logo_under_review)
        member_record.register_sections()  # the member's listings on its admin record
        listings = reviews.ReviewKind(
            key="listing",
            model=Business,
            label=_("listing"),
            label_plural=_("listings"),
            permission="directory.publish_business",
            member=lambda business: business.member,
            related=("member",),
            send_back_notice=notifications.listing_sent_back,
            order=10,
        )
        reviews.register(listings)
        register_work(
            WorkItem(
                "listings-to-review",
                _("listings with changes to review"),
                lambda: reviews.waiting(listings).count(),
                "review_queue:index",
                listings.permission,
                query={"kind": listings.key},
                order=20,
            )
        )
        # The Members list exports the roster: members with contacts and listings.
        member_exports.register(roster_export)
        register_job(ScheduledJob("send_listing_check_requests", "Yearly listing check requests"))
        register_job(
            ScheduledJob(
                "run_roster_imports",
                "Roster imports",
                schedule="every minute",
                stale_after=datetime.timedelta(hours=1),
            )
        )
        # A listing belongs to a member: who may add or edit listings may pick the member, by
        # name, without seeing members' records (Directory moderators, chamber/roles.py).
        grant_chooser("membership.member", "directory.add_business", "directory.change_business")

        register_setup(
            AppSetup(
                "directory",
                order=10,
                ensure_pages=setup.ensure_pages,
                group_permissions=setup.GROUP_PERMISSIONS,
            )
        )

        register(
            Section(
                "listings",
                _("Listings"),
                "account_listings:listings",
                order=20,
                panel=overview_panel,
            )
        )
        register(
            Section(
                "listing-statistics",
                _("Listing statistics"),
                "account_listing_statistics:statistics",
                order=25,
            )
        )
