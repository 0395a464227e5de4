"""Contacts: who represents the member, invitations, roles and removal (/account/contacts/),
and the e-mailed invitation link, which works before log-in.

Every contact and invitation is looked up through the member the user is working on, so
another member's id is a 404.
"""

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from chamber.http import SeeOther
from chamber.ratelimit import allow
from membership.account import contact_services as services
from membership.account.access import account_view, choose_member
from membership.account.contact_forms import InvitationSignUpForm, InviteForm, RoleForm
from membership.models.members import ContactInvitation, MemberContact

# Invitations a member may send a day: enough for a team, too few to spam with.
INVITATIONS_PER_DAY = 20
ROLE_ORDER = {role: index for index, role in enumerate(MemberContact.Role.values)}
LOGIN_BACKEND = "chamber.auth.EmailOrUsernameBackend"


def _contacts_url() -> str:
    return reverse("account:contacts")


def _contacts_context(request, *, invite_form=None) -> dict:
    account = request.account
    member = account.member
    contacts = sorted(
        member.contacts.select_related("user"),
        key=lambda contact: (ROLE_ORDER.get(contact.role, 99), contact.user.get_full_name()),
    )
    context = {
        "account": account,
        "account_section": "contacts",
        "member": member,
        "contacts": contacts,
        "roles": MemberContact.Role.choices,
        "days": services.INVITATION_DAYS,
    }
    if account.can_manage:
        open_invitations = [
            invitation for invitation in member.invitations.all() if invitation.is_open
        ]
        context["invitations"] = open_invitations
        context["invite_form"] = invite_form or InviteForm()
    return context


@account_view
@require_GET
def contact_list(request):
    return TemplateResponse(request, "membership/account/contacts.html", _contacts_context(request))


@account_view(needs="manage")
def contact_invite(request):
    member = request.account.member
    form = InviteForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if not allow(
            "contact_invite", str(member.pk), limit=INVITATIONS_PER_DAY, window_seconds=86_400
        ):
            form.add_error(
                None,
                f"{member.name} has sent {INVITATIONS_PER_DAY} invitations today, the most we "
                "allow in a day. Please try again tomorrow, or ask the chamber office.",
            )
            status = 429
        else:
            try:
                invitation = services.invitation_create(
                    member=member,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    invited_by=request.user,
                )
            except services.ContactError as error:
                form.add_error("email", str(error))
            else:
                messages.success(
                    request,
                    f"We've e-mailed an invitation to {invitation.email}. The link works for "
                    f"{services.INVITATION_DAYS} days.",
                )
                return SeeOther(_contacts_url())
    if form.is_bound and status == 200:
        status = 400
    return TemplateResponse(
        request,
        "membership/account/contact_invite.html",
        {
            "account": request.account,
            "account_section": "contacts",
            "form": form,
            "days": services.INVITATION_DAYS,
        },
        status=status,
    )


@account_view(needs="manage")
@require_POST
def contact_role(request, pk):
    contact = get_object_or_404(
        MemberContact.objects.select_related("user"), member=request.account.member, pk=pk
    )
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the roles.")
        return SeeOther(_contacts_url())
    try:
        contact = services.contact_role_change(
            contact=contact, role=form.cleaned_data["role"], user=request.user
        )
    except services.ContactError as error:
        messages.error(request, str(error))
    else:
        name = contact.user.get_full_name() or contact.user.email
        messages.success(request, f"{name} is now: {contact.get_role_display()}.")
    return SeeOther(_contacts_url())


@account_view(needs="manage")
@require_POST
def contact_remove(request, pk):
    contact = get_object_or_404(
        MemberContact.objects.select_related("user"), member=request.account.member, pk=pk
    )
    name = contact.user.get_full_name() or contact.user.email
    try:
        services.contact_remove(contact=contact, user=request.user)
    except services.ContactError as error:
        messages.error(request, str(error))
        return SeeOther(_contacts_url())
    if contact.user_id == request.user.pk:
        messages.success(request, f"You no longer represent {request.account.member.name}.")
        return SeeOther(reverse("account:dashboard"))
    messages.success(request, f"{name} no longer represents {request.account.member.name}.")
    return SeeOther(_contacts_url())


