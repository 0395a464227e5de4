"""Subscriptions: retrieve and update through the API (a level change moves the item to
another price; auto-renew sets cancel_at_period_end); `renew`, `fail_renewal`,
`cancel_at_period_end`, `cancel_now` and `change_price` play a billing cycle turning over or the
customer acting in the billing portal.

An update that moves an item to another price prorates unless `proration_behavior` is "none",
as on Stripe (whose default, "create_prorations", charges or credits the rest of the period on
the next invoice): each such change is kept in `prorations`, so a test sees that the portal
asked for none.

The current API shape: a subscription's period lives on its items
(`items.data[0].current_period_start/end`), and its items carry a `plan` mirroring the price.
"""

from __future__ import annotations

import calendar
import copy
import datetime
from typing import Any

from .core import ID, StripeCore
from .events import _diff
from .fixtures import from_fixture
from .wire import JSON, _bool, _error, _int, _list, _metadata, _no_such, _opt_str


def add_interval(timestamp: int, interval: str, count: int = 1) -> int:
    """`timestamp` moved on by `count` calendar intervals (day, week, month, year), in UTC.

    Months and years keep the day of month, clamped to the month's length (Jan 31 + 1 month =
    Feb 28/29), as Stripe's billing cycles do.
    """
    moment = datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)
    if interval == "day":
        moment += datetime.timedelta(days=count)
    elif interval == "week":
        moment += datetime.timedelta(weeks=count)
    elif interval in ("month", "year"):
        months = moment.month - 1 + count * (12 if interval == "year" else 1)
        year, month = moment.year + months // 12, months % 12 + 1
        day = min(moment.day, calendar.monthrange(year, month)[1])
        moment = moment.replace(year=year, month=month, day=day)
    else:
        raise ValueError(f"unknown interval {interval!r}")
    return int(moment.timestamp())


PRORATION_BEHAVIORS = ("always_invoice", "create_prorations", "none")


