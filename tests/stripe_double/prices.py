"""Prices: create, update, list by lookup key (membership.stripe_prices keeps a level's prices
that way), with Stripe's rule that a lookup key belongs to one price at a time
(`transfer_lookup_key` moves it)."""

from __future__ import annotations

from .core import ID, StripeCore
from .fixtures import from_fixture
from .wire import JSON, _bool, _error, _int, _list, _metadata, _opt_str, _str


class Prices(StripeCore):
    stores = {"prices": "price"}
    routes = (
        ("POST", "/v1/prices", "_create_price", "PriceCreateParams"),
        ("GET", "/v1/prices", "_list_prices", "PriceListParams"),
        ("POST", f"/v1/prices/{ID}", "_update_price", "PriceUpdateParams"),
    )
    prices: dict[str, JSON]

    def _price_with_lookup_key(self, lookup_key: str, other_than: str | None = None):
        for price in self.prices.values():
            if price["lookup_key"] == lookup_key and price["id"] != other_than:
                return price
        return None

    def _claim_lookup_key(self, lookup_key: str | None, transfer: bool, price_id: str) -> None:
        if lookup_key is None:
            return
        if len(lookup_key) > 200:
            raise _error("Lookup keys can have up to 200 characters.", "lookup_key")
        holder = self._price_with_lookup_key(lookup_key, other_than=price_id)
        if holder is None:
            return
        if not transfer:
            raise _error(f"A price (`{holder['id']}`) already uses that lookup key.", "lookup_key")
        self._changed(holder, "price.updated", lambda obj: obj.update(lookup_key=None))

    def _create_price(self, p: JSON) -> JSON:
        if p.get("product_data"):
            data = p["product_data"]
            if not isinstance(data, dict):
                raise _error("Invalid hash", "product_data")
            product_id = self._create_product(
                {k: v for k, v in data.items() if k in ("name", "active", "metadata", "id")}
            )["id"]
        elif p.get("product"):
            product_id = self._get("products", p["product"], param="product", status=400)["id"]
        else:
            raise _error(
                "You must specify either `product` or `product_data` when creating a price.",
                "product",
            )
        if not p.get("currency"):
            raise _error("Missing required param: currency.", "currency", "parameter_missing")
        currency = _str(p["currency"], "currency").lower()
        if "unit_amount" in p:
            unit_amount = _int(p["unit_amount"], "unit_amount")
            if unit_amount < 0:
                raise _error("This value must be greater than or equal to 0.", "unit_amount")
            decimal = str(unit_amount)
        elif "unit_amount_decimal" in p:
            decimal = _str(p["unit_amount_decimal"], "unit_amount_decimal")
            unit_amount = int(float(decimal)) if float(decimal).is_integer() else None
        else:
            raise _error("Missing required param: unit_amount.", "unit_amount", "parameter_missing")
        recurring = None
        if p.get("recurring"):
            spec = p["recurring"]
            if not isinstance(spec, dict) or "interval" not in spec:
                raise _error(
                    "Missing required param: recurring[interval].",
                    "recurring[interval]",
                    "parameter_missing",
                )
            if spec["interval"] not in ("day", "week", "month", "year"):
                raise _error(
                    "Invalid recurring[interval]: must be one of day, month, week, or year",
                    "recurring[interval]",
                )
            recurring = {
                "interval": spec["interval"],
                "interval_count": _int(spec.get("interval_count", 1), "recurring[interval_count]"),
                "meter": spec.get("meter"),
                "usage_type": spec.get("usage_type", "licensed"),
                "trial_period_days": None,
            }
        price_id = self._new_id("price_")
        lookup_key = _opt_str(p, "lookup_key")
        self._claim_lookup_key(
            lookup_key, _bool(p.get("transfer_lookup_key", False), "transfer_lookup_key"), price_id
        )
        price = from_fixture(
            "price",
            active=_bool(p.get("active", True), "active"),
            billing_scheme="per_unit",
            created=self.now,
            currency=currency,
            custom_unit_amount=None,
            id=price_id,
            livemode=False,
            lookup_key=lookup_key,
            metadata=_metadata({}, p.get("metadata")),
            nickname=_opt_str(p, "nickname"),
            product=product_id,
            recurring=recurring,
            tax_behavior=p.get("tax_behavior", "unspecified"),
            tiers_mode=None,
            transform_quantity=None,
            type="recurring" if recurring else "one_time",
            unit_amount=unit_amount,
            unit_amount_decimal=decimal,
        )
        self.prices[price_id] = price
        self.event("price.created", price)
        return self.view(price)

    def _update_price(self, p: JSON, price_id: str) -> JSON:
        # Everything else (unit_amount, currency, recurring, product) is immutable: Stripe
        # answers "Received unknown parameter" (see _check_params / PriceUpdateParams).
        price = self._get("prices", price_id)
        if "lookup_key" in p:
            self._claim_lookup_key(
                _opt_str(p, "lookup_key"),
                _bool(p.get("transfer_lookup_key", False), "transfer_lookup_key"),
                price_id,
            )

        def change(obj: JSON) -> None:
            if "active" in p:
                obj["active"] = _bool(p["active"], "active")
            for name in ("lookup_key", "nickname"):
                if name in p:
                    obj[name] = _opt_str(p, name)
            if "tax_behavior" in p:
                obj["tax_behavior"] = p["tax_behavior"]
            obj["metadata"] = _metadata(obj["metadata"], p.get("metadata"))

        self._changed(price, "price.updated", change)
        return self.view(price)

    def _list_prices(self, p: JSON) -> JSON:
        prices = list(self.prices.values())
        if "lookup_keys" in p:
            keys = _list(p["lookup_keys"], "lookup_keys")
            if len(keys) > 10:
                raise _error("You can pass up to 10 lookup keys.", "lookup_keys")
            prices = [x for x in prices if x["lookup_key"] in keys]
        if "active" in p:
            active = _bool(p["active"], "active")
            prices = [x for x in prices if x["active"] == active]
        for name in ("product", "currency", "type"):
            if name in p:
                prices = [x for x in prices if x[name] == p[name]]
        interval = (p.get("recurring") or {}).get("interval") if "recurring" in p else None
        if interval:
            prices = [x for x in prices if (x["recurring"] or {}).get("interval") == interval]
        return self._list_response("/v1/prices", prices, p)
