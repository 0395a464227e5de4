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


def _context(registration) -> dict:
    event = registration.event
    return {
        "registration": registration,
        "event": event,
        "event_url": event.get_full_url(),
        "registration_url": registration_url(registration),
        "events_url": event.get_parent().get_full_url(),
    }


def _send(template: str, registration, *, attach_ics: bool) -> int:
    if not registration.email:
        return 0
    rendered = emails.render(template, _context(registration))
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[registration.email],
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


def send_confirmation(registration) -> int:
    """Queued in the caller's transaction: a rolled-back registration mails nobody."""
    return _send("events/emails/confirmation", registration, attach_ics=True)


def send_waitlisted(registration) -> int:
    return _send("events/emails/waitlisted", registration, attach_ics=False)


def send_reminder(registration) -> int:
    return _send("events/emails/reminder", registration, attach_ics=True)


def send_place_offered(registration) -> int:
    """A paid place from the waitlist, held for the person to pay (events.services)."""
    return _send("events/emails/place_offered", registration, attach_ics=False)


def send_cancelled(registration) -> int:
    return _send("events/emails/cancelled", registration, attach_ics=False)


def send_event_cancelled(registration) -> int:
    return _send("events/emails/event_cancelled", registration, attach_ics=False)
