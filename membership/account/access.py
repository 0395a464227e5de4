"""Who may do what in the account area: the one place every /account/ view asks.

A user reaches a member only through a `MemberContact` row. Every object an account view
shows (payment, listing, contact, invitation) is looked up *through* the members the user
represents, so another member's id or slug is a 404, never a permission error that confirms
it exists.
"""

import functools
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache

from membership.account.sections import Section, sections_for
from membership.models.members import Member, MemberContact

SESSION_KEY = "account_member_id"

# What each role may do, beyond seeing the dashboard and editing listings (everyone may).
PAYING_ROLES = {MemberContact.Role.PRIMARY, MemberContact.Role.BILLING}
MANAGING_ROLES = {MemberContact.Role.PRIMARY}


@dataclass
class Account:
    """The signed-in user's view of the account area: the member chosen and the others."""

    user: object
    contact: MemberContact
    contacts: list[MemberContact] = field(default_factory=list)

    @property
    def member(self) -> Member:
        return self.contact.member

    @property
    def role(self) -> str:
        return self.contact.role

    @property
    def can_pay(self) -> bool:
        """Pay dues, see receipts, manage billing and auto-renewal."""
        return self.role in PAYING_ROLES

    @property
    def can_manage(self) -> bool:
        """Invite and remove contacts, ask for a level change."""
        return self.role in MANAGING_ROLES

    @property
    def member_ids(self) -> list[int]:
        return [contact.member_id for contact in self.contacts]

    def contact_for(self, member_id: int) -> MemberContact | None:
        return next((c for c in self.contacts if c.member_id == member_id), None)

    @property
    def sections(self) -> list[Section]:
        """The account area's menu for this user's role."""
        return sections_for(self)


def account_for(request) -> Account | None:
    """The members `request.user` represents, and the one chosen: `?member=<id>` (from an
    e-mail link), else the session's choice, else the first by name."""
    contacts = list(
        MemberContact.objects.filter(user=request.user)
        .select_related("member__level")
        .order_by("member__name", "member_id")
    )
    if not contacts:
        return None
    account = Account(user=request.user, contact=contacts[0], contacts=contacts)
    asked = request.GET.get("member", "")
    if asked.isdigit() and account.contact_for(int(asked)):
        # An explicit choice (a link in an e-mail about one member) sticks for the session.
        request.session[SESSION_KEY] = int(asked)
    account.contact = account.contact_for(request.session.get(SESSION_KEY)) or contacts[0]
    return account


def choose_member(request, member_id: int) -> bool:
    """Make `member_id` the member the account area shows, if the user represents it."""
    if not MemberContact.objects.filter(user=request.user, member_id=member_id).exists():
        return False
    request.session[SESSION_KEY] = member_id
    return True


def account_view(view=None, *, needs=None):
    """Log-in required; `request.account` set; users who represent no member get a helpful
    page. `needs="pay"` or `"manage"` limits the view to those roles (others get a 403 page
    that says who can)."""

    def decorate(view):
        @never_cache
        @login_required
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            account = account_for(request)
            if account is None:
                return TemplateResponse(request, "membership/account/no_member.html", {})
            if (needs == "pay" and not account.can_pay) or (
                needs == "manage" and not account.can_manage
            ):
                return TemplateResponse(
                    request,
                    "membership/account/not_allowed.html",
                    {"account": account, "needs": needs},
                    status=403,
                )
            request.account = account
            return view(request, *args, **kwargs)

        return wrapped

    return decorate(view) if view is not None else decorate
