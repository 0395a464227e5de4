from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "directory"

    def ready(self):
        from directory import notifications, signals  # noqa: F401 - connects the receivers
        from directory.account.views import overview_panel
        from membership.account.sections import Section, register

        register(
            Section(
                "listings",
                _("Listings"),
                "account_listings:listings",
                order=20,
                panel=overview_panel,
            )
        )
