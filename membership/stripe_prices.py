"""Keep one Stripe Product per membership level, with a yearly and a one-time Price.

Prices are found by `lookup_key` (`level-<slug>-yearly`, `level-<slug>-once`), so staff change
dues in the Wagtail admin and never in the Stripe dashboard. Stripe prices are immutable: a new
amount makes a new Price, which takes over the lookup key, and the old one is archived (members
already subscribed keep paying it until their subscription is changed). Running the sync again
with nothing changed creates nothing.
"""

import logging
from dataclasses import dataclass, field
from decimal import Decimal

import stripe

from membership.models.members import MembershipLevel
from membership.stripe_gateway import stripe_client

logger = logging.getLogger(__name__)


def lookup_key(level: MembershipLevel, kind: str) -> str:
    return f"level-{level.slug}-{kind}"


def amount_in_cents(amount: Decimal) -> int:
    return int((Decimal(amount) * 100).to_integral_value())


@dataclass
class SyncResult:
    created: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.archived or self.updated)


def sync_level_prices(level: MembershipLevel, *, client=None) -> SyncResult:
    """Create or update the level's Stripe Product and Prices; idempotent."""
    client = client or stripe_client()
    result = SyncResult()
    if client is None:
        return result
    keys = {"yearly": lookup_key(level, "yearly"), "once": lookup_key(level, "once")}
    existing = {
        price.lookup_key: price
        for price in client.v1.prices.list(
            params={"lookup_keys": list(keys.values()), "limit": 10}
        ).data
    }

    product_id = level.stripe_product_id or next((price.product for price in existing.values()), "")
    product_fields = {
        "name": f"{level.name} membership",
        "active": level.active,
        "metadata": {"level": level.slug},
    }
    if product_id:
        try:
            product = client.v1.products.retrieve(product_id)
        except stripe.InvalidRequestError:  # e.g. a test-mode id after switching to live keys
            product_id = ""
    if product_id:
        if product.name != product_fields["name"] or product.active != level.active:
            client.v1.products.update(product_id, params=product_fields)
            result.updated.append(product_id)
    else:
        product = client.v1.products.create(
            params=product_fields,
            options={"idempotency_key": f"chamber-level-product-{level.pk}-{level.slug}"},
        )
        product_id = product.id
        result.created.append(product_id)

    cents = amount_in_cents(level.annual_dues)
    currency = level.currency.lower()
    price_ids = {}
    for kind, key in keys.items():
        price = existing.get(key)
        if (
            price is not None
            and price.active
            and price.unit_amount == cents
            and price.currency == currency
            and price.product == product_id
        ):
            price_ids[kind] = price.id
            continue
        params = {
            "product": product_id,
            "unit_amount": cents,
            "currency": currency,
            "lookup_key": key,
            "transfer_lookup_key": True,
            "nickname": f"{level.name}, {'yearly' if kind == 'yearly' else 'one year'}",
            "metadata": {"level": level.slug},
        }
        if kind == "yearly":
            params["recurring"] = {"interval": "year"}
        new_price = client.v1.prices.create(
            params=params,
            # Keyed by the price it replaces too: going back to an earlier amount within a day
            # must make a new price, not replay the archived one.
            options={
                "idempotency_key": (
                    f"chamber-level-price-{level.pk}-{kind}-{currency}-{cents}"
                    f"-after-{price.id if price is not None else 'none'}"
                )
            },
        )
        price_ids[kind] = new_price.id
        result.created.append(new_price.id)
        if price is not None and price.id != new_price.id and price.active:
            client.v1.prices.update(price.id, params={"active": False})
            result.archived.append(price.id)

    MembershipLevel.objects.filter(pk=level.pk).update(
        stripe_product_id=product_id,
        stripe_price_id=price_ids["yearly"],
        stripe_one_time_price_id=price_ids["once"],
    )
    level.stripe_product_id = product_id
    level.stripe_price_id = price_ids["yearly"]
    level.stripe_one_time_price_id = price_ids["once"]
    if result.changed:
        logger.info("Stripe prices for %s: %s", level.slug, result)
    return result


def sync_all_levels(*, client=None) -> dict[str, SyncResult]:
    client = client or stripe_client()
    return {
        level.slug: sync_level_prices(level, client=client)
        for level in MembershipLevel.objects.order_by("sort_order", "pk")
    }


def level_for_price(price) -> MembershipLevel | None:
    """The level a Stripe Price (object or id) belongs to: by our metadata, else by id."""
    if price is None:
        return None
    if isinstance(price, str):
        return MembershipLevel.objects.filter(stripe_price_id=price).first()
    slug = (price.get("metadata") or {}).get("level")
    if slug:
        level = MembershipLevel.objects.filter(slug=slug).first()
        if level is not None:
            return level
    return (
        MembershipLevel.objects.filter(stripe_price_id=price["id"]).first()
        or MembershipLevel.objects.filter(stripe_one_time_price_id=price["id"]).first()
    )
