"""Membership e-mails: each has a subject, a plain-text and an HTML template under
templates/membership/emails/, so editors can read and change every word."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from wagtail.models import Site

from chamber.models import ChamberSettings

logger = logging.getLogger(__name__)


def site_context() -> dict:
    site = Site.objects.filter(is_default_site=True).first()
    chamber = ChamberSettings.for_site(site) if site else None
    root_url = (site.root_url if site else "").rstrip("/")
    return {"chamber": chamber, "site_url": root_url}


def absolute(path: str) -> str:
    return site_context()["site_url"] + path


def send(name: str, to: list[str], context: dict) -> int:
    """Render templates/membership/emails/<name>_subject.txt, .txt and .html and send them.

    Raises on a failed send: callers that must retry (reminders) rely on it; callers inside
    a transaction send from `transaction.on_commit`, so a rolled-back change mails nobody.
    """
    recipients = [address for address in to if address]
    if not recipients:
        return 0
    context = {**site_context(), **context}
    base = f"membership/emails/{name}"
    subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{base}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    )
    message.attach_alternative(render_to_string(f"{base}.html", context), "text/html")
    return message.send()


def staff_recipients() -> list[str]:
    configured = list(settings.STAFF_NOTIFICATION_EMAILS)
    if configured:
        return configured
    chamber = site_context()["chamber"]
    return [chamber.email] if chamber and chamber.email else []
