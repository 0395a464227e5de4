from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "deals"
    verbose_name = "Deals"

    def ready(self):
        from chamber.scheduled import ScheduledJob
        from chamber.scheduled import register as register_job
        from chamber.site_setup import AppSetup
        from chamber.site_setup import register as register_setup
        from deals import notifications, setup  # noqa: F401 - notifications: the e-mails
        from deals.selectors import business_ids_with_deals, listing_deals_section
        from directory.features import ListingFeature
        from directory.features import register as register_feature
        from membership.account.sections import Section, register

        register_job(ScheduledJob("send_deal_expiry_reminders", "Deal expiry reminders"))

        register_setup(
            AppSetup(
                "deals",
                order=30,
                ensure_pages=setup.ensure_pages,
                group_permissions=setup.GROUP_PERMISSIONS,
            )
        )

        register(Section("deals", _("Deals"), "account_deals:deals", order=30))
        register_feature(
            ListingFeature(
                "deals",
                filter_label=_("Only businesses with current deals"),
                filter_phrase=_("offering a current deal"),
                listing_ids=business_ids_with_deals,
                section=listing_deals_section,
            )
        )
