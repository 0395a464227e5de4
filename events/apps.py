from django.apps import AppConfig


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "events"
    verbose_name = "Events"

    def ready(self):
        from chamber.site_setup import AppSetup
        from chamber.site_setup import register as register_setup
        from events import checkout, setup
        from membership.checkout_purposes import CheckoutPurpose
        from membership.checkout_purposes import register as register_checkout

        register_setup(
            AppSetup(
                "events",
                order=35,
                ensure_pages=setup.ensure_pages,
                group_permissions=setup.GROUP_PERMISSIONS,
            )
        )
        register_checkout(
            CheckoutPurpose(
                checkout.PURPOSE,
                completed=checkout.fulfil,
                expired=checkout.expired,
                payment_failed=checkout.payment_failed,
            )
        )
