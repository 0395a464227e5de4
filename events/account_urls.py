"""/account/events/: the member's own events (included in chamber/urls.py before /account/)."""

from django.urls import path

from events import account

app_name = "account_events"

urlpatterns = [
    path("", account.event_list, name="events"),
    path("new/", account.event_new, name="event_new"),
]
