"""Who represents a member: inviting people, accepting an invitation, roles and removal.

Two rules live here and nowhere else:

- A member always keeps at least one primary contact: the member row is locked while a role
  change or removal is checked, so two primaries can't demote each other at the same moment.
- An invitation works once, within `INVITATION_DAYS`, unless revoked: the e-mailed token is a
  signature over the invitation's id (checked for age too), and accepting locks the row.
"""

import datetime
import logging

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log

from chamber import emails
from membership.account.actions import (
    CONTACT_ADDED,
    CONTACT_INVITED,
    CONTACT_REMOVED,
    CONTACT_ROLE_CHANGED,
    INVITATION_REVOKED,
)
from membership.dues import lock_member
from membership.models.members import ContactInvitation, Member, MemberContact

logger = logging.getLogger(__name__)

Role = MemberContact.Role

INVITATION_SALT = "membership.account.invitation"
INVITATION_DAYS = 7
INVITATION_MAX_AGE = 60 * 60 * 24 * INVITATION_DAYS


class ContactError(Exception):
    """A change the rules refuse; the message is written for the person who asked."""


class InvitationClosed(ContactError):
    """The invitation was used, revoked or expired (perhaps a moment ago, by someone else)."""


class AccountExists(ContactError):
    """An account already uses the invited address: its owner logs in and accepts."""


class WrongAccount(ContactError):
    """The invitation was sent to another address than this account's: only the account of
    the invited address may accept it (whoever else holds the link may not)."""


def for_this_account(invitation: ContactInvitation, user) -> bool:
    return (user.email or "").strip().lower() == invitation.email.strip().lower()


# Why an invitation link doesn't work (None: it does).
INVALID, EXPIRED, USED, REVOKED = "invalid", "expired", "used", "revoked"


def invitation_token(invitation: ContactInvitation) -> str:
    return signing.dumps(invitation.pk, salt=INVITATION_SALT)


def invitation_url(invitation: ContactInvitation) -> str:
    return emails.absolute(
        reverse("account:invitation_accept", args=[invitation_token(invitation)])
    )


def invitation_problem(invitation: ContactInvitation) -> str | None:
    if invitation.accepted_at is not None:
        return USED
    if invitation.revoked_at is not None:
        return REVOKED
    if invitation.expires_at <= timezone.now():
        return EXPIRED
    return None


