import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from chamber.models import ChamberSettings
from membership.models import FOREVER, Member
from membership.selectors import user_is_member_in_good_standing
from membership.services import members_refresh_good_standing
from tests.factories import (
    MemberContactFactory,
    MemberFactory,
    MembershipLevelFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


Status = Member.Status
PAYING = [Status.ACTIVE, Status.PAST_DUE, Status.LAPSED]

# paid_through relative to today, by name: the whole matrix of issue #24.
PAID_THROUGH = {
    "none": None,
    "future": TODAY + 10 * DAY,
    "today": TODAY,
    "last day of grace": TODAY - 30 * DAY,
    "first day after grace": TODAY - 31 * DAY,
    "long ago": TODAY - 400 * DAY,
}
IN_GRACE_OR_PAID = {"future", "today", "last day of grace"}

# The status word the dates say, by stored word and paid_through: never better than stored.
WORD = {
    (Status.ACTIVE, "future"): Status.ACTIVE,
    (Status.ACTIVE, "today"): Status.ACTIVE,
    (Status.ACTIVE, "last day of grace"): Status.PAST_DUE,
    (Status.PAST_DUE, "future"): Status.PAST_DUE,  # a failed card payment says so at once
    (Status.PAST_DUE, "today"): Status.PAST_DUE,
    (Status.PAST_DUE, "last day of grace"): Status.PAST_DUE,
}


def expected(status, paid, no_end_date):
    """(in good standing today, status word today, stored good_standing_until)."""
    if status not in PAYING:
        return False, status, None
    if no_end_date:
        return True, status, FOREVER
    if PAID_THROUGH[paid] is None:
        return False, status, None
    in_standing = paid in IN_GRACE_OR_PAID
    word = WORD.get((status, paid), Status.LAPSED)
    return in_standing, word, PAID_THROUGH[paid] + 30 * DAY


MATRIX = [
    (status, paid, no_end_date)
    for status in Status.values
    for paid in PAID_THROUGH
    for no_end_date in (False, True)
]


@pytest.mark.parametrize(("status", "paid", "no_end_date"), MATRIX)
def test_the_standing_matrix(site_tree, status, paid, no_end_date):
    """Each status x paid_through x honorary: the stored date, the model, the queryset, the bulk
    refresh and the status word (in Python and in SQL) all say the same."""
    in_standing, word, until = expected(status, paid, no_end_date)
    member = MemberFactory(status=status, paid_through=PAID_THROUGH[paid], no_end_date=no_end_date)

    assert member.good_standing_until == until
    assert member.in_good_standing() is in_standing
    assert Member.objects.in_good_standing().filter(pk=member.pk).exists() is in_standing
    assert member.status_on() == word
    assert Member.objects.with_current_status().get(pk=member.pk).current_status == word

    Member.objects.filter(pk=member.pk).update(good_standing_until=TODAY - 999 * DAY)
    members_refresh_good_standing(grace_days=30)
    assert Member.objects.get(pk=member.pk).good_standing_until == until


def test_an_active_member_whose_dues_ran_out_is_not_in_good_standing(site_tree):
    """The demo finding: active, paid through 400 days ago, and no job has run."""
    member = MemberFactory(status=Status.ACTIVE, paid_through=TODAY - 400 * DAY)
    assert member.status == Status.ACTIVE
    assert not member.in_good_standing()
    assert member.current_status == Status.LAPSED


def test_a_paying_member_needs_a_paid_through_date_or_no_end_date(site_tree):
    level = MembershipLevelFactory()
    member = MemberFactory.build(level=level, status=Status.ACTIVE, paid_through=None)
    with pytest.raises(ValidationError) as raised:
        member.full_clean()
    assert "paid_through" in raised.value.message_dict
    member.no_end_date = True
    member.full_clean()
    MemberFactory.build(level=member.level, status=Status.PENDING, paid_through=None).full_clean()


def test_standing_runs_out_by_the_calendar_without_any_job(site_tree):
    member = MemberFactory(status=Member.Status.PAST_DUE, paid_through=TODAY)
    assert member.in_good_standing(on=TODAY + 30 * DAY)
    assert not member.in_good_standing(on=TODAY + 31 * DAY)
    assert not Member.objects.in_good_standing(on=TODAY + 31 * DAY).exists()


def test_changing_the_grace_period_moves_every_members_standing(site_tree):
    late = MemberFactory(status=Member.Status.PAST_DUE, paid_through=TODAY - 20 * DAY)
    active = MemberFactory(status=Member.Status.ACTIVE, paid_through=TODAY - 5 * DAY)
    honorary = MemberFactory(status=Member.Status.ACTIVE, paid_through=None, no_end_date=True)
    pending = MemberFactory(status=Member.Status.PENDING)
    chamber = ChamberSettings.for_site(site_tree.site)
    chamber.membership_grace_days = 10
    chamber.save()
    late.refresh_from_db()
    assert late.good_standing_until == TODAY - 10 * DAY
    assert not late.in_good_standing()
    assert Member.objects.get(pk=active.pk).good_standing_until == TODAY + 5 * DAY
    assert Member.objects.get(pk=honorary.pk).good_standing_until == FOREVER
    assert Member.objects.get(pk=pending.pk).good_standing_until is None


def test_bulk_refresh_agrees_with_the_rule_for_every_status(site_tree):
    members = [
        MemberFactory(status=status, paid_through=paid, no_end_date=no_end_date)
        for status in Member.Status.values
        for paid in (None, TODAY - 45 * DAY, TODAY + 10 * DAY)
        for no_end_date in (False, True)
    ]
    Member.objects.update(good_standing_until=None)  # scramble the stored value
    members_refresh_good_standing(grace_days=30)
    for member in members:
        member.refresh_from_db()
        assert member.good_standing_until == member.compute_good_standing_until(grace_days=30)


def test_user_representing_a_member_in_good_standing(site_tree):
    contact = MemberContactFactory()
    assert user_is_member_in_good_standing(contact.user)
    lapsed = MemberContactFactory(
        member=MemberFactory(status=Member.Status.LAPSED, paid_through=TODAY - 90 * DAY)
    )
    assert not user_is_member_in_good_standing(lapsed.user)
    assert not user_is_member_in_good_standing(UserFactory())
