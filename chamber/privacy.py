"""Who may read a members-only page.

Wagtail's page privacy offers "Private, accessible to logged-in users"; on a chamber's site
that means *members in good standing* (issue #18): a lapsed member, or anyone who merely has an
account, sees a "renew to read" page instead. Staff with access to the admin read everything.

The core does not know what a member is: the membership app registers the rule in its
`ready()` (`register_members_rule`). Without one, any logged-in user may read, as in Wagtail.
"""

from collections.abc import Callable

from wagtail.models import PageViewRestriction

_rule: Callable[[object], bool] | None = None


def register_members_rule(rule: Callable[[object], bool]) -> None:
    global _rule
    _rule = rule


def may_read_members_only(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.has_perm("wagtailadmin.access_admin"):
        return True
    return _rule(user) if _rule is not None else True


def accepts(restriction: PageViewRestriction, request) -> bool:
    """Whether `request` passes `restriction`: Wagtail's own test, and for a log-in
    restriction, the members' rule as well."""
    if restriction.restriction_type == PageViewRestriction.LOGIN:
        return may_read_members_only(request.user)
    return restriction.accept_request(request)
