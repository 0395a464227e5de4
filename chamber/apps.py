from django.apps import AppConfig


class ChamberConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "chamber"
    verbose_name = "Chamber"

    def ready(self):
        import datetime

        from chamber import checks, signals  # noqa: F401 - registers checks, connects receivers
        from chamber.scheduled import ScheduledJob, register

        register(
            ScheduledJob(
                "deliver_mail",
                "E-mail delivery",
                schedule="every minute",
                stale_after=datetime.timedelta(hours=1),
            )
        )
