"""E-mails to the offering member: when a deal first goes live, when staff send a new deal or
changes back from the review queue, and 3 days before it ends.

Each is recorded as a `DealNotice` (unique per deal and kind), so it goes at most once per
deal, however often staff re-publish or the reminder command runs.
"""

import datetime
from functools import partial

from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from wagtail.signals import published

from chamber import emails
from chamber.jobs import JobRun, send_once
from deals.models.deals import Deal, DealNotice
from deals.selectors import deals_page

EXPIRY_NOTICE = datetime.timedelta(days=3)


def _context(deal) -> dict:
    page = deals_page()
    member = deal.business.member
    return {
        "deal": deal,
        "member": member,
        "public_url": page.deal_url(deal, full=True) if page else "",
        "account_url": emails.absolute(reverse("account_deals:deals") + f"?member={member.pk}"),
    }


@receiver(published, sender=Deal, dispatch_uid="deals_deal_published_mail")
def deal_published(sender, instance, **kwargs):
    """The first publication of a deal tells the member it is approved (and from when it
    shows); later re-publications of edits don't repeat it."""
    try:
        with transaction.atomic():
            DealNotice.objects.create(deal=instance, kind=DealNotice.Kind.LIVE)
    except IntegrityError:
        return
    recipients = instance.business.member.notice_emails()
    context = {**_context(instance), "starts_later": instance.valid_from > timezone.now()}
    emails.send("deals/emails/deal_live", recipients, context)


def deal_sent_back(*, obj: Deal, revision, reason: str, user) -> list[str]:
    """The review queue's notice (chamber/reviews.py `send_back_notice`): staff sent the new
    deal or the changes back with `reason`; the draft waits for the member to fix it. Returns
    the recipients."""
    member = obj.business.member
    recipients = member.notice_emails(author_id=revision.user_id)
    context = {
        "deal": obj,
        "deal_title": revision.object_str or obj.title,
        "member": member,
        "reason": reason,
        "is_new": not obj.live,
        "edit_url": emails.absolute(
            reverse("account_deals:deal_edit", args=[obj.slug]) + f"?member={member.pk}"
        ),
    }
    emails.send("deals/emails/deal_sent_back", recipients, context)
    return recipients


def deals_due_expiry_notice(now: datetime.datetime):
    """Deals on show that end within 3 days and have not had their notice."""
    return (
        Deal.objects.shown(now)
        .filter(valid_until__lte=now + EXPIRY_NOTICE)
        .exclude(notices__kind=DealNotice.Kind.EXPIRING)
        .select_related("business__member")
        .order_by("valid_until", "pk")
    )


def send_deal_expiry_reminders(now: datetime.datetime | None = None) -> JobRun:
    """E-mail each deal's member once, 3 days (or less, for a deal that started late) before
    the deal ends (chamber.jobs.send_once: a failed send is not recorded, so the next run tries
    again). The run lists deals."""
    now = now or timezone.now()
    run = JobRun()
    for deal in deals_due_expiry_notice(now):
        recipients = deal.business.member.notice_emails()
        send_once(
            run,
            [deal],
            recipients=recipients,
            claim=partial(
                DealNotice.objects.create, deal=deal, kind=DealNotice.Kind.EXPIRING, sent_at=now
            ),
            send=partial(
                emails.send,
                "deals/emails/deal_expiring",
                recipients,
                {**_context(deal), "ends": deal.valid_until},
            ),
            description=f"expiry notice of deal {deal.pk}",
        )
    return run