def invitation_from_token(token: str) -> tuple[ContactInvitation | None, str | None]:
    """The invitation a token names and why it can't be used (None when it can).

    A genuine but too old signature still names its invitation, so the page can say whose
    invitation expired; a forged or garbled one names nothing.
    """
    try:
        invitation_id = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
        too_old = False
    except signing.SignatureExpired:
        invitation_id = signing.loads(token, salt=INVITATION_SALT)
        too_old = True
    except signing.BadSignature:
        return None, INVALID
    if not isinstance(invitation_id, int):
        return None, INVALID
    invitation = (
        ContactInvitation.objects.select_related("member", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        return None, INVALID
    problem = invitation_problem(invitation)
    if problem is None and too_old:
        problem = EXPIRED
    return invitation, problem


def existing_user_for(email: str):
    """The account an invited address already belongs to (as e-mail or username), if any."""
    users = get_user_model()._default_manager
    return users.filter(Q(email__iexact=email) | Q(username__iexact=email)).order_by("pk").first()


@transaction.atomic
def invitation_create(*, member: Member, email: str, role: str, invited_by) -> ContactInvitation:
    """Invite `email` to represent `member` with `role`, and e-mail the link.

    An open invitation to the same address is replaced (its link stops working), so sending
    again is how a lost or expired e-mail is resent.
    """
    email = email.strip().lower()
    member = lock_member(member.pk)
    if MemberContact.objects.filter(member=member, user__email__iexact=email).exists():
        raise ContactError(f"{email} already represents {member.name}.")
    now = timezone.now()
    replaced = ContactInvitation.objects.filter(
        member=member,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
    ).update(revoked_at=now)
    invitation = ContactInvitation.objects.create(
        member=member,
        email=email,
        role=role,
        invited_by=invited_by,
        expires_at=now + datetime.timedelta(days=INVITATION_DAYS),
    )
    log(
        instance=member,
        action=CONTACT_INVITED,
        user=invited_by,
        data={"email": email, "role": role, "replaced": replaced},
    )
    send_invitation(invitation)
    return invitation


def send_invitation(invitation: ContactInvitation) -> None:
    context = {
        "invitation": invitation,
        "member": invitation.member,
        "inviter": invitation.invited_by,
        "accept_url": invitation_url(invitation),
        "days": INVITATION_DAYS,
    }
    emails.send("membership/emails/contact_invitation", [invitation.email], context)


@transaction.atomic
def invitation_revoke(*, invitation: ContactInvitation, user) -> bool:
    """Withdraw an open invitation; False if it was no longer open."""
    updated = ContactInvitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    if updated:
        log(
            instance=invitation.member,
            action=INVITATION_REVOKED,
            user=user,
            data={"email": invitation.email, "role": invitation.role},
        )
    return bool(updated)


@transaction.atomic
def invitation_accept(*, invitation: ContactInvitation, user) -> MemberContact:
    """Link `user` to the invitation's member with its role; the invitation is used up.

    Someone who already represents the member keeps the role they have: an invitation never
    demotes (it could otherwise take away the last primary contact).
    """
    locked = ContactInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation_problem(locked) is not None:
        raise InvitationClosed("This invitation can no longer be used.")
    if not for_this_account(locked, user):
        raise WrongAccount("This invitation was sent to another e-mail address.")
    contact, created = MemberContact.objects.get_or_create(
        member_id=locked.member_id, user=user, defaults={"role": locked.role}
    )
    locked.accepted_at = timezone.now()
    locked.accepted_by = user
    locked.save(update_fields=["accepted_at", "accepted_by"])
    if created:
        log(
            instance=locked.member,
            action=CONTACT_ADDED,
            user=user,
            data={"email": user.email, "role": contact.role, "invitation": locked.pk},
        )
        send_contact_added(contact, locked)
    return contact


@transaction.atomic
def invitation_accept_as_new_user(
    *, invitation: ContactInvitation, first_name: str, last_name: str, password: str
):
    """Create the invited person's account (username: the lower-cased address, as when a
    member joins), with their password, and accept the invitation for it."""
    if existing_user_for(invitation.email) is not None:
        raise AccountExists("An account with this e-mail address already exists.")
    email = invitation.email.lower()
    try:
        with transaction.atomic():  # a savepoint: someone may take the username meanwhile
            user = get_user_model()._default_manager.create_user(
                username=email[:150],
                email=email,
                password=password,
                first_name=first_name[:150],
                last_name=last_name[:150],
            )
    except IntegrityError:
        raise AccountExists("An account with this e-mail address already exists.") from None
    invitation_accept(invitation=invitation, user=user)
    return user


def send_contact_added(contact: MemberContact, invitation: ContactInvitation) -> None:
    """Tell whoever sent the invitation that it was accepted."""
    inviter = invitation.invited_by
    if inviter is None or not inviter.email or inviter.pk == contact.user_id:
        return
    context = {
        "contact": contact,
        "member": contact.member,
        "invitation": invitation,
        "contacts_url": emails.absolute(reverse("account:contacts")),
    }
    emails.send("membership/emails/contact_added", [inviter.email], context)


def _other_primary_exists(contact: MemberContact) -> bool:
    return (
        MemberContact.objects.filter(member_id=contact.member_id, role=Role.PRIMARY)
        .exclude(pk=contact.pk)
        .exists()
    )


@transaction.atomic
def contact_role_change(*, contact: MemberContact, role: str, user) -> MemberContact:
    """Give `contact` another role; refused when it would leave no primary contact."""
    member = lock_member(contact.member_id)
    contact = MemberContact.objects.select_related("user").get(pk=contact.pk)
    old_role = contact.role
    if role == old_role:
        return contact
    if old_role == Role.PRIMARY and not _other_primary_exists(contact):
        raise ContactError(
            f"{member.name} needs at least one primary contact: make someone else primary first."
        )
    contact.role = role
    contact.save(update_fields=["role"])
    log(
        instance=member,
        action=CONTACT_ROLE_CHANGED,
        user=user,
        data={"email": contact.user.email, "from": old_role, "to": role},
    )
    return contact


@transaction.atomic
def contact_remove(*, contact: MemberContact, user) -> None:
    """Stop `contact` representing the member (their login stays); the last primary contact
    can't be removed."""
    member = lock_member(contact.member_id)
    contact = MemberContact.objects.select_related("user").filter(pk=contact.pk).first()
    if contact is None:
        return
    if contact.role == Role.PRIMARY and not _other_primary_exists(contact):
        raise ContactError(
            f"{member.name} needs at least one primary contact: make someone else primary "
            "before removing this one."
        )
    data = {"email": contact.user.email, "role": contact.role}
    contact.delete()
    log(instance=member, action=CONTACT_REMOVED, user=user, data=data)
