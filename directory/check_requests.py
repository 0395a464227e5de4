"""The yearly "are your listing's details still correct?" e-mail (send_listing_check_requests).

One e-mail per member, naming each of its listings that is due (see
directory.listing_state.listings_due_for_check_request), to its primary contacts. A listing is
marked as asked in the same transaction as the send (chamber.jobs.send_once), so a failed send
is retried by the next run and a sent one is not repeated for a year.
"""

import datetime
from collections import defaultdict
from functools import partial

from django.utils import timezone

from chamber import emails
from chamber.jobs import JobRun, send_once
from directory.account import listings_url
from directory.listing_state import listings_due_for_check_request
from directory.services import listings_mark_check_requested
from membership.models import Member


def send_listing_check_requests(*, now: datetime.datetime | None = None) -> JobRun:
    """Ask each member about its listings that are due; the run lists listing ids."""
    now = now or timezone.now()
    run = JobRun()
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
        context = {"member": member, "listings": listings, "account_url": listings_url(member)}
        send_once(
            run,
            ids,
            recipients=recipients,
            claim=partial(listings_mark_check_requested, business_ids=ids, now=now),
            send=partial(
                emails.send, "directory/emails/listing_check_request", recipients, context
            ),
            description=f"listing check request for member {member.pk}",
        )
    return run
