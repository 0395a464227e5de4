from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "deals"
    verbose_name = "Deals"

    def ready(self):
        from deals import notifications  # noqa: F401 - connects the e-mail receivers
        from membership.account.sections import Section, register

        register(Section("deals", _("Deals"), "account_deals:deals", order=30))
