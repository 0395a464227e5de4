"""E-mail to a member when staff publish the listing changes the member sent for review, or
send them back from the review queue with a reason."""

from django.dispatch import receiver
from django.urls import reverse
from wagtail.models import ModelLogEntry
from wagtail.signals import published

from chamber import emails
from directory.actions import LISTING_CHANGES_SUBMITTED, LISTING_CHANGES_WITHDRAWN
from directory.models.listings import Business
from directory.models.pages import DirectoryPage

# The entries that open and close a member's wait for review.
REVIEW_EVENTS = (LISTING_CHANGES_SUBMITTED, LISTING_CHANGES_WITHDRAWN, "wagtail.publish")


def waiting_submission(business: Business) -> ModelLogEntry | None:
    """The member's submission this publication answers: the listing's latest review event,
    if that is a submission that waited for staff (not one that went live at once).

    Staff usually publish from the admin's edit form, which saves their own revision first, so
    the published revision's author says nothing about who asked; the log does. Called while
    publishing, before this publication's own entry is written.
    """
    latest = (
        ModelLogEntry.objects.for_instance(business)
        .filter(action__in=REVIEW_EVENTS)
        .order_by("-timestamp", "-pk")
        .first()
    )
    if latest is None or latest.action != LISTING_CHANGES_SUBMITTED:
        return None
    return latest if latest.data.get("review", True) else None


@receiver(published, sender=Business, dispatch_uid="directory_listing_published_mail")
def listing_published(sender, instance, revision=None, **kwargs):
    submission = waiting_submission(instance)
    if submission is None:
        return
    member = instance.member
    recipients = member.notice_emails(author_id=submission.user_id)
    directory = DirectoryPage.objects.live().first()
    listed = Business.objects.publicly_listed().filter(pk=instance.pk).exists()
    context = {
        "business": instance,
        "member": member,
        "public_url": directory.business_url(instance, full=True) if directory and listed else "",
        "account_url": emails.absolute(
            reverse("account_listings:listings") + f"?member={member.pk}"
        ),
    }
    emails.send("directory/emails/listing_published", recipients, context)


def listing_sent_back(*, obj: Business, revision, reason: str, user) -> list[str]:
    """The review queue's notice (chamber/reviews.py `send_back_notice`): staff sent the
    member's changes back with `reason`; the draft waits for them to fix. Returns the
    recipients."""
    member = obj.member
    recipients = member.notice_emails(author_id=revision.user_id)
    context = {
        "business": obj,
        "listing_name": revision.object_str or obj.name,
        "member": member,
        "reason": reason,
        "is_new": not obj.live,
        "edit_url": emails.absolute(
            reverse("account_listings:listing_edit", args=[obj.slug]) + f"?member={member.pk}"
        ),
    }
    emails.send("directory/emails/listing_sent_back", recipients, context)
    return recipients
