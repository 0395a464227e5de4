"""E-mails to attendees. The confirmation carries the event as an .ics attachment, so it goes
through chamber.emails' templates and the site's mail queue like every other e-mail, with the
attachment added here."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from chamber import emails
from events import ical


def registration_url(registration) -> str:
    event = registration.event
    return event.get_full_url() + event.reverse_subpage(
        "registration_view", kwargs={"token": registration.token}
    )


def _context(registration, party) -> dict:
    event = registration.event
    # A guest without an e-mail of their own: the booker hears about their place.
    for_booker = not registration.email and registration.booked_by_id is not None
    return {
        "registration": registration,
        "party": party,
        "recipient_name": registration.booked_by.name if for_booker else registration.name,
        "for_booker": for_booker,
        "event": event,
        "event_url": event.get_full_url(),
        "registration_url": registration_url(registration),
        "events_url": event.get_parent().get_full_url(),
    }


def _send(template: str, registration, *, attach_ics: bool, party=()) -> int:
    """E-mail about `registration` (and, to its booker, the `party` booked with it) to the
    attendee, or to the booker for a guest who gave no e-mail."""
    recipient = registration.contact_email
    if not recipient:
        return 0
    rendered = emails.render(template, _context(registration, list(party)))
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient],
    )
    message.attach_alternative(rendered.html, "text/html")
    if attach_ics:
        event = registration.event
        content = ical.calendar(
            [(event, event.get_full_url(), event.online_url)],
            name=event.title,
            method="PUBLISH",
        )
        message.attach("event.ics", content, "text/calendar")
    return message.send()


def send_confirmation(registration, *, party=()) -> int:
    """Queued in the caller's transaction: a rolled-back registration mails nobody."""
    return _send("events/emails/confirmation", registration, attach_ics=True, party=party)


def send_waitlisted(registration, *, party=()) -> int:
    return _send("events/emails/waitlisted", registration, attach_ics=False, party=party)


def send_reminder(registration, *, party=()) -> int:
    return _send("events/emails/reminder", registration, attach_ics=True, party=party)


def send_place_offered(registration) -> int:
    """A paid place from the waitlist, held for the person to pay (events.services)."""
    return _send("events/emails/place_offered", registration, attach_ics=False)


def send_cancelled(registration) -> int:
    return _send("events/emails/cancelled", registration, attach_ics=False)


def send_event_cancelled(registration) -> int:
    return _send("events/emails/event_cancelled", registration, attach_ics=False)
