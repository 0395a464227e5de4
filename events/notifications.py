"""E-mails about the events members submit (events/submissions.py): sent back by the review
queue with the chamber office's reason."""

from django.urls import reverse

from chamber import emails


def event_sent_back(*, obj, revision, reason: str, user) -> list[str]:
    """The review queue's notice (chamber/reviews.py `send_back_notice`). Returns the
    recipients: the member's primary contacts and whoever submitted the event."""
    member = obj.organiser.member
    recipients = member.notice_emails(author_id=revision.user_id)
    emails.send(
        "events/emails/event_sent_back",
        recipients,
        {
            "event_title": revision.object_str or obj.title,
            "member": member,
            "reason": reason,
            "account_url": emails.absolute(reverse("account_events:events")),
        },
    )
    return recipients
