"""PaymentIntents: made by a payment-mode Checkout; reachable by expanding a session's
`payment_intent`."""

from __future__ import annotations

import hashlib

from .core import StripeCore
from .fixtures import from_fixture
from .wire import JSON


class PaymentIntents(StripeCore):
    stores = {"payment_intents": "payment_intent"}
    payment_intents: dict[str, JSON]

    def _new_payment_intent(self, session: JSON, customer_id: str | None, method: str) -> JSON:
        data = self._session_data[session["id"]]
        intent_id = self._new_id("pi_")
        intent = from_fixture(
            "payment_intent",
            amount=session["amount_total"],
            amount_capturable=0,
            amount_details={"tip": {}},
            amount_received=0,
            application=None,
            application_fee_amount=None,
            automatic_payment_methods=None,
            canceled_at=None,
            cancellation_reason=None,
            capture_method="automatic_async",
            client_secret=f"{intent_id}_secret_{hashlib.sha256(intent_id.encode()).hexdigest()[:24]}",
            confirmation_method="automatic",
            created=self.now,
            currency=session["currency"],
            customer=customer_id,
            customer_account=None,
            description=data["payment_intent_description"],
            excluded_payment_method_types=None,
            id=intent_id,
            last_payment_error=None,
            latest_charge=None,
            livemode=False,
            managed_payments={"enabled": False},
            metadata=dict(data["payment_intent_metadata"]),
            next_action=None,
            on_behalf_of=None,
            payment_method=self._new_id("pm_"),
            payment_method_configuration_details=None,
            payment_method_options={},
            payment_method_types=[method],
            processing=None,
            receipt_email=data["receipt_email"],
            review=None,
            setup_future_usage=None,
            shipping=None,
            source=None,
            statement_descriptor=None,
            statement_descriptor_suffix=None,
            status="requires_payment_method",
            transfer_data=None,
            transfer_group=None,
        )
        self.payment_intents[intent_id] = intent
        return intent

    def _intent_succeeded(self, intent: JSON) -> None:
        intent.update(
            status="succeeded",
            amount_received=intent["amount"],
            latest_charge=self._new_id("ch_"),
            last_payment_error=None,
        )
