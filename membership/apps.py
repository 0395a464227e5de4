from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembershipConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "membership"

    def ready(self):
        from membership import receivers  # noqa: F401 - connects the receivers
        from membership.account.sections import Section, register

        register(Section("dashboard", _("Overview"), "account:dashboard", order=0))
        register(Section("receipts", _("Receipts"), "account:receipts", order=40, needs="pay"))
        register(Section("contacts", _("Contacts"), "account:contacts", order=50))
