from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "directory"

    def ready(self):
        from chamber.dashboard import WorkItem
        from chamber.dashboard import register as register_work
        from chamber.scheduled import ScheduledJob
        from chamber.scheduled import register as register_job
        from chamber.site_setup import AppSetup
        from chamber.site_setup import register as register_setup
        from chamber.storage import register_reader
        from chamber.viewsets import grant_chooser
        from directory import notifications, setup, signals  # noqa: F401 - connects receivers
        from directory.account.views import overview_panel
        from directory.models import Business
        from directory.selectors import may_see_logo_under_review
        from membership.account.sections import Section, register

        register_reader(may_see_logo_under_review)
        register_work(
            WorkItem(
                "listings-to-review",
                _("listings with changes to review"),
                lambda: Business.objects.filter(has_unpublished_changes=True).count(),
                "wagtailsnippets_directory_business:list",
                "directory.publish_business",
                query={"has_unpublished_changes": "true"},
                order=20,
            )
        )
        register_job(ScheduledJob("send_listing_check_requests", "Yearly listing check requests"))
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
