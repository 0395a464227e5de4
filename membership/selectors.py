from django.utils import timezone

from membership.models.members import Member, MemberContact


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
