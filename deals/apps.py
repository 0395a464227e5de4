from django.apps import AppConfig


class DealsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "deals"
    verbose_name = "Deals"

    def ready(self):
        from deals import notifications  # noqa: F401 - connects the e-mail receivers
