"""PaymentIntents and their Charges: made by a payment-mode Checkout (reachable by expanding a
session's `payment_intent`) and by every paid invoice (found through `/v1/invoice_payments`,
invoices.py); a succeeded intent has one Charge (`latest_charge`), which refunds.py refunds.

Paying an invoice makes its intent and charge without sending payment_intent.* or charge.*
events: the portal listens to the invoice's events, and the documented event sequences of
renewals stay as they are.
"""

from __future__ import annotations

import hashlib

from .core import ID, StripeCore
from .fixtures import from_fixture
from .wire import JSON


class PaymentIntents(StripeCore):
    stores = {"payment_intents": "payment_intent", "charges": "charge"}
    routes = (
        ("GET", f"/v1/payment_intents/{ID}", "_get_payment_intent", "PaymentIntentRetrieveParams"),
        ("GET", f"/v1/charges/{ID}", "_get_charge", "ChargeRetrieveParams"),
    )
    payment_intents: dict[str, JSON]
    charges: dict[str, JSON]

    def _get_payment_intent(self, p: JSON, intent_id: str) -> JSON:
        return self.view(self._get("payment_intents", intent_id))

    def _get_charge(self, p: JSON, charge_id: str) -> JSON:
        return self.view(self._get("charges", charge_id))

    def _new_payment_intent(self, session: JSON, customer_id: str | None, method: str) -> JSON:
        data = self._session_data[session["id"]]
        return self._make_payment_intent(
            amount=session["amount_total"],
            currency=session["currency"],
            customer_id=customer_id,
            description=data["payment_intent_description"],
            metadata=dict(data["payment_intent_metadata"]),
            receipt_email=data["receipt_email"],
            method=method,
        )

    def _make_payment_intent(
        self,
        *,
        amount: int,
        currency: str,
        customer_id: str | None,
        description: str | None,
        metadata: JSON,
        receipt_email: str | None,
        method: str = "card",
    ) -> JSON:
        intent_id = self._new_id("pi_")
        intent = from_fixture(
            "payment_intent",
            amount=amount,
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
            currency=currency,
            customer=customer_id,
            customer_account=None,
            description=description,
            excluded_payment_method_types=None,
            id=intent_id,
            last_payment_error=None,
            latest_charge=None,
            livemode=False,
            managed_payments={"enabled": False},
            metadata=metadata,
            next_action=None,
            on_behalf_of=None,
            payment_method=self._new_id("pm_"),
            payment_method_configuration_details=None,
            payment_method_options={},
            payment_method_types=[method],
            processing=None,
            receipt_email=receipt_email,
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
        """The intent's payment went through: it has a succeeded Charge for its amount."""
        charge = self._new_charge(intent)
        intent.update(
            status="succeeded",
            amount_received=intent["amount"],
            latest_charge=charge["id"],
            last_payment_error=None,
        )

    def _new_charge(self, intent: JSON) -> JSON:
        charge_id = self._new_id("ch_")
        charge = from_fixture(
            "charge",
            amount=intent["amount"],
            amount_captured=intent["amount"],
            amount_refunded=0,
            application=None,
            application_fee=None,
            application_fee_amount=None,
            balance_transaction=self._new_id("txn_"),
            billing_details={
                "address": {
                    "city": None,
                    "country": None,
                    "line1": None,
                    "line2": None,
                    "postal_code": None,
                    "state": None,
                },
                "email": intent["receipt_email"],
                "name": None,
                "phone": None,
                "tax_id": None,
            },
            calculated_statement_descriptor="CHAMBER DUES",
            captured=True,
            created=self.now,
            currency=intent["currency"],
            customer=intent["customer"],
            description=intent["description"],
            disputed=False,
            failure_balance_transaction=None,
            failure_code=None,
            failure_message=None,
            fraud_details={},
            id=charge_id,
            livemode=False,
            metadata=dict(intent["metadata"]),
            on_behalf_of=None,
            paid=True,
            payment_intent=intent["id"],
            payment_method=intent["payment_method"],
            receipt_email=intent["receipt_email"],
            receipt_number=None,
            receipt_url=f"https://pay.stripe.test/receipts/payment/{charge_id}",
            refunded=False,
            refunds={
                "data": [],
                "has_more": False,
                "object": "list",
                "url": f"/v1/charges/{charge_id}/refunds",
            },
            review=None,
            shipping=None,
            source=None,
            source_transfer=None,
            statement_descriptor=None,
            statement_descriptor_suffix=None,
            status="succeeded",
            transfer_data=None,
            transfer_group=None,
        )
        self.charges[charge_id] = charge
        return charge
