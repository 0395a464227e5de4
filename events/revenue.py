"""Event tickets in membership's revenue report (membership/reports/revenue.py), registered
from EventsConfig.ready().

Ticket money counts when it was received: a registration paid through Stripe Checkout (it
has a session), at its price and currency, in the month it was confirmed (local time). A
refund (events/refunds.py: an attendee cancelling in time, or staff cancelling the event)
counts against the month it was made, as the dues refunds do. Tickets to be paid at the door or
invoiced are not money received, so they are not counted.
"""

import datetime

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from events.models import Registration


def ticket_amounts(first: datetime.date, last: datetime.date):
    """(first day of the month, currency, amount) of ticket money received from `first` to
    `last` (days, both included), less refunds. Two queries."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    paid = (
        Registration.objects.exclude(stripe_checkout_session_id="")
        .exclude(status__in=[Registration.Status.HELD, Registration.Status.EXPIRED])
        .filter(confirmed_at__gte=start, confirmed_at__lt=end, price__gt=0)
        .annotate(month=TruncMonth("confirmed_at", tzinfo=zone))
        .values("month", "currency")
        .annotate(amount=Sum("price"))
        .order_by()
    )
    refunded = (
        Registration.objects.filter(refunded_at__gte=start, refunded_at__lt=end, price__gt=0)
        .annotate(month=TruncMonth("refunded_at", tzinfo=zone))
        .values("month", "currency")
        .annotate(amount=Sum("price"))
        .order_by()
    )
    for groups, sign in ((paid, 1), (refunded, -1)):
        for group in groups:
            month = group["month"]
            yield (
                (month.date() if isinstance(month, datetime.datetime) else month),
                group["currency"],
                sign * group["amount"],
            )
