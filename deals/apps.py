from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "deals"
    verbose_name = "Deals"

    def ready(self):
        from chamber import reviews
        from chamber.dashboard import WorkItem
        from chamber.dashboard import register as register_work
        from chamber.scheduled import ScheduledJob
        from chamber.scheduled import register as register_job
        from chamber.site_setup import AppSetup
        from chamber.site_setup import register as register_setup
        from deals import member_record, notifications, setup  # notifications: its receivers
        from deals.models import Deal
        from deals.selectors import business_ids_with_deals, listing_deals_section
        from directory.features import ListingFeature
        from directory.features import register as register_feature
        from membership.account.sections import Section, register

        register_job(ScheduledJob("send_deal_expiry_reminders", "Deal expiry reminders"))
        member_record.register_sections()  # the member's deals on its admin record
        deals = reviews.ReviewKind(
            key="deal",
            model=Deal,
            label=_("deal"),
            label_plural=_("deals"),
            permission="deals.publish_deal",
            member=lambda deal: deal.business.member,
            related=("business__member",),
            send_back_notice=notifications.deal_sent_back,
            order=20,
        )
        reviews.register(deals)
        register_work(
            WorkItem(
                "deals-to-review",
                _("deals to review"),
                lambda: reviews.waiting(deals).count(),
                "review_queue:index",
                deals.permission,
                query={"kind": deals.key},
                order=21,
            )
        )

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
