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
- A member is counted under its level *now* (level changes are not kept).
- Breaks are read from the payments that still count (`periods.counting_periods`): when a
  paid period starts more than the grace period after the one before it ended, the member
  lapsed on the day after that grace ran out and is *new* again on the day the later period
  starts. Before its first payment a member counts from `joined_on` (a member imported or
  paid for before the portal), and its paid-through date now extends its last period (staff
  may have extended it by hand).

Four queries (settings, levels, payments and their corrections) and one more: members grouped
by the fields the rule reads, however many members there are; only members with a break in
their payments are read one by one.
"""

import datetime
from collections import Counter

from django.db.models import Count, Q
from django.utils import timezone

from chamber.reports import month_end, month_key
from membership.models.members import PAYING, Member, MembershipLevel, membership_grace_days
from membership.models.payments import Payment
from membership.reports.periods import Period, counting_periods

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
    members = members.filter(joined_on__lte=month_end(months[-1])).filter(
        Q(no_end_date=True) | Q(paid_through__gte=ended_before)
    )
    breaks = members_with_breaks(
        Payment.objects.originals().filter(member__in=members.filter(no_end_date=False)),
        grace_days=grace_days,
    )
    groups = (
        members.exclude(pk__in=list(breaks))
        .values("level_id", "status", "joined_on", "paid_through", "no_end_date")
        .annotate(count=Count("id"))
        .order_by()
    )
    tally = _Tally(months, levels, today=today)
    for group in groups:
        span = membership_span(
            status=group["status"],
            joined_on=group["joined_on"],
            paid_through=group["paid_through"],
            no_end_date=group["no_end_date"],
            grace_days=grace_days,
            today=today,
        )
        if span is not None:
            paid_until = None if group["no_end_date"] else group["paid_through"]
            tally.add(span, paid_until, level_id=group["level_id"], count=group["count"])
    if breaks:
        for member in members.filter(pk__in=list(breaks)).values(
            "pk", "level_id", "status", "joined_on", "paid_through"
        ):
            for span, paid_until in spans_with_breaks(
                member, breaks[member["pk"]], grace_days=grace_days, today=today
            ):
                tally.add(span, paid_until, level_id=member["level_id"], count=1)
    return tally.rows, levels


def stretches(periods: list[Period], *, grace_days: int) -> list[tuple[datetime.date, ...]]:
    """A member's paid periods (oldest first) joined into unbroken stretches (start, last paid
    day): a period starting within the grace period after the last paid day carries on."""
    grace = datetime.timedelta(days=grace_days)
    joined: list[list[datetime.date]] = []
    for period in periods:
        if joined and period.start <= joined[-1][1] + grace + ONE_DAY:
            joined[-1][1] = max(joined[-1][1], period.end)
        else:
            joined.append([period.start, period.end])
    return [tuple(stretch) for stretch in joined]


def members_with_breaks(payments, *, grace_days: int) -> dict[int, list[tuple]]:
    """The members whose counting payments have a break, with their stretches."""
    found = {}
    for member_id, periods in counting_periods(payments).items():
        member_stretches = stretches(periods, grace_days=grace_days)
        if len(member_stretches) > 1:
            found[member_id] = member_stretches
    return found


def spans_with_breaks(member: dict, member_stretches: list[tuple], *, grace_days: int, today):
    """((first day, first day no longer a member), last paid day) for each membership of a
    member whose payments have breaks: every stretch but the last ends when its grace runs
    out; the last follows `membership_span` (status, paid-through now, cancellation)."""
    grace = datetime.timedelta(days=grace_days)
    *earlier, (last_start, last_paid) = member_stretches
    for index, (start, paid) in enumerate(earlier):
        first = member["joined_on"] if index == 0 else start
        end = paid + grace + ONE_DAY
        if first < end:
            yield (first, end), paid
    paid_through = max(filter(None, (member["paid_through"], last_paid)))
    span = membership_span(
        status=member["status"],
        joined_on=last_start,
        paid_through=paid_through,
        no_end_date=False,
        grace_days=grace_days,
        today=today,
    )
    if span is not None:
        yield span, paid_through


class _Tally:
    """The report's rows, one per month, filled a membership span at a time."""

    def __init__(self, months: list[datetime.date], levels, *, today: datetime.date):
        self.months, self.today = months, today
        self.first, self.last = months[0], month_end(months[-1])
        self.ends = [min(month_end(month), today) for month in months]
        self.rows = [
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

    def add(self, span, paid_until, *, level_id, count: int) -> None:
        """Count `count` members over `span` (first day, first day no longer a member: None
        for never), active up to `paid_until` (None: for good), past due after it."""
        start, end = span
        if self.first <= start <= self.last:
            self.rows[_month_index(self.months, start)]["new"] += count
        if end is not None and self.first <= end <= min(self.last, self.today):
            self.rows[_month_index(self.months, end)]["lapsed"] += count
        for row, day in zip(self.rows, self.ends, strict=True):
            if start <= day and (end is None or day < end):
                active = paid_until is None or paid_until >= day
                row["active" if active else "past_due"] += count
                row["members"] += count
                key = f"level_{level_id}"
                if key in row:
                    row[key] += count


def _month_index(months: list[datetime.date], day: datetime.date) -> int:
    return (day.year - months[0].year) * 12 + day.month - months[0].month


def totals(rows: list[dict]) -> dict:
    """New and lapsed over the range (the counts at month ends are not summed)."""
    summed = Counter()
    for row in rows:
        summed.update(new=row["new"], lapsed=row["lapsed"])
    return dict(summed)