@account_view(needs="manage")
@require_POST
def invitation_revoke(request, pk):
    invitation = get_object_or_404(ContactInvitation, member=request.account.member, pk=pk)
    if services.invitation_revoke(invitation=invitation, user=request.user):
        messages.success(request, f"The invitation to {invitation.email} was withdrawn.")
    else:
        messages.info(request, f"The invitation to {invitation.email} was no longer open.")
    return SeeOther(_contacts_url())


# The e-mailed link ------------------------------------------------------------------------------


def _invitation_closed(request, invitation, problem):
    """A page that says why the link doesn't work and what to do: 404 for a link that names
    no invitation, 410 for one that did but is spent."""
    return TemplateResponse(
        request,
        "membership/account/invitation_invalid.html",
        {"invitation": invitation, "problem": problem, "days": services.INVITATION_DAYS},
        status=404 if problem == services.INVALID else 410,
    )


def _accepted(request, contact, *, already_there: bool = False):
    choose_member(request, contact.member_id)
    member_name = contact.member.name
    if already_there:
        messages.info(
            request,
            f"You already represent {member_name} ({contact.get_role_display().lower()}).",
        )
    else:
        messages.success(
            request,
            f"Welcome! You now represent {member_name} as {contact.get_role_display().lower()}.",
        )
    return SeeOther(reverse("account:dashboard"))


@never_cache
@sensitive_post_parameters("password1", "password2")
def invitation_accept(request, token):
    invitation, problem = services.invitation_from_token(token)
    user = request.user
    if problem == services.USED and user.is_authenticated and invitation.accepted_by_id == user.pk:
        # Clicking the link again after accepting: nothing to do but go to the account.
        return SeeOther(reverse("account:dashboard"))
    if problem is not None:
        return _invitation_closed(request, invitation, problem)
    if user.is_authenticated:
        return _accept_signed_in(request, invitation)
    if services.existing_user_for(invitation.email) is not None:
        return _ask_to_log_in(request, invitation)
    return _sign_up(request, invitation)


def _accept_signed_in(request, invitation):
    """Accept for the logged-in account, which must be the invited address's: a link that
    reached someone else (forwarded, leaked) links nobody else to the member."""
    user = request.user
    existing = MemberContact.objects.filter(member=invitation.member, user=user).first()
    other_address = not services.for_this_account(invitation, user)
    if request.method == "POST" and not other_address:
        try:
            contact = services.invitation_accept(invitation=invitation, user=user)
        except services.InvitationClosed:
            invitation.refresh_from_db()
            return _invitation_closed(request, invitation, services.invitation_problem(invitation))
        return _accepted(request, contact, already_there=existing is not None)
    return TemplateResponse(
        request,
        "membership/account/invitation_confirm.html",
        {"invitation": invitation, "existing": existing, "other_address": other_address},
        status=403 if other_address and request.method == "POST" else 200,
    )


def _ask_to_log_in(request, invitation):
    login_url = f"{reverse('login')}?{urlencode({'next': request.path})}"
    return TemplateResponse(
        request,
        "membership/account/invitation_login.html",
        {"invitation": invitation, "login_url": login_url},
    )


def _sign_up(request, invitation):
    form = InvitationSignUpForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept_as_new_user(
                invitation=invitation,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except services.AccountExists:
            return _ask_to_log_in(request, invitation)
        except services.InvitationClosed:
            invitation.refresh_from_db()
            return _invitation_closed(request, invitation, services.invitation_problem(invitation))
        login(request, user, backend=LOGIN_BACKEND)
        contact = MemberContact.objects.select_related("member").get(
            member=invitation.member, user=user
        )
        return _accepted(request, contact)
    return TemplateResponse(
        request,
        "membership/account/invitation_signup.html",
        {"invitation": invitation, "form": form},
        status=400 if form.is_bound else 200,
    )
