"""Members by level and status over time, month by month: THE rule for a member's history.

The portal keeps no monthly snapshots, so a member's past is derived from what it holds now:

- A member counts from its `joined_on` date. Pending members (applicants not yet paid) never
  count, and neither does a member with neither a paid-through date nor "no end date".
- A paying member (active, past due or lapsed: `PAYING`) is a member until `paid_through` +
  the grace period (ChamberSettings), as `Member.compute_good_standing_until` says: *active*
  on a day up to `paid_through`, *past due* during the grace period after it. "No end date"
  members are active from `joined_on` on, for good.
- It *lapses* on the day after `paid_through` + grace: that day's month counts it as lapsed
  (once that day has come).
- A cancelled member is counted by the same dates, but its membership is taken to have ended
  today at the latest (when it was cancelled is not recorded): it is not counted at the end of
  this month, and its lapse falls on the earlier of today and the day after its grace.
- *New* in a month: `joined_on` falls in it (for a member counted at all by the above).
- "At the end of a month" is that month's last day, or today for the current month.
- A member is counted under its level *now* (level changes are not kept), and its paid-through
  date now stands for its whole history: a member that lapsed and later paid again shows as a
  member throughout. The retention report (retention.py) reads the payments for renewals.

One query: members grouped by the fields the rule reads, however many members there are.
"""

import datetime
from collections import Counter

from django.db.models import Count, Q
from django.utils import timezone

from chamber.reports import month_end, month_key
from membership.models.members import PAYING, Member, MembershipLevel, membership_grace_days

ONE_DAY = datetime.timedelta(days=1)


def membership_span(
    *, status, joined_on, paid_through, no_end_date, grace_days, today
) -> tuple[datetime.date, datetime.date | None] | None:
    """(first day, first day no longer a member: None for never) of one member, or None for
    one never counted."""
    if status in PAYING and no_end_date:
        return joined_on, None
    if status not in (*PAYING, Member.Status.CANCELLED):
        return None
    end = paid_through + datetime.timedelta(days=grace_days) + ONE_DAY if paid_through else None
    if status == Member.Status.CANCELLED:
        if end is None and not no_end_date:
            return None
        end = min(end or today, today)
    if end is None or end <= joined_on:
        return None
    return joined_on, end


def members_by_month(
    *, months: list[datetime.date], level: MembershipLevel | None = None
) -> tuple[list[dict], list[MembershipLevel]]:
    """One row per month: members at its end per level, by status, new and lapsed."""
    today = timezone.localdate()
    grace_days = membership_grace_days()
    levels = [level] if level else list(MembershipLevel.objects.all())
    members = Member.objects.exclude(status=Member.Status.PENDING)
    if level:
        members = members.filter(level=level)
    # A member whose membership ended before the range adds nothing to it (not even "new":
    # it joined before it ended).
    ended_before = months[0] - datetime.timedelta(days=grace_days) - ONE_DAY
    groups = (
        members.filter(joined_on__lte=month_end(months[-1]))
        .filter(Q(no_end_date=True) | Q(paid_through__gte=ended_before))
        .values("level_id", "status", "joined_on", "paid_through", "no_end_date")
        .annotate(count=Count("id"))
        .order_by()
    )
    ends = [min(month_end(month), today) for month in months]
    rows = [
        {
            "month": month_key(month),
            "active": 0,
            "past_due": 0,
            "members": 0,
            "new": 0,
            "lapsed": 0,
            **{f"level_{one.pk}": 0 for one in levels},
        }
        for month in months
    ]
    first, last = months[0], month_end(months[-1])
    for group in groups:
        count = group["count"]
        joined_on = group["joined_on"]
        span = membership_span(
            status=group["status"],
            joined_on=joined_on,
            paid_through=group["paid_through"],
            no_end_date=group["no_end_date"],
            grace_days=grace_days,
            today=today,
        )
        if span is None:
            continue
        start, end = span
        if first <= start <= last:
            rows[_month_index(months, start)]["new"] += count
        if end is not None and first <= end <= min(last, today):
            rows[_month_index(months, end)]["lapsed"] += count
        paid_through = group["paid_through"]
        for row, day in zip(rows, ends, strict=True):
            if start <= day and (end is None or day < end):
                active = group["no_end_date"] or (paid_through is not None and paid_through >= day)
                row["active" if active else "past_due"] += count
                row["members"] += count
                key = f"level_{group['level_id']}"
                if key in row:
                    row[key] += count
    return rows, levels


def _month_index(months: list[datetime.date], day: datetime.date) -> int:
    return (day.year - months[0].year) * 12 + day.month - months[0].month


def totals(rows: list[dict]) -> dict:
    """New and lapsed over the range (the counts at month ends are not summed)."""
    summed = Counter()
    for row in rows:
        summed.update(new=row["new"], lapsed=row["lapsed"])
    return dict(summed)
