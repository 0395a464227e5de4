"""E-mail from the site: every app sends through `send`, with templates editors can read.

An e-mail is three templates named by one base path, e.g. ``membership/emails/welcome``:
``<base>_subject.txt``, ``<base>.txt`` and ``<base>.html`` (which extends
``chamber/emails/base.html``, the chamber's letterhead). Each app keeps its own under
``templates/<app>/emails/``.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string
from wagtail.models import Site

from chamber.models import ChamberSettings
from chamber.site_url import absolute_url, site_url

logger = logging.getLogger(__name__)


def site_context() -> dict:
    """What every e-mail template may use: the chamber's settings and the site's address
    (SITE_URL, without a trailing slash)."""
    site = Site.objects.filter(is_default_site=True).first()
    chamber = ChamberSettings.for_site(site) if site else None
    return {"chamber": chamber, "site_url": site_url()}


def absolute(path: str) -> str:
    """`path` (from `reverse()`) as a full URL on the site's address, for links in e-mails."""
    return absolute_url(path)


def render_subject(template: str, context: dict) -> str:
    """The subject line from `<template>_subject.txt`, on one line. A subject is plain text,
    never HTML: rendered without autoescaping, so "Smith & Sons" does not arrive as
    "Smith &amp; Sons" (the HTML part escapes as usual)."""
    compiled = get_template(f"{template}_subject.txt").template
    return " ".join(compiled.render(Context(context, autoescape=False)).split())


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(template: str, context: dict) -> Rendered:
    """The three parts of `template` as `send` sends them (and as staff preview them)."""
    context = {**site_context(), **context}
    return Rendered(
        subject=render_subject(template, context),
        text=render_to_string(f"{template}.txt", context),
        html=render_to_string(f"{template}.html", context),
    )


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
    rendered = render(template, context)
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        reply_to=list(reply_to),
    )
    message.attach_alternative(rendered.html, "text/html")
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
