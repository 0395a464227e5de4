"""Staff decisions on applications (the offline path: apply, approve, record a payment)."""

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from chamber import emails
from membership.checkout import create_member_from_application, set_password_url
from membership.models.applications import Application
from membership.models.members import Member

APPLICATION_APPROVED = "membership.application_approved"
APPLICATION_REJECTED = "membership.application_rejected"

DECIDABLE = (Application.Status.SUBMITTED, Application.Status.AWAITING_PAYMENT)


class DecisionError(Exception):
    """The application was already decided (or paid) and cannot be decided again."""


def _locked(application_id: int) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("level", "primary_category")
        .get(pk=application_id)
    )


@transaction.atomic
def approve_application(application: Application, *, user, note: str = "") -> Member:
    """Create the member (pending until its first payment is recorded), its primary contact and
    a draft listing, and e-mail the applicant a set-password link. Paid applications already
    have a member: approving one only records the decision."""
    application = _locked(application.pk)
    if application.status not in (*DECIDABLE, Application.Status.PAID):
        raise DecisionError(f"This application is already {application.get_status_display()}.")
    new_user = False
    if application.member_id is None:
        member, new_user = create_member_from_application(
            application, status=Member.Status.PENDING, user=user
        )
    else:
        member = application.member
    application.status = Application.Status.APPROVED
    application.decided_by = user
    application.decided_at = timezone.now()
    application.decision_note = note
    application.save()
    log(instance=application, action=APPLICATION_APPROVED, user=user, data={"note": note})
    contact = member.primary_contacts().first()
    context = {
        "application": application,
        "member": member,
        "decision_note": note,
        "set_password_url": set_password_url(contact.user) if contact and new_user else "",
    }
    emails.send("membership/emails/application_approved", [application.email], context)
    return member


@transaction.atomic
def reject_application(application: Application, *, user, note: str = "") -> Application:
    application = _locked(application.pk)
    if application.status not in DECIDABLE:
        raise DecisionError(f"This application is already {application.get_status_display()}.")
    application.status = Application.Status.REJECTED
    application.decided_by = user
    application.decided_at = timezone.now()
    application.decision_note = note
    application.save()
    log(instance=application, action=APPLICATION_REJECTED, user=user, data={"note": note})
    context = {"application": application, "decision_note": note}
    emails.send("membership/emails/application_rejected", [application.email], context)
    return application
