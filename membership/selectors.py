import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from membership.models.members import FOREVER, Member, MemberContact


def user_is_member_in_good_standing(user) -> bool:
    """Whether `user` represents at least one member in good standing (staff count as one).

    Cached on the user object, so a page asking many times costs one query.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff:
        return True
    cached = getattr(user, "_chamber_good_standing", None)
    if cached is None:
        cached = MemberContact.objects.filter(
            user=user, member__good_standing_until__gte=timezone.localdate()
        ).exists()
        user._chamber_good_standing = cached
    return cached


def member_in_good_standing_for(user, *, preferred_id: int | None = None):
    """The member in good standing on whose behalf `user` acts (e.g. to take up a deal): the
    one preferred (the account area's current choice) if it qualifies, else the first by
    name; None if the user represents none."""
    if not getattr(user, "is_authenticated", False):
        return None
    members = list(
        Member.objects.in_good_standing()
        .filter(contacts__user=user)
        .order_by("name", "pk")
        .distinct()
    )
    preferred = next((member for member in members if member.pk == preferred_id), None)
    return preferred or (members[0] if members else None)


def members_in_good_standing_count() -> int:
    """How many member organisations are in good standing today (the home page's "Join N
    local businesses")."""
    return Member.objects.in_good_standing().count()


def standing_in_words(member: Member, on: datetime.date | None = None) -> str:
    """The member's status and standing as staff read them on its record: "In good standing
    until 31 March 2027", "Active, renews automatically on …", "Lapsed since …"; never a date
    in the year 9999. Worded from the stored standing (`Member.compute_good_standing_until`,
    THE rule) and the status the dates say (`Member.status_on`)."""
    # The annotated (or computed) status of today, unless asked about another day.
    status = member.current_status if on is None else member.status_on(on)
    on = on or timezone.localdate()
    Status = Member.Status
    until = member.good_standing_until
    if member.status == Status.PENDING:
        return _("Pending: not in good standing until its first payment is recorded")
    if member.status == Status.CANCELLED:
        return _("Cancelled: not in good standing")
    if until == FOREVER:
        return _("In good standing, with no end date (honorary, life or staff)")
    if until is None:
        return _("Not in good standing: no paid-through date")
    if until < on:
        return _("Lapsed since %(date)s") % {
            "date": date_format(until + datetime.timedelta(days=1))
        }
    words = {"until": date_format(until), "paid_through": date_format(member.paid_through)}
    if status == Status.ACTIVE:
        if member.renews_automatically and not member.cancel_at_period_end:
            return _("Active, renews automatically on %(paid_through)s") % words
        if member.cancel_at_period_end:
            return (
                _("Active, cancels at the end of the paid period: in good standing until %(until)s")
                % words
            )
        return _("In good standing until %(until)s") % words
    if status == Status.PAST_DUE and member.paid_through < on:
        return _("Past due since %(due)s: in good standing until %(until)s (grace period)") % {
            **words,
            "due": date_format(member.paid_through + datetime.timedelta(days=1)),
        }
    return _("%(status)s: in good standing until %(until)s") % {
        **words,
        "status": Status(status).label,
    }


def renewal_in_words(member: Member) -> str:
    """How the membership renews (`Member.renews_automatically`, the one rule), in words."""
    if member.renews_automatically:
        if member.cancel_at_period_end:
            return _("Card subscription, cancelled: it ends with the paid period")
        return _("Renews automatically (card subscription)")
    if member.no_end_date:
        return _("Nothing to renew: no end date")
    if member.auto_renew:
        return _("Pays by hand (auto-renew is on, but no card subscription renews it)")
    return _("Pays by hand")


def login_state(user) -> str:
    """Whether a contact can log in, and whether they have, for staff."""
    if not user.is_active:
        return _("Account disabled: cannot log in")
    if not user.email:
        return _("No e-mail address: cannot log in or receive e-mail")
    if user.last_login:
        return _("Last logged in %(date)s") % {
            "date": date_format(timezone.localtime(user.last_login))
        }
    if user.has_usable_password():
        return _("Has set a password; never logged in")
    return _("No password yet: the set-password link was not used")
