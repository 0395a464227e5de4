"""The events' models: pages and ticket types (pages.py) and registrations
(registrations.py). Other apps import them from here."""

from events.models.pages import EventIndexPage, EventKind, EventPage, TicketType
from events.models.registrations import Registration, RegistrationQuerySet

__all__ = [
    "EventIndexPage",
    "EventKind",
    "EventPage",
    "Registration",
    "RegistrationQuerySet",
    "TicketType",
]
