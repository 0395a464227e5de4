from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembershipConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "membership"

    def ready(self):
        from chamber.privacy import register_members_rule
        from chamber.scheduled import ScheduledJob
        from chamber.scheduled import register as register_job
        from chamber.site_setup import AppSetup
        from chamber.site_setup import register as register_setup
        from membership import (
            dashboard,
            receivers,  # noqa: F401 - connects
            record_sections,
            setup,
        )
        from membership.account.sections import Section, register
        from membership.selectors import user_is_member_in_good_standing

        # "Logged-in users only" pages are for members in good standing (chamber/privacy.py).
        register_members_rule(user_is_member_in_good_standing)
        dashboard.register_items()
        record_sections.register_sections()  # the member record's own sections
        register_job(
            ScheduledJob("update_membership_status", "Membership statuses (past due, lapsed)")
        )
        register_job(ScheduledJob("send_renewal_reminders", "Renewal reminders"))
        register_job(ScheduledJob("stripe_reconcile", "Stripe reconciliation"))

        register_setup(
            AppSetup(
                "membership",
                order=20,
                ensure_pages=setup.ensure_pages,
                group_permissions=setup.GROUP_PERMISSIONS,
            )
        )

        register(Section("dashboard", _("Overview"), "account:dashboard", order=0))
        register(Section("receipts", _("Receipts"), "account:receipts", order=40, needs="pay"))
        register(Section("contacts", _("Contacts"), "account:contacts", order=50))
