"""Migration membership 0006 (and directory 0010) date the standing of existing members, as a
database from before issue #24 holds it: every active member stored "in good standing forever"."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone
from wagtail.models import ModelLogEntry

from directory.models import Business
from membership.models import FOREVER, Member
from tests.factories import BusinessFactory, MemberFactory

pytestmark = pytest.mark.django_db

DATE_STANDING = importlib.import_module("membership.migrations.0006_standing_by_date")
FOLLOW = importlib.import_module("directory.migrations.0010_listings_follow_dated_standing")
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def as_before_issue_24(member):
    """What the old rule stored: active members in good standing for ever, listings too."""
    if member.status == Member.Status.ACTIVE:
        Member.objects.filter(pk=member.pk).update(good_standing_until=FOREVER)
        Business.objects.filter(member=member).update(public_until=FOREVER)


def test_existing_members_get_dated_standing_and_undated_ones_are_listed(site_tree, capsys):
    overdue = MemberFactory(name="Overdue Hardware", paid_through=TODAY - 400 * DAY)
    paid = MemberFactory(name="Paid Bakery", paid_through=TODAY + 100 * DAY)
    undated = MemberFactory(name="Old Founding Member")
    # As the old admin allowed: active, no paid-through date.
    Member.objects.filter(pk=undated.pk).update(paid_through=None)
    past_due = MemberFactory(status=Member.Status.PAST_DUE, paid_through=TODAY - 10 * DAY)
    listing = BusinessFactory(name="Overdue Hardware", member=overdue)
    for member in (overdue, paid, undated, past_due):
        as_before_issue_24(member)
    assert Business.objects.publicly_listed().filter(pk=listing.pk).exists()

    DATE_STANDING.date_standing(apps, None)
    FOLLOW.refresh_public_until(apps, None)

    standing = dict(Member.objects.values_list("name", "good_standing_until"))
    assert standing["Overdue Hardware"] == TODAY - 370 * DAY
    assert standing["Paid Bakery"] == TODAY + 130 * DAY
    assert standing["Old Founding Member"] == FOREVER
    assert Member.objects.get(pk=past_due.pk).good_standing_until == TODAY + 20 * DAY
    assert not Business.objects.publicly_listed().filter(pk=listing.pk).exists()

    output = capsys.readouterr().out
    assert "1 active member(s) have no paid-through date" in output
    assert f"#{undated.pk} Old Founding Member" in output
    undated.refresh_from_db()
    assert undated.no_end_date
    (entry,) = ModelLogEntry.objects.filter(action="membership.no_end_date")
    assert entry.object_id == str(undated.pk) and entry.data["to"] is True


def test_running_it_again_changes_nothing(site_tree, capsys):
    MemberFactory(paid_through=TODAY + 10 * DAY)
    DATE_STANDING.date_standing(apps, None)
    before = list(Member.objects.values_list("pk", "good_standing_until", "no_end_date"))
    DATE_STANDING.date_standing(apps, None)
    assert list(Member.objects.values_list("pk", "good_standing_until", "no_end_date")) == before
    assert "no paid-through date" not in capsys.readouterr().out
