"""Writes to the directory that other apps ask for: a new member's first listing, and members'
own changes to their listings (drafts for staff review, withdrawal, "details still correct").

A member's changes never touch the listing's row until they are published. `Business.save()`
re-indexes the instance it is called on, so saving the row with draft values in memory would put
unpublished text into the public search; drafts are therefore written as revisions built on a
separate instance, and the row only learns (by UPDATE) which revision is the latest.
"""

import datetime
from dataclasses import dataclass
from email.utils import formataddr

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import Revision

from chamber import emails
from chamber.reviews import review_path
from chamber.revisions import store_revision
from chamber.rich_text import clean_rich_text
from chamber.selectors import default_chamber_settings
from chamber.storage import AWAITING_REVIEW, make_public
from directory.actions import (
    LISTING_CHANGES_SUBMITTED,
    LISTING_CHANGES_WITHDRAWN,
    LISTING_CONTACT_FORM_SWITCHED,
    LISTING_DETAILS_CONFIRMED,
)
from directory.models.contact import KEPT_FOR, ContactMessage
from directory.models.listings import Business

# Where members' logos go in the image library (directory/account/forms.py puts them there).
LOGO_COLLECTION = "Member logos"

# Kept on the listing's row whatever a revision says: the office's records, and the member's
# own switch for the contact form (which takes effect at once, without review).
ROW_FIELDS = ("verified_at", "verification_requested_at", "accepts_messages")


@transaction.atomic
def listing_create_from_application(member, application) -> Business:
    """A new member's first listing, filled in from its application (see `listing_create`)."""
    return listing_create(
        member=member,
        fields={
            "name": application.organisation_name,
            "street": application.street,
            "city": application.city,
            "region": application.region,
            "postcode": application.postcode,
            "country": application.country,
            "phone": application.phone,
            "email": application.email,
            "website": application.website,
        },
        category_ids=[application.primary_category_id] if application.primary_category_id else [],
    )


@transaction.atomic
def listing_create(
    *, member, fields: dict, category_ids=(), publish: bool | None = None, user=None
) -> Business:
    """A new listing of `member` with `fields` (model field name -> value) and categories.

    It is saved as a draft revision, then published when `publish` says so; by default (None)
    it goes live at once unless the chamber's settings say new listings need staff approval
    (then staff publish it from the admin). The roster import chooses for itself.
    """
    if publish is None:
        chamber = default_chamber_settings()
        publish = not (chamber.new_listings_need_approval if chamber else True)
    listing = Business(member=member, live=False, **fields)
    listing.save()
    if category_ids:
        listing.categories.set(list(category_ids))
        if not publish:  # publishing saves it again: one search-index update, not two
            listing.save()
    revision = listing.save_revision(user=user, log_action=True)
    if publish:
        # Whoever caused it (an approved application, a roster import) decided already.
        revision.publish(user=user, log_action=True, skip_permission_checks=True)
    return listing


def changes_need_approval(business: Business) -> bool:
    """Whether a member's changes to `business` wait for staff, per the chamber's settings.

    A published listing follows "members' listing changes need approval". One never published
    goes public for the first time, so both that and "new listings need approval" must be off.
    One that staff unpublished stays off the directory until staff publish it again.
    """
    chamber = default_chamber_settings()
    if chamber is None:
        return True
    if business.live:
        return chamber.member_edits_need_approval
    if business.first_published_at is None:
        return chamber.member_edits_need_approval or chamber.new_listings_need_approval
    return True


@transaction.atomic
def listing_draft_save(*, business_id: int, changes: dict, user=None) -> Revision:
    """Record `changes` (model field name → value) as the listing's newest draft revision.

    The draft starts from the latest revision, so earlier waiting changes are kept; the listing's
    row, and so its public page and search entry, stay as they are.
    """
    row = Business.objects.select_for_update().get(pk=business_id)
    draft = row.get_latest_revision_as_object()
    for name in ROW_FIELDS:
        setattr(draft, name, getattr(row, name))
    for name, value in changes.items():
        setattr(draft, name, value)
    draft.description = clean_rich_text(draft.description)
    return store_revision(draft, user=user, waiting=True)


@dataclass(frozen=True)
class SubmittedChanges:
    revision: Revision
    published: bool  # live at once (the settings needed no approval)


@transaction.atomic
def listing_submit_changes(*, business: Business, changes: dict, user) -> SubmittedChanges:
    """A member's edit of their listing: a draft for staff to publish, or live at once when the
    chamber's settings need no approval. Staff are e-mailed either way. A logo uploaded for
    an earlier draft that this one replaces is deleted."""
    revision = listing_draft_save(business_id=business.pk, changes=changes, user=user)
    needs_approval = changes_need_approval(business)
    # Logged before publishing: the "published" e-mail to the member reads this entry to tell
    # staff approval (review=True) from going live at once.
    log(
        instance=business,
        action=LISTING_CHANGES_SUBMITTED,
        user=user,
        revision=revision,
        data={"fields": sorted(changes), "review": needs_approval},
    )
    if needs_approval:
        drop_unwanted_logos()
    else:  # publishing drops them (listing_published)
        revision.publish(user=user, skip_permission_checks=True)
    context = {
        "business": business,
        "listing_name": revision.object_str,
        "member": business.member,
        "submitted_by": user,
        "fields": [str(Business._meta.get_field(name).verbose_name) for name in sorted(changes)],
        "published": not needs_approval,
        # Waiting: its page in the review queue; live already: the listing in the admin.
        "admin_url": emails.absolute(
            review_path(business)
            if needs_approval
            else reverse("wagtailsnippets_directory_business:edit", args=[business.pk])
        ),
    }
    emails.notify_staff_once(
        f"listing:{business.pk}", "directory/emails/staff_listing_changes", context
    )
    return SubmittedChanges(revision=revision, published=not needs_approval)


