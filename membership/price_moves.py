"""Move a level's existing subscribers to its current yearly price (issue #18).

Stripe prices are immutable: new dues make a new Price (membership/stripe_prices.py), and a
member already subscribed keeps paying the old one until its subscription is changed. Staff
choose to change them (the level's "Move subscribers" action): each subscription's item moves
to the level's current yearly price with `proration_behavior="none"`, so nobody is charged or
credited now and the new amount applies from the next renewal.

Each member's outcome is kept (`SubscriberPriceMove`, one per member and price), which makes a
run idempotent: a member moved, or found already at the price, is never asked about again for
that price, so a second run calls Stripe for nobody; a failure is kept with Stripe's message and
tried again by the next run. Work goes in batches (`BATCH` members per run) through the project's
task framework (django-tasks; `move_subscribers_task`): with the default immediate backend a
batch runs in the request that asks for it, and a deployment with a task worker runs it in the
background; either way the level's page shows the outcome so far.
"""

from dataclasses import dataclass, field
from uuid import uuid4

import stripe
from django.contrib.auth import get_user_model
from django.db import transaction
from django_tasks import task
from wagtail.log_actions import log

from membership.models.members import RENEWS_AUTOMATICALLY, Member, MembershipLevel
from membership.models.payments import SubscriberPriceMove
from membership.stripe_gateway import stripe_client

BATCH = 20  # members per run: two Stripe calls each keep a run well inside a request's time

SUBSCRIPTION_PRICE_MOVED = "membership.subscription_price_moved"
SUBSCRIBERS_MOVED = "membership.subscribers_moved"
ENDED = ("canceled", "incomplete_expired")

Outcome = SubscriberPriceMove.Outcome


class PriceMoveUnavailable(Exception):
    """Stripe is not configured, or the level has no yearly price yet."""


def level_subscribers(level: MembershipLevel):
    """The level's members whose subscription renews automatically (RENEWS_AUTOMATICALLY)."""
    return Member.objects.filter(level=level).filter(RENEWS_AUTOMATICALLY)


def subscribers_to_move(level: MembershipLevel):
    """Subscribers not yet moved to (or found at) the level's current yearly price."""
    settled = SubscriberPriceMove.objects.filter(
        to_price_id=level.stripe_price_id, outcome__in=[Outcome.MOVED, Outcome.UNCHANGED]
    ).values("member_id")
    return level_subscribers(level).exclude(pk__in=settled).order_by("pk")


def moves_to_current_price(level: MembershipLevel):
    """What the runs so far did for the level's current price, by member."""
    return (
        SubscriberPriceMove.objects.filter(level=level, to_price_id=level.stripe_price_id)
        .select_related("member")
        .order_by("member__name", "pk")
    )


@dataclass
class MoveRun:
    moved: list[str] = field(default_factory=list)  # member names
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (member name, Stripe's message)
    remaining: int = 0

    def as_dict(self) -> dict:
        return {
            "moved": self.moved,
            "unchanged": self.unchanged,
            "failed": [list(pair) for pair in self.failed],
            "remaining": self.remaining,
        }


def _move_one(client, member: Member, price_id: str) -> tuple[str, str, str]:
    """(outcome, price it was at, error) for one member; calls Stripe, no lock held."""
    from_price = ""
    try:
        subscription = client.v1.subscriptions.retrieve(member.stripe_subscription_id)
        item = subscription["items"]["data"][0]
        from_price = item["price"]["id"]
        if from_price == price_id:
            return Outcome.UNCHANGED, from_price, ""
        if subscription["status"] in ENDED:
            return Outcome.FAILED, from_price, "The subscription has ended at Stripe."
        client.v1.subscriptions.update(
            member.stripe_subscription_id,
            params={
                "items": [{"id": item["id"], "price": price_id}],
                "proration_behavior": "none",
            },
            options={"idempotency_key": f"chamber-price-move-{member.pk}-{price_id}"},
        )
    except stripe.StripeError as error:
        return Outcome.FAILED, from_price, error.user_message or str(error) or type(error).__name__
    return Outcome.MOVED, from_price, ""


def move_subscribers_to_current_price(
    *, level: MembershipLevel, user=None, limit: int = BATCH
) -> MoveRun:
    """Move up to `limit` of the level's subscribers to its current yearly price (see the
    module docstring); logged on each member moved and on the level."""
    level = MembershipLevel.objects.get(pk=level.pk)
    client = stripe_client()
    price_id = level.stripe_price_id
    if client is None or not price_id:
        raise PriceMoveUnavailable(level)
    run = MoveRun()
    for member in list(subscribers_to_move(level)[:limit]):
        outcome, from_price, error = _move_one(client, member, price_id)
        with transaction.atomic():
            SubscriberPriceMove.objects.update_or_create(
                member=member,
                to_price_id=price_id,
                defaults={
                    "level": level,
                    "stripe_subscription_id": member.stripe_subscription_id,
                    "from_price_id": from_price,
                    "outcome": outcome,
                    "error": error,
                    "moved_by": user,
                },
            )
            if outcome == Outcome.MOVED:
                log(
                    instance=member,
                    action=SUBSCRIPTION_PRICE_MOVED,
                    user=user,
                    data={"level": level.name, "from": from_price, "to": price_id},
                    # Its own uuid: Wagtail's history shows one entry per action and uuid
                    # (the request's, shared by every member of the batch).
                    uuid=uuid4(),
                )
        if outcome == Outcome.MOVED:
            run.moved.append(member.name)
        elif outcome == Outcome.UNCHANGED:
            run.unchanged.append(member.name)
        else:
            run.failed.append((member.name, error))
    run.remaining = subscribers_to_move(level).count()
    if run.moved or run.failed:
        log(
            instance=level,
            action=SUBSCRIBERS_MOVED,
            user=user,
            data={
                "to": price_id,
                "moved": len(run.moved),
                "failed": len(run.failed),
                "remaining": run.remaining,
            },
        )
    return run


@task()
def move_subscribers_task(level_id: int, user_id: int | None = None, limit: int = BATCH) -> dict:
    """One batch of `move_subscribers_to_current_price`, as a task (returns `MoveRun.as_dict`)."""
    level = MembershipLevel.objects.get(pk=level_id)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return move_subscribers_to_current_price(level=level, user=user, limit=limit).as_dict()
