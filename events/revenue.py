"""Event tickets in membership's revenue report (membership/reports/revenue.py), registered
from EventsConfig.ready().

Ticket money counts when it was received: a confirmed registration paid through Stripe
Checkout (it has a session), at its price and currency, in the month it was confirmed (local
time). Tickets to be paid at the door or invoiced are not money received, so they are not
counted; a registration cancelled after paying still counts, as no ticket refund exists yet.
"""

import datetime

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from events.models import Registration


def ticket_amounts(first: datetime.date, last: datetime.date):
    """(first day of the month, currency, amount) of ticket money received from `first` to
    `last` (days, both included). One query."""
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
    for group in paid:
        month = group["month"]
        yield (
            (month.date() if isinstance(month, datetime.datetime) else month),
            group["currency"],
            group["amount"],
        )
