from django.urls import path

from membership import webhooks

app_name = "membership"

urlpatterns = [
    path("stripe/webhook/", webhooks.stripe_webhook, name="stripe_webhook"),
]
