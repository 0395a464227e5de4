from django.apps import AppConfig


class HomeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "home"

    def ready(self):
        from chamber.site_setup import AppSetup, register
        from home import setup, signals  # noqa: F401 - signals: connects the receivers

        # The news page comes after the directory, join and deals pages in the menu.
        register(
            AppSetup(
                "home",
                order=40,
                root_page=setup.ensure_home_page,
                ensure_pages=setup.ensure_pages,
                group_permissions=setup.GROUP_PERMISSIONS,
            )
        )