class Subscriptions(StripeCore):
    stores = {"subscriptions": "subscription"}
    routes = (
        ("GET", f"/v1/subscriptions/{ID}", "_get_subscription", "SubscriptionRetrieveParams"),
        ("POST", f"/v1/subscriptions/{ID}", "_update_subscription", "SubscriptionUpdateParams"),
    )
    subscriptions: dict[str, JSON]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._cycles: dict[str, int] = {}  # subscription id -> billing periods started
        # Price changes Stripe would prorate: {"subscription", "item", "from", "to", "behavior"}
        self.prorations: list[JSON] = []

    def view(self, obj: JSON) -> JSON:
        """Subscription items show their price as it currently is."""
        out = super().view(obj)
        if out.get("object") == "subscription":
            for item in out["items"]["data"]:
                current = self.prices.get(item["price"]["id"])
                if current is not None:
                    item["price"] = copy.deepcopy(current)
                    item["plan"] = self._plan(current)
        return out

    def _plan(self, price: JSON) -> JSON:
        recurring = price["recurring"] or {}
        return from_fixture(
            "plan",
            active=price["active"],
            amount=price["unit_amount"],
            amount_decimal=price["unit_amount_decimal"],
            billing_scheme="per_unit",
            created=price["created"],
            currency=price["currency"],
            id=price["id"],
            interval=recurring.get("interval"),
            interval_count=recurring.get("interval_count", 1),
            livemode=False,
            metadata=dict(price["metadata"]),
            meter=None,
            nickname=price["nickname"],
            product=price["product"],
            tiers_mode=None,
            transform_usage=None,
            trial_period_days=None,
            usage_type="licensed",
        )

    def _subscription_item(self, subscription_id: str, price: JSON, quantity: int) -> JSON:
        return from_fixture(
            "subscription_item",
            billing_thresholds=None,
            created=self.now,
            current_period_end=None,
            current_period_start=None,
            discounts=[],
            id=self._new_id("si_"),
            metadata={},
            plan=self._plan(price),
            price=copy.deepcopy(price),
            quantity=quantity,
            subscription=subscription_id,
            tax_rates=[],
        )

    def _start_trial(self, subscription: JSON, trial_end: int) -> None:
        """No charge until `trial_end`, when the first paid period starts."""
        for item in subscription["items"]["data"]:
            item.update(current_period_end=trial_end)
        subscription.update(
            status="trialing",
            trial_start=self.now,
            trial_end=trial_end,
            billing_cycle_anchor=trial_end,
        )
        self._cycles[subscription["id"]] = 0  # the first period from the anchor is next

    def _new_subscription(
        self, customer: JSON, lines: list[JSON], *, metadata: JSON, description: Any, status: str
    ) -> JSON:
        subscription_id = self._new_id("sub_")
        recurring = [x for x in lines if x["price"]["type"] == "recurring"]
        items = [
            self._subscription_item(subscription_id, self.prices[x["price"]["id"]], x["quantity"])
            for x in recurring
        ]
        interval = recurring[0]["price"]["recurring"]
        start = self.now
        end = add_interval(start, interval["interval"], interval["interval_count"])
        for item in items:
            item.update(current_period_start=start, current_period_end=end)
        subscription = from_fixture(
            "subscription",
            application=None,
            application_fee_percent=None,
            automatic_tax={"disabled_reason": None, "enabled": False, "liability": None},
            billing_cycle_anchor=start,
            billing_cycle_anchor_config=None,
            billing_mode={"flexible": None, "type": "classic"},
            billing_schedules=[],
            billing_thresholds=None,
            cancel_at=None,
            cancel_at_period_end=False,
            canceled_at=None,
            cancellation_details={"comment": None, "feedback": None, "reason": None},
            collection_method="charge_automatically",
            created=self.now,
            currency=recurring[0]["currency"],
            customer=customer["id"],
            customer_account=None,
            days_until_due=None,
            default_payment_method=self._new_id("pm_"),
            default_source=None,
            default_tax_rates=[],
            description=description,
            discounts=[],
            ended_at=None,
            id=subscription_id,
            invoice_settings={"account_tax_ids": None, "issuer": {"type": "self"}},
            items={
                "data": items,
                "has_more": False,
                "object": "list",
                "url": f"/v1/subscription_items?subscription={subscription_id}",
            },
            latest_invoice=None,
            livemode=False,
            managed_payments={"enabled": False},
            metadata=dict(metadata),
            next_pending_invoice_item_invoice=None,
            on_behalf_of=None,
            pause_collection=None,
            payment_settings={
                "payment_method_options": None,
                "payment_method_types": None,
                "save_default_payment_method": "off",
            },
            pending_invoice_item_interval=None,
            pending_setup_intent=None,
            pending_update=None,
            schedule=None,
            start_date=start,
            status=status,
            test_clock=None,
            transfer_data=None,
            trial_end=None,
            trial_settings={"end_behavior": {"missing_payment_method": "create_invoice"}},
            trial_start=None,
        )
        self.subscriptions[subscription_id] = subscription
        self._cycles[subscription_id] = 1
        return subscription

    def _period(self, subscription: JSON) -> tuple[int, int]:
        item = subscription["items"]["data"][0]
        return item["current_period_start"], item["current_period_end"]

    def _next_period(self, subscription: JSON) -> tuple[int, int]:
        """The period after the current one, counted from the billing cycle anchor so that a
        Jan 31 anchor gives Feb 28, then Mar 31."""
        recurring = subscription["items"]["data"][0]["price"]["recurring"]
        cycles = self._cycles.get(subscription["id"], 1)
        anchor = subscription["billing_cycle_anchor"]
        start = self._period(subscription)[1]
        end = add_interval(
            anchor, recurring["interval"], recurring["interval_count"] * (cycles + 1)
        )
        return start, end

    def _start_next_period(self, subscription: JSON, start: int, end: int) -> None:
        for item in subscription["items"]["data"]:
            item.update(current_period_start=start, current_period_end=end)
        self._cycles[subscription["id"]] = self._cycles.get(subscription["id"], 1) + 1

    def _get_subscription(self, p: JSON, subscription_id: str) -> JSON:
        return self.view(self._get("subscriptions", subscription_id))

    def _set_cancel_at_period_end(self, subscription: JSON, value: bool) -> None:
        end = self._period(subscription)[1]
        subscription.update(
            cancel_at_period_end=value,
            cancel_at=end if value else None,
            canceled_at=self.now if value else None,
        )
        subscription["cancellation_details"]["reason"] = "cancellation_requested" if value else None

    def _update_subscription(self, p: JSON, subscription_id: str) -> JSON:
        subscription = self._get("subscriptions", subscription_id)
        if subscription["status"] in ("canceled", "incomplete_expired") and (
            set(p) - {"metadata", "cancellation_details", "expand"}
        ):
            raise _error(
                "A canceled subscription can only update its cancellation_details and metadata."
            )
        proration_behavior = p.get("proration_behavior", "create_prorations")
        if proration_behavior not in PRORATION_BEHAVIORS:
            raise _error(
                f"Invalid proration_behavior: must be one of {', '.join(PRORATION_BEHAVIORS)}",
                "proration_behavior",
            )
        new_items = _list(p.get("items"), "items")
        resolved: list[tuple[int, JSON | None, JSON | None, int | None, bool]] = []
        for index, raw in enumerate(new_items):
            param = f"items[{index}]"
            if not isinstance(raw, dict):
                raise _error("Invalid hash", param)
            current = None
            if raw.get("id"):
                current = next(
                    (i for i in subscription["items"]["data"] if i["id"] == raw["id"]), None
                )
                if current is None:
                    raise _no_such("subscription_item", raw["id"], f"{param}[id]", 400)
            price = None
            if raw.get("price"):
                price = self._get("prices", raw["price"], param=f"{param}[price]", status=400)
                if not price["active"] or price["type"] != "recurring":
                    raise _error(
                        "The price specified is inactive or not recurring.", f"{param}[price]"
                    )
            elif current is None:
                raise _error(
                    f"Missing required param: {param}[price].",
                    f"{param}[price]",
                    "parameter_missing",
                )
            quantity = _int(raw["quantity"], f"{param}[quantity]") if "quantity" in raw else None
            deleted = _bool(raw.get("deleted", False), f"{param}[deleted]")
            resolved.append((index, current, price, quantity, deleted))
        remaining = len(subscription["items"]["data"]) + sum(
            -1 if deleted else (1 if current is None else 0)
            for _, current, _, _, deleted in resolved
        )
        if remaining < 1:
            raise _error("A subscription must have at least one item.", "items")

        def change(obj: JSON) -> None:
            if "cancel_at_period_end" in p:
                self._set_cancel_at_period_end(
                    obj, _bool(p["cancel_at_period_end"], "cancel_at_period_end")
                )
            if "cancel_at" in p:
                obj["cancel_at"] = (
                    None if p["cancel_at"] == "" else _int(p["cancel_at"], "cancel_at")
                )
            details = p.get("cancellation_details")
            if isinstance(details, dict):
                for name in ("comment", "feedback"):
                    if name in details:
                        obj["cancellation_details"][name] = details[name] or None
            if "description" in p:
                obj["description"] = _opt_str(p, "description")
            if "default_payment_method" in p:
                obj["default_payment_method"] = _opt_str(p, "default_payment_method")
            obj["metadata"] = _metadata(obj["metadata"], p.get("metadata"))
            items = obj["items"]["data"]
            for _index, current, price, quantity, deleted in resolved:
                if current is not None:
                    target = next(i for i in items if i["id"] == current["id"])
                    if deleted:
                        items.remove(target)
                        continue
                else:
                    target = self._subscription_item(obj["id"], price, quantity or 1)
                    start, end = self._period(obj)
                    target.update(current_period_start=start, current_period_end=end)
                    items.append(target)
                if price is not None:
                    if (
                        current is not None
                        and current["price"]["id"] != price["id"]
                        and proration_behavior != "none"
                    ):
                        self.prorations.append(
                            {
                                "subscription": obj["id"],
                                "item": current["id"],
                                "from": current["price"]["id"],
                                "to": price["id"],
                                "behavior": proration_behavior,
                            }
                        )
                    target["price"] = copy.deepcopy(price)
                    target["plan"] = self._plan(price)
                if quantity is not None:
                    target["quantity"] = quantity

        self._changed(subscription, "customer.subscription.updated", change)
        return self.view(subscription)

    def _cancel(self, subscription: JSON, *, ended_at: int | None = None) -> list[JSON]:
        if subscription["status"] == "canceled":
            raise _error(f"This subscription has already been canceled ({subscription['id']}).")
        subscription.update(
            status="canceled",
            ended_at=ended_at or self.now,
            canceled_at=subscription["canceled_at"] or self.now,
        )
        if not subscription["cancellation_details"]["reason"]:
            subscription["cancellation_details"]["reason"] = "cancellation_requested"
        return [self.event("customer.subscription.deleted", subscription)]

    # ---- simulations ---------------------------------------------------------------------

    def _subscription(self, subscription_id: str) -> JSON:
        subscription = self.subscriptions.get(subscription_id)
        if subscription is None:
            raise LookupError(f"No such subscription: '{subscription_id}'")
        return subscription

    def _turn_over(self, subscription: JSON) -> tuple[JSON, list[JSON]]:
        """Start the next billing period: a draft invoice for it and the subscription update."""
        if subscription["status"] == "canceled":
            raise ValueError(f"Subscription {subscription['id']} is canceled")
        old = self._period(subscription)
        start, end = self._next_period(subscription)
        before = self.view(subscription)
        self._start_next_period(subscription, start, end)
        invoice = self._new_invoice(
            subscription,
            billing_reason="subscription_cycle",
            line_period=(start, end),
            invoice_period=old,
        )
        events = [self.event("invoice.created", invoice)]
        previous = _diff(before, self.view(subscription))
        events.append(self.event("customer.subscription.updated", subscription, previous))
        events.append(self._finalize(invoice))
        return invoice, events

    def _cancels_at_period_end(self, subscription: JSON) -> bool:
        end = self._period(subscription)[1]
        cancel_at = subscription["cancel_at"]
        return subscription["cancel_at_period_end"] or (cancel_at is not None and cancel_at <= end)

    def renew(self, subscription_id: str) -> list[JSON]:
        """The billing period ends and the renewal is paid.

        Events: invoice.created (draft), customer.subscription.updated (new period on the items,
        previous_attributes has the old items and latest_invoice), invoice.finalized,
        invoice.paid, invoice.payment_succeeded. The new invoice's lines carry the new period.
        A subscription set to cancel at period end is canceled instead
        (customer.subscription.deleted, ended_at = period end). Advance the clock first.
        """
        with self._lock:
            subscription = self._subscription(subscription_id)
            if subscription["status"] == "canceled":
                raise ValueError(f"Subscription {subscription_id} is canceled")
            if self._cancels_at_period_end(subscription):
                end = subscription["cancel_at"] or self._period(subscription)[1]
                return self._cancel(subscription, ended_at=end)
            invoice, events = self._turn_over(subscription)
            events.extend(self._settle_invoice(invoice))
            return events

    def fail_renewal(self, subscription_id: str) -> list[JSON]:
        """The billing period ends and the renewal payment is declined.

        Events: invoice.created, customer.subscription.updated (new period), invoice.finalized,
        invoice.payment_failed (status open, attempt_count 1, next_payment_attempt set),
        customer.subscription.updated (status past_due).
        """
        with self._lock:
            subscription = self._subscription(subscription_id)
            invoice, events = self._turn_over(subscription)
            events.append(self._mark_failed(invoice))
            events.append(
                self._changed(
                    subscription,
                    "customer.subscription.updated",
                    lambda obj: obj.update(status="past_due"),
                )
            )
            return [e for e in events if e]

    def cancel_at_period_end(self, subscription_id: str, value: bool = True) -> list[JSON]:
        """The customer cancels (or un-cancels) in the billing portal:
        customer.subscription.updated with cancel_at_period_end, cancel_at, canceled_at."""
        with self._lock:
            subscription = self._subscription(subscription_id)
            update = self._changed(
                subscription,
                "customer.subscription.updated",
                lambda obj: self._set_cancel_at_period_end(obj, value),
            )
            return [update] if update else []

    def cancel_now(self, subscription_id: str) -> list[JSON]:
        """The subscription ends immediately: customer.subscription.deleted (status canceled,
        canceled_at and ended_at now)."""
        with self._lock:
            return self._cancel(self._subscription(subscription_id))

    def change_price(self, subscription_id: str, price_id: str) -> list[JSON]:
        """The first item moves to another price (no proration invoice):
        customer.subscription.updated with the old items in previous_attributes."""
        with self._lock:
            subscription = self._subscription(subscription_id)
            price = self.prices.get(price_id)
            if price is None:
                raise LookupError(f"No such price: '{price_id}'")

            def change(obj: JSON) -> None:
                item = obj["items"]["data"][0]
                item["price"] = copy.deepcopy(price)
                item["plan"] = self._plan(price)

            update = self._changed(subscription, "customer.subscription.updated", change)
            return [update] if update else []
