"""E-mail from the site: every app sends through `send`, with templates editors can read.

An e-mail is three templates named by one base path, e.g. ``membership/emails/welcome``:
``<base>_subject.txt``, ``<base>.txt`` and ``<base>.html`` (which extends
``chamber/emails/base.html``, the chamber's letterhead). Each app keeps its own under
``templates/<app>/emails/``.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from wagtail.models import Site

from chamber.models import ChamberSettings

logger = logging.getLogger(__name__)


def site_context() -> dict:
    """What every e-mail template may use: the chamber's settings and the site's address."""
    site = Site.objects.filter(is_default_site=True).first()
    chamber = ChamberSettings.for_site(site) if site else None
    root_url = (site.root_url if site else "").rstrip("/")
    return {"chamber": chamber, "site_url": root_url}


def absolute(path: str) -> str:
    """`path` (from `reverse()`) as a full URL on the default site, for links in e-mails."""
    return site_context()["site_url"] + path


def send(template: str, to: list[str], context: dict, *, reply_to: list[str] = ()) -> int:
    """Render `template`'s subject, plain-text and HTML parts and send them to `to`; answers
    go to `reply_to` when given (a visitor who wrote to a business), else to the sender.

    Sending queues the message (chamber/mail.py) in the caller's transaction: call it inside
    the transaction of the change the e-mail is about, and a rolled-back change mails nobody.
    A mail server that is down never makes this fail; the queue retries.
    """
    recipients = [address for address in to if address]
    if not recipients:
        return 0
    context = {**site_context(), **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        reply_to=list(reply_to),
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message.send()


def staff_recipients() -> list[str]:
    """Who is told about work for the office: STAFF_NOTIFICATION_EMAILS, else the chamber's
    own address from its settings."""
    configured = list(settings.STAFF_NOTIFICATION_EMAILS)
    if configured:
        return configured
    chamber = site_context()["chamber"]
    return [chamber.email] if chamber and chamber.email else []


def notify_staff_once(about: str, template: str, context: dict, *, window_seconds=3600) -> bool:
    """E-mail the staff about `about` (e.g. "listing:12") unless they were e-mailed about it
    within the last `window_seconds`: a member saving the same listing eleven times in an hour
    makes one e-mail, and the admin shows the latest state. True if it was sent."""
    if not cache.add(f"staff-notice:{about}", 1, timeout=window_seconds):
        return False
    send(template, staff_recipients(), context)
    return True
