"""Members' own deals, from their account: new deals and changes as drafts for staff to publish,
withdrawing a deal at once, and the level's limit on how many deals a member may have.

A member never publishes. A new deal starts unpublished with a first revision; a change to an
existing deal is stored as a revision built on a separate instance, and the deal's row learns
only (by UPDATE) which revision is the latest. `Deal.save()` re-indexes the instance it is
called on and the public pages read the row, so saving the row with draft values in memory
would put unpublished text on show (the same reason as in directory/services.py).

The limit is checked with the member's row locked (`select_for_update`), so two posts at once
cannot both take the last place.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from wagtail.actions.unpublish import UnpublishAction
from wagtail.log_actions import log
from wagtail.models import Revision

from chamber import emails
from chamber.allowances import Allowance
from chamber.reviews import review_path
from chamber.revisions import store_revision, waiting_value
from chamber.rich_text import clean_rich_text
from deals.models.deals import Deal
from membership.models import Member

# The form's fields the member's values are written to (categories apart: a relation).
DEAL_FIELDS = (
    "business",
    "title",
    "summary",
    "details",
    "terms",
    "redemption_instructions",
    "code",
    "audience",
    "valid_from",
    "valid_until",
)


class DealLimitReached(Exception):
    """The member already has as many deals as its level allows; nothing was saved."""

    def __init__(self, allowance: "DealAllowance"):
        self.allowance = allowance
        super().__init__(allowance.message)


# The limit ------------------------------------------------------------------------------------


def _ended(valid_until: datetime.datetime | None, at: datetime.datetime) -> bool:
    return valid_until is not None and valid_until < at


def withdrawn(deal: Deal) -> bool:
    """Unpublished, with nothing waiting for staff: what `deal_withdraw` leaves behind."""
    return not deal.live and not deal.has_unpublished_changes


def counts_toward_limit(deal: Deal, *, at: datetime.datetime | None = None) -> bool:
    """THE rule for a deal taking one of the level's places: not withdrawn and not yet ended.

    A deal with changes waiting is judged by the waiting draft (what staff would publish), so
    an ended deal sent back with new dates takes a place as soon as it is sent, not only once
    published; a live deal counts on its own dates as long as it is live.
    """
    at = at or timezone.now()
    if deal.live and not _ended(deal.valid_until, at):
        return True
    return deal.has_unpublished_changes and not _ended(
        waiting_value(deal, "valid_until", parse_datetime), at
    )


def member_deals(member: Member):
    """All deals of the member's businesses, newest first, with what their states need."""
    return Deal.objects.filter(business__member=member).select_related(
        "business", "latest_revision"
    )


class DealAllowance(Allowance):
    @property
    def message(self) -> str:
        if self.allowed == 0:
            return "Your level does not include deals; ask about upgrading."
        return (
            f"You are using {self.used} of {self.allowed} deals your level allows. "
            "Withdraw a deal, or wait until one ends, to add another."
        )


def deal_allowance(member: Member, *, exclude_pk: int | None = None) -> DealAllowance:
    """How many of the level's places the member's deals take (one query, plus the level)."""
    now = timezone.now()
    deals = member_deals(member).exclude(pk=exclude_pk) if exclude_pk else member_deals(member)
    used = sum(1 for deal in deals if counts_toward_limit(deal, at=now))
    return DealAllowance(used=used, allowed=member.level.deals_allowed)


def _lock_member(member: Member) -> Member:
    """The member's row, locked until the transaction ends: the limit is checked and the deal
    written under it, so concurrent submissions are checked one after the other."""
    return Member.objects.select_for_update().get(pk=member.pk)


def _check_limit(member: Member, *, exclude_pk: int | None = None) -> None:
    allowance = deal_allowance(member, exclude_pk=exclude_pk)
    if not allowance.can_add:
        raise DealLimitReached(allowance)


# Writes ---------------------------------------------------------------------------------------


def _notify_staff(*, deal: Deal, title: str, user, is_new: bool, fields: list[str]) -> None:
    context = {
        "deal_title": title,
        "business_name": deal.business.name,
        "member": deal.business.member,
        "submitted_by": user,
        "is_new": is_new,
        "fields": fields,
        "live": deal.live,
        "admin_url": emails.absolute(review_path(deal)),
    }
    emails.notify_staff_once(f"deal:{deal.pk}", "deals/emails/staff_deal_submitted", context)


def _field_labels(names) -> list[str]:
    return [str(Deal._meta.get_field(name).verbose_name) for name in sorted(names)]


@transaction.atomic
def deal_submit_new(*, member: Member, values: dict, user) -> Deal:
    """A member's new deal: saved unpublished with a first revision, for staff to publish.

    `values` maps DEAL_FIELDS and "categories" to model values; the business must be one of
    `member`'s (the form offers no other). Raises DealLimitReached, saving nothing, when the
    member's level has no place left.
    """
    if values["business"].member_id != member.pk:
        raise ValueError("A member offers deals from its own businesses only.")
    member = _lock_member(member)
    _check_limit(member)
    values = dict(values)
    categories = list(values.pop("categories", []))
    deal = Deal(**values, live=False)
    deal.save()
    deal.categories.set(categories)
    deal.save()
    deal.save_revision(user=user, log_action="wagtail.create")
    _notify_staff(deal=deal, title=deal.title, user=user, is_new=True, fields=[])
    return deal


@transaction.atomic
def deal_submit_changes(*, deal: Deal, changes: dict, user) -> Revision:
    """A member's changes to one of their deals, as a draft revision for staff to publish.

    The draft starts from the latest revision, so earlier waiting changes are kept. A deal that
    takes no place now (withdrawn or ended) but would once the changes are published is checked
    against the limit like a new one (DealLimitReached, nothing saved).
    """
    member = _lock_member(deal.business.member)
    if "business" in changes and changes["business"].member_id != member.pk:
        raise ValueError("A member offers deals from its own businesses only.")
    row = Deal.objects.select_for_update().get(pk=deal.pk)
    draft = row.get_latest_revision_as_object()
    for name, value in changes.items():
        if name == "categories":
            draft.categories.set(list(value))
        else:
            setattr(draft, name, value)
    draft.details = clean_rich_text(draft.details)
    ends_in_future = not _ended(draft.valid_until, timezone.now())
    if ends_in_future and not counts_toward_limit(row):
        _check_limit(member, exclude_pk=row.pk)
    revision = store_revision(draft, user=user, waiting=True)
    log(
        instance=row,
        action="wagtail.edit",
        user=user,
        revision=revision,
        data={"fields": sorted(changes), "by_member": True},
    )
    _notify_staff(
        deal=row, title=draft.title, user=user, is_new=False, fields=_field_labels(changes)
    )
    return revision


@transaction.atomic
def deal_withdraw(*, deal: Deal, user) -> bool:
    """The member ends their deal now: unpublished at once (no approval), and any changes
    waiting are taken off staff's list. Returns False when it was withdrawn already."""
    row = Deal.objects.select_for_update().get(pk=deal.pk)
    if withdrawn(row):
        return False
    if row.live:
        # A member has no "publish" permission on deals; taking down their own deal needs none.
        UnpublishAction(row, user=user, log_action=True).execute(skip_permission_checks=True)
    else:
        log(instance=row, action="wagtail.unpublish", user=user, data={"by_member": True})
    # Unpublishing marks the deal as having unpublished changes; a withdrawn deal has none
    # waiting (staff's "Waiting for approval" filter and the member's limit read this flag).
    Deal.objects.filter(pk=row.pk).update(has_unpublished_changes=False)
    return True
