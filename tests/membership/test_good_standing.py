import datetime

import pytest
from django.utils import timezone

from chamber.models import ChamberSettings
from membership.models import FOREVER, Member
from membership.selectors import user_is_member_in_good_standing
from membership.services import members_refresh_good_standing
from tests.factories import MemberContactFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("status", "paid_through", "expected"),
    [
        (Member.Status.ACTIVE, TODAY - 400 * DAY, True),
        (Member.Status.PAST_DUE, TODAY - 30 * DAY, True),  # last day of grace
        (Member.Status.PAST_DUE, TODAY - 31 * DAY, False),  # first day after grace
        (Member.Status.LAPSED, TODAY - 29 * DAY, True),
        (Member.Status.LAPSED, TODAY - 31 * DAY, False),
        (Member.Status.LAPSED, None, False),
        (Member.Status.PENDING, TODAY + 300 * DAY, False),
        (Member.Status.CANCELLED, TODAY + 300 * DAY, False),
    ],
)
def test_good_standing_rule_at_the_grace_boundaries(site_tree, status, paid_through, expected):
    member = MemberFactory(status=status, paid_through=paid_through)
    assert member.in_good_standing() is expected
    assert Member.objects.in_good_standing().filter(pk=member.pk).exists() is expected


def test_standing_runs_out_by_the_calendar_without_any_job(site_tree):
    member = MemberFactory(status=Member.Status.PAST_DUE, paid_through=TODAY)
    assert member.in_good_standing(on=TODAY + 30 * DAY)
    assert not member.in_good_standing(on=TODAY + 31 * DAY)
    assert not Member.objects.in_good_standing(on=TODAY + 31 * DAY).exists()


def test_changing_the_grace_period_moves_every_members_standing(site_tree):
    late = MemberFactory(status=Member.Status.PAST_DUE, paid_through=TODAY - 20 * DAY)
    active = MemberFactory(status=Member.Status.ACTIVE)
    pending = MemberFactory(status=Member.Status.PENDING)
    chamber = ChamberSettings.for_site(site_tree.site)
    chamber.membership_grace_days = 10
    chamber.save()
    late.refresh_from_db()
    assert late.good_standing_until == TODAY - 10 * DAY
    assert not late.in_good_standing()
    assert Member.objects.get(pk=active.pk).good_standing_until == FOREVER
    assert Member.objects.get(pk=pending.pk).good_standing_until is None


def test_bulk_refresh_agrees_with_the_rule_for_every_status(site_tree):
    members = [
        MemberFactory(status=status, paid_through=paid)
        for status in Member.Status.values
        for paid in (None, TODAY - 45 * DAY, TODAY + 10 * DAY)
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