@transaction.atomic
def listing_withdraw_changes(*, business: Business, user) -> bool:
    """Take back the changes waiting on a published listing: the listing is as it is live.

    The withdrawn draft stays in the history; a new revision copying the live listing becomes
    the latest, so staff editing it next start from what is public. A listing never published
    has nothing to go back to, so it is left as it is (and False returned), like one with no
    changes waiting.
    """
    row = Business.objects.select_for_update().get(pk=business.pk)
    if not (row.live and row.has_unpublished_changes):
        return False
    withdrawn_id = row.latest_revision_id
    revision = store_revision(row, user=user, waiting=False)
    drop_unwanted_logos()
    log(
        instance=row,
        action=LISTING_CHANGES_WITHDRAWN,
        user=user,
        revision=revision,
        data={"withdrawn_revision": withdrawn_id},
    )
    return True


def listing_published(business: Business) -> None:
    """A listing was published (by staff, or at once when no approval is needed): its logo,
    private while it waited for review, becomes public, and logos no draft wants any more go."""
    if business.logo_id:
        make_public(business.logo)
    drop_unwanted_logos()


def drop_unwanted_logos() -> int:
    """Delete members' uploaded logos still waiting for review that neither a listing nor the
    latest draft of one names: replaced by a later upload, withdrawn, or left out when staff
    published the listing. Only private uploads in the members' logo collection are touched,
    never an image staff chose; Wagtail deletes the files once the transaction commits. Older
    revisions that named one show no logo. Returns how many were deleted."""
    waiting = get_image_model().objects.filter(
        collection__name=LOGO_COLLECTION, file__contains=f"/{AWAITING_REVIEW}"
    )
    if not waiting.exists():
        return 0
    drafts = Revision.objects.filter(pk__in=Business.objects.values("latest_revision"))
    wanted = {
        *drafts.exclude(content__logo=None).values_list("content__logo", flat=True),
        *Business.objects.exclude(logo=None).values_list("logo_id", flat=True),
    }
    unwanted = list(waiting.exclude(pk__in=wanted))
    for image in unwanted:
        image.delete()
    return len(unwanted)


def _stamp(business_ids, **values) -> None:
    """Set office fields (ROW_FIELDS) on listings' rows and on any draft waiting to be
    published, which would otherwise put back the old values. No re-index: none is searched.
    """
    Business.objects.filter(pk__in=business_ids).update(**values)
    waiting = Business.objects.filter(
        pk__in=business_ids, has_unpublished_changes=True, latest_revision__isnull=False
    ).select_related("latest_revision")
    for business in waiting:
        revision = business.latest_revision
        draft = revision.as_object()
        for name, value in values.items():
            setattr(draft, name, value)
        revision.content = draft.serializable_data()
        revision.save(update_fields=["content"])


@transaction.atomic
def listing_confirm_details(*, business: Business, user) -> datetime.datetime:
    """The member says the listing's details are still correct ("Details confirmed <date>")."""
    now = timezone.now()
    _stamp([business.pk], verified_at=now)
    log(instance=business, action=LISTING_DETAILS_CONFIRMED, user=user)
    business.verified_at = now
    return now


@transaction.atomic
def listings_mark_check_requested(*, business_ids, now: datetime.datetime) -> None:
    """The member was asked to confirm these listings' details (at most once a year)."""
    _stamp(list(business_ids), verification_requested_at=now)


@transaction.atomic
def listing_set_accepts_messages(*, business: Business, accepts: bool, user) -> None:
    """The member turns the listing's contact form on or off: at once, without staff review
    (it changes nothing the public reads about the business)."""
    _stamp([business.pk], accepts_messages=accepts)
    log(
        instance=business,
        action=LISTING_CONTACT_FORM_SWITCHED,
        user=user,
        data={"accepts_messages": accepts},
    )
    business.accepts_messages = accepts


def _keyed_hash(kind: str, value: str) -> str:
    return salted_hmac(f"directory.contact.{kind}", value, algorithm="sha256").hexdigest()


@transaction.atomic
def contact_message_send(
    *,
    business: Business,
    sender_name: str,
    sender_email: str,
    message: str,
    client_address: str | None,
    listing_url: str,
) -> ContactMessage:
    """E-mail a visitor's message to the listing's address, answerable by replying, and log it
    (the message text itself is not kept: directory/models/contact.py says why). Logs older
    than KEPT_FOR go at the same time, so no job is needed to keep the table short."""
    ContactMessage.objects.filter(sent_at__lt=timezone.now() - KEPT_FOR).delete()
    logged = ContactMessage.objects.create(
        business=business,
        sender_name=sender_name,
        sender_email=sender_email,
        ip_hash=_keyed_hash("ip", client_address) if client_address else "",
        message_digest=_keyed_hash("message", " ".join(message.lower().split())),
        message_length=len(message),
    )
    emails.send(
        "directory/emails/contact_message",
        [business.email],
        {
            "business": business,
            "sender_name": sender_name,
            "sender_email": sender_email,
            "message": message,
            # Every line marked as theirs, so nothing typed can pass for the chamber's words.
            "quoted_message": "\n".join(f"> {line}" for line in message.splitlines()),
            "listing_url": listing_url,
            "account_url": emails.absolute(
                reverse("account_listings:listing_edit", args=[business.slug])
            ),
        },
        reply_to=[formataddr((sender_name, sender_email))],
    )
    return logged
