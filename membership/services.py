import datetime

from django.db import transaction
from django.db.models import Case, DateField, F, Value, When
from django.db.models.functions import Cast

from membership.models.members import FOREVER, PAYING, Member, membership_grace_days
from membership.signals import good_standing_changed


@transaction.atomic
def members_refresh_good_standing(*, grace_days: int | None = None) -> int:
    """Recompute every member's stored standing, e.g. after the grace period changed.

    One UPDATE that mirrors Member.compute_good_standing_until (tests hold the two equal).
    """
    if grace_days is None:
        grace_days = membership_grace_days()
    grace = datetime.timedelta(days=grace_days)
    updated = Member.objects.update(
        good_standing_until=Case(
            When(status__in=PAYING, no_end_date=True, then=Value(FOREVER)),
            When(
                status__in=PAYING,
                paid_through__isnull=False,
                then=Cast(F("paid_through") + grace, output_field=DateField()),
            ),
            default=None,
            output_field=DateField(),
        )
    )
    good_standing_changed.send(sender=Member, member_ids=None)
    return updated
