"""The yearly "are your listing's details still correct?" e-mail (send_listing_check_requests).

One e-mail per member, naming each of its listings that is due (see
directory.listing_state.listings_due_for_check_request), to its primary contacts. A listing is
marked as asked in the same transaction as the send, so a failed send is retried by the next
run and a sent one is not repeated for a year.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from chamber import emails
from directory.listing_state import listings_due_for_check_request
from directory.services import listings_mark_check_requested
from membership.models import Member

logger = logging.getLogger(__name__)


@dataclass
class CheckRequestRun:
    sent: list[int] = field(default_factory=list)  # listing ids
    failed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # their member has no one to e-mail


def send_listing_check_requests(*, now: datetime.datetime | None = None) -> CheckRequestRun:
    now = now or timezone.now()
    run = CheckRequestRun()
    due = defaultdict(list)
    for business in listings_due_for_check_request(now=now).order_by("member_id", "name"):
        due[business.member_id].append(business)
    for member in Member.objects.filter(pk__in=due).order_by("pk"):
        listings = due[member.pk]
        ids = [business.pk for business in listings]
        recipients = (
            sorted(
                {contact.user.email for contact in member.primary_contacts() if contact.user.email}
            )
            or member.billing_emails()
        )
        if not recipients:
            logger.warning("Member %s has no contact to ask about its listings", member.pk)
            run.skipped.extend(ids)
            continue
        context = {
            "member": member,
            "listings": listings,
            "account_url": emails.absolute(
                reverse("account_listings:listings") + f"?member={member.pk}"
            ),
        }
        try:
            with transaction.atomic():
                listings_mark_check_requested(business_ids=ids, now=now)
                emails.send("directory/emails/listing_check_request", recipients, context)
        except Exception:
            # The marks are rolled back with the failed send: the next run tries again.
            logger.exception("Listing check request for member %s failed", member.pk)
            run.failed.extend(ids)
            continue
        run.sent.extend(ids)
    return run
