"""Applications: taking one from /join/ (once per address, and never telling a stranger who is
a member), and staff decisions on them (the offline path: apply, approve, record a payment)."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log

from chamber import emails
from membership.checkout import create_member_from_application
from membership.models.applications import APPLICANT_FIELDS, OPEN_STATUSES, Application
from membership.models.members import Member
from membership.tokens import set_password_url

APPLICATION_APPROVED = "membership.application_approved"
APPLICATION_REJECTED = "membership.application_rejected"

DECIDABLE = OPEN_STATUSES  # staff approve or reject only an open application


def current_members():
    return Member.objects.exclude(status=Member.Status.CANCELLED)


def member_with_contact_email(email: str) -> Member | None:
    """A current member one of whose contacts logs in with `email`."""
    users = get_user_model().objects.filter(email__iexact=email)
    return current_members().filter(contacts__user__in=users).first()


@dataclass(frozen=True)
class Submitted:
    application: Application | None  # None: the address belongs to a member; nothing stored
    outcome: str  # "new", "merged" (into the open application of the same address), "member"


def submit_application(application: Application, *, notify: bool) -> Submitted:
    """Take an (unsaved) application from /join/. The answer to the applicant is the same in
    every case, so the form says nothing about who is a member:

    - its address belongs to a current member's contact: nothing is stored, and the address's
      holder is e-mailed how to log in or reset the password;
    - an open application with the same address exists (sent twice, or twenty times at once):
      it is updated with what was typed this time, and no e-mail goes again;
    - otherwise it is saved and, with `notify` (no online payment), the applicant and the
      staff are e-mailed, in the same transaction.
    """
    with transaction.atomic():
        if member_with_contact_email(application.email) is not None:
            emails.send(
                "membership/emails/already_member",
                [application.email],
                {
                    "login_url": emails.absolute(reverse("login")),
                    "reset_url": emails.absolute(reverse("password_reset")),
                },
            )
            return Submitted(None, "member")
        try:
            with transaction.atomic():  # a savepoint: a twin sent at the same moment may win
                application.save()
        except IntegrityError:
            existing = (
                Application.objects.select_for_update()
                .filter(email__iexact=application.email, status__in=OPEN_STATUSES)
                .first()
            )
            if existing is None:  # decided in between: try once more as new
                application.save()
            else:
                for name in (*APPLICANT_FIELDS, "level", "submitted_from"):
                    setattr(existing, name, getattr(application, name))
                existing.save()
                return Submitted(existing, "merged")
        if notify:
            send_application_received(application)
        return Submitted(application, "new")


def send_application_received(application: Application) -> None:
    context = {"application": application}
    emails.send("membership/emails/application_received", [application.email], context)
    emails.send("membership/emails/staff_new_application", emails.staff_recipients(), context)


def duplicate_of_a_member(application: Application) -> str:
    """Why approving would make a second member ("" if it would not)."""
    if member_with_contact_email(application.email) is not None:
        return f"{application.email} is already a contact of a current member."
    name = current_members().filter(name__iexact=application.organisation_name).first()
    if name is not None:
        return f"{name.name} is already a member."
    return ""


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
    if application.member_id is None and (duplicate := duplicate_of_a_member(application)):
        raise DecisionError(
            f"{duplicate} Add the applicant as a contact of that member, or reject this one."
        )
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
