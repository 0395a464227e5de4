from django.urls import path

from membership import views, webhooks

app_name = "membership"

urlpatterns = [
    path("stripe/webhook/", webhooks.stripe_webhook, name="stripe_webhook"),
    path("account/billing/", views.billing_portal, name="billing_portal"),
]
