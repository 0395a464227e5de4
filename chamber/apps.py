from django.apps import AppConfig


class ChamberConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "chamber"
    verbose_name = "Chamber"

    def ready(self):
        from chamber import signals  # noqa: F401 - connects the receivers
