from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo content and the benchmark data generator: the top layer, which may import every
    app and which no app imports."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"

    def ready(self):
        from chamber.site_setup import AppSetup, register
        from demo.site import build_demo

        register(AppSetup("demo", build_demo=build_demo))
