"""Refunds: create (by `payment_intent` or `charge`, all or part of what is left), retrieve,
list and update metadata through the API; `refund_in_dashboard` plays staff refunding in
Stripe's own dashboard, and `settle_refund` a pending refund succeeding or failing.

As on Stripe, a refund reduces its Charge (`amount_refunded`, `refunded` once nothing is left,
`refunds`), and Stripe sends `refund.created` and `charge.refunded` for every refund, whoever
made it; a pending refund that settles sends `refund.updated` (and `refund.failed` when it
fails, giving the amount back to the charge). Card refunds succeed at once unless `pending=True`
(or `refunds_pending` is set, for refunds made through the API).
"""

from __future__ import annotations

from typing import Any

from .core import ID, StripeCore
from .fixtures import from_fixture
from .wire import JSON, _created_filter, _error, _int, _metadata

REFUND_REASONS = ("duplicate", "fraudulent", "requested_by_customer")


class Refunds(StripeCore):
    stores = {"refunds": "refund"}
    routes = (
        ("POST", "/v1/refunds", "_create_refund", "RefundCreateParams"),
        ("GET", "/v1/refunds", "_list_refunds", "RefundListParams"),
        ("GET", f"/v1/refunds/{ID}", "_get_refund", "RefundRetrieveParams"),
        ("POST", f"/v1/refunds/{ID}", "_update_refund", "RefundUpdateParams"),
    )
    refunds: dict[str, JSON]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.refunds_pending = False  # refunds made through the API start "pending"

    # ---- API -----------------------------------------------------------------------------

    def _create_refund(self, p: JSON) -> JSON:
        charge = self._charge_to_refund(p)
        remaining = charge["amount"] - charge["amount_refunded"]
        amount = _int(p["amount"], "amount") if "amount" in p else remaining
        reason = p.get("reason") or None
        if reason is not None and reason not in REFUND_REASONS:
            raise _error(f"Invalid reason: must be one of {', '.join(REFUND_REASONS)}", "reason")
        if remaining <= 0:
            raise _error(
                f"Charge {charge['id']} has already been refunded.",
                code="charge_already_refunded",
            )
        if amount < 1:
            raise _error("Amount must be at least 1 cent.", "amount", "amount_too_small")
        if amount > remaining:
            raise _error(
                f"Refund amount ({amount / 100:.2f}) is greater than unrefunded amount on "
                f"charge ({remaining / 100:.2f})",
                "amount",
                "amount_too_large",
            )
        refund, _events = self._refund(
            charge,
            amount,
            reason=reason,
            metadata=_metadata({}, p.get("metadata")),
            pending=self.refunds_pending,
        )
        return self.view(refund)

    def _charge_to_refund(self, p: JSON) -> JSON:
        if p.get("payment_intent") and p.get("charge"):
            raise _error("You cannot pass both payment_intent and charge.", "payment_intent")
        if p.get("payment_intent"):
            intent = self._get("payment_intents", p["payment_intent"], param="payment_intent")
            if intent["status"] != "succeeded" or not intent["latest_charge"]:
                raise _error(
                    f"This PaymentIntent ({intent['id']}) does not have a successful charge "
                    "to refund.",
                    "payment_intent",
                    "charge_not_refundable",
                )
            return self.charges[intent["latest_charge"]]
        if p.get("charge"):
            return self._get("charges", p["charge"], param="charge", status=400)
        raise _error(
            "One of the following params should be provided for this request: payment_intent "
            "or charge.",
            code="parameter_missing",
        )

    def _list_refunds(self, p: JSON) -> JSON:
        refunds = list(self.refunds.values())
        for name in ("charge", "payment_intent"):
            if name in p:
                refunds = [r for r in refunds if r[name] == p[name]]
        if "created" in p:
            keep = _created_filter(p["created"])
            refunds = [r for r in refunds if keep(r["created"])]
        return self._list_response("/v1/refunds", refunds, p)

    def _get_refund(self, p: JSON, refund_id: str) -> JSON:
        return self.view(self._get("refunds", refund_id))

    def _update_refund(self, p: JSON, refund_id: str) -> JSON:
        refund = self._get("refunds", refund_id)
        self._changed(
            refund,
            "refund.updated",
            lambda obj: obj.update(metadata=_metadata(obj["metadata"], p.get("metadata"))),
        )
        return self.view(refund)

    # ---- refunding -----------------------------------------------------------------------

    def _refund(
        self,
        charge: JSON,
        amount: int,
        *,
        reason: str | None,
        metadata: JSON,
        pending: bool,
    ) -> tuple[JSON, list[JSON]]:
        refund = from_fixture(
            "refund",
            amount=amount,
            balance_transaction=self._new_id("txn_"),
            charge=charge["id"],
            created=self.now,
            currency=charge["currency"],
            customer=charge["customer"],
            customer_account=None,
            destination_details={"card": {"type": "refund"}, "type": "card"},
            id=self._new_id("re_"),
            metadata=metadata,
            payment_intent=charge["payment_intent"],
            payment_method=charge["payment_method"],
            reason=reason,
            receipt_number=None,
            source_transfer_reversal=None,
            status="pending" if pending else "succeeded",
            transfer_reversal=None,
        )
        self.refunds[refund["id"]] = refund
        events = [self.event("refund.created", refund)]

        def reduce(obj: JSON) -> None:
            obj["amount_refunded"] += amount
            obj["refunded"] = obj["amount_refunded"] >= obj["amount"]
            obj["refunds"]["data"].insert(0, self.view(refund))

        events.append(self._changed(charge, "charge.refunded", reduce))
        return refund, [e for e in events if e]

    # ---- simulations ---------------------------------------------------------------------

    def refund_in_dashboard(
        self,
        payment_intent_id: str,
        amount: int | None = None,
        *,
        reason: str | None = "requested_by_customer",
        pending: bool = False,
    ) -> list[JSON]:
        """Staff refund a payment in Stripe's dashboard (all that is left, or `amount` cents):
        refund.created, charge.refunded."""
        with self._lock:
            intent = self.payment_intents.get(payment_intent_id)
            if intent is None or not intent["latest_charge"]:
                raise LookupError(f"No refundable payment_intent: '{payment_intent_id}'")
            charge = self.charges[intent["latest_charge"]]
            remaining = charge["amount"] - charge["amount_refunded"]
            amount = remaining if amount is None else amount
            if not 0 < amount <= remaining:
                raise ValueError(f"Cannot refund {amount} of {remaining} left")
            _refund, events = self._refund(
                charge, amount, reason=reason, metadata={}, pending=pending
            )
            return events

    def settle_refund(self, refund_id: str, *, succeed: bool = True) -> list[JSON]:
        """A pending refund settles: refund.updated (succeeded); or fails: refund.updated and
        refund.failed (status failed), and the charge gets the amount back."""
        with self._lock:
            refund = self.refunds.get(refund_id)
            if refund is None:
                raise LookupError(f"No such refund: '{refund_id}'")
            if refund["status"] != "pending":
                raise ValueError(f"Refund {refund_id} is {refund['status']}, not pending")
            if succeed:
                update = self._changed(
                    refund, "refund.updated", lambda obj: obj.update(status="succeeded")
                )
                return [update] if update else []
            events = [
                self._changed(
                    refund,
                    "refund.updated",
                    lambda obj: obj.update(status="failed"),
                )
            ]
            events.append(self.event("refund.failed", refund))
            charge = self.charges[refund["charge"]]
            charge["amount_refunded"] -= refund["amount"]
            charge["refunded"] = False
            return [e for e in events if e]
