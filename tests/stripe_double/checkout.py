"""Checkout Sessions: create and retrieve through the API; `complete_checkout` and
`settle_async` play the customer paying on the hosted page."""

from __future__ import annotations

from typing import Any

from .core import ID, StripeCore
from .fixtures import from_fixture
from .wire import DAY, JSON, _bool, _error, _int, _list, _metadata, _opt_str


class Checkout(StripeCore):
    stores = {"checkout_sessions": "checkout.session"}
    routes = (
        (
            "POST",
            "/v1/checkout/sessions",
            "_create_checkout_session",
            "checkout.SessionCreateParams",
        ),
        (
            "GET",
            f"/v1/checkout/sessions/{ID}",
            "_get_checkout_session",
            "checkout.SessionRetrieveParams",
        ),
    )
    checkout_sessions: dict[str, JSON]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._line_items: dict[str, list[JSON]] = {}  # checkout session id -> line items
        self._session_data: dict[str, JSON] = {}  # checkout session id -> create params kept

    def _create_checkout_session(self, p: JSON) -> JSON:
        mode = p.get("mode", "payment")
        if mode not in ("payment", "subscription", "setup"):
            raise _error(f"Invalid mode: {mode}", "mode")
        if mode == "setup":
            raise _error("FakeStripe does not simulate setup mode.", "mode")
        if p.get("customer") and p.get("customer_email"):
            raise _error(
                "You may only specify one of these parameters: customer, customer_email.",
                "customer_email",
            )
        customer_id = None
        if p.get("customer"):
            customer_id = self._get("customers", p["customer"], param="customer", status=400)["id"]
        if mode == "subscription" and "payment_intent_data" in p:
            raise _error(
                "You can not pass `payment_intent_data` in `subscription` mode.",
                "payment_intent_data",
            )
        if mode == "subscription" and "customer_creation" in p:
            raise _error(
                "`customer_creation` can only be used in `payment` and `setup` mode.",
                "customer_creation",
            )
        if mode == "payment" and "subscription_data" in p:
            raise _error(
                "You can not pass `subscription_data` in `payment` mode.", "subscription_data"
            )
        raw_items = _list(p.get("line_items"), "line_items")
        if not raw_items:
            raise _error("Missing required param: line_items.", "line_items", "parameter_missing")
        lines: list[JSON] = []
        for index, raw in enumerate(raw_items):
            param = f"line_items[{index}]"
            if not isinstance(raw, dict) or not raw.get("price"):
                raise _error(
                    f"Missing required param: {param}[price].",
                    f"{param}[price]",
                    "parameter_missing",
                )
            price = self._get("prices", raw["price"], param=f"{param}[price]", status=400)
            if not price["active"]:
                raise _error(
                    "The price specified is inactive. This field only accepts active prices.",
                    f"{param}[price]",
                )
            if mode == "payment" and price["type"] == "recurring":
                raise _error(
                    "You specified `payment` mode but passed a recurring price. Either switch "
                    "to `subscription` mode or use only one-time prices.",
                    f"{param}[price]",
                )
            quantity = _int(raw.get("quantity", 1), f"{param}[quantity]")
            if quantity < 1:
                raise _error("This value must be greater than or equal to 1.", f"{param}[quantity]")
            amount = (price["unit_amount"] or 0) * quantity
            product = self.products.get(price["product"], {})
            lines.append(
                from_fixture(
                    "item",
                    amount_discount=0,
                    amount_subtotal=amount,
                    amount_tax=0,
                    amount_total=amount,
                    currency=price["currency"],
                    description=product.get("name"),
                    id=self._new_id("li_"),
                    price=self.view(price),
                    quantity=quantity,
                    metadata={},
                    adjustable_quantity=None,
                )
            )
        if mode == "subscription" and not any(x["price"]["type"] == "recurring" for x in lines):
            raise _error(
                "You must provide at least one recurring price in `subscription` mode when "
                "using prices.",
                "line_items",
            )
        if len({x["currency"] for x in lines}) > 1:
            raise _error("All line items must use the same currency.", "line_items")
        reference = _opt_str(p, "client_reference_id")
        if reference and len(reference) > 200:
            raise _error(
                "client_reference_id can have up to 200 characters.", "client_reference_id"
            )
        session_id = self._new_id("cs_test_")
        total = sum(x["amount_total"] for x in lines)
        invoice_creation = None
        if mode == "payment":
            wanted = p.get("invoice_creation") or {}
            invoice_creation = {
                "enabled": _bool(wanted.get("enabled", False), "invoice_creation[enabled]"),
                "invoice_data": {
                    "account_tax_ids": None,
                    "custom_fields": None,
                    "description": None,
                    "footer": None,
                    "issuer": None,
                    "metadata": {},
                    "rendering_options": None,
                },
            }
        expires_at = _int(p.get("expires_at", self.now + DAY), "expires_at")
        session = from_fixture(
            "checkout.session",
            adaptive_pricing={"enabled": False},
            after_expiration=None,
            allow_promotion_codes=(
                _bool(p["allow_promotion_codes"], "allow_promotion_codes")
                if "allow_promotion_codes" in p
                else None
            ),
            amount_subtotal=total,
            amount_total=total,
            automatic_tax={"enabled": False, "liability": None, "provider": None, "status": None},
            billing_address_collection=p.get("billing_address_collection"),
            cancel_url=_opt_str(p, "cancel_url"),
            client_reference_id=reference,
            client_secret=None,
            collected_information=None,
            consent=None,
            consent_collection=None,
            created=self.now,
            currency=lines[0]["currency"],
            currency_conversion=None,
            custom_fields=[],
            custom_text={
                "after_submit": None,
                "shipping_address": None,
                "submit": None,
                "terms_of_service_acceptance": None,
            },
            customer=customer_id,
            customer_account=None,
            customer_creation=(
                p.get("customer_creation", "if_required")
                if mode == "payment" and not customer_id
                else None
            ),
            customer_details=None,
            customer_email=_opt_str(p, "customer_email"),
            discounts=[],
            expires_at=expires_at,
            id=session_id,
            integration_identifier=None,
            invoice=None,
            invoice_creation=invoice_creation,
            livemode=False,
            locale=p.get("locale"),
            managed_payments={"enabled": False},
            metadata=_metadata({}, p.get("metadata")),
            mode=mode,
            origin_context=None,
            payment_intent=None,
            payment_link=None,
            payment_method_collection="always" if mode == "subscription" else None,
            payment_method_configuration_details=None,
            payment_method_options={},
            payment_method_types=["card"],
            payment_status="unpaid",
            permissions=None,
            phone_number_collection={"enabled": False},
            recovered_from=None,
            saved_payment_method_options=None,
            setup_intent=None,
            shipping_address_collection=None,
            shipping_cost=None,
            shipping_options=[],
            status="open",
            submit_type=p.get("submit_type"),
            subscription=None,
            success_url=_opt_str(p, "success_url"),
            total_details={"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
            ui_mode="hosted",
            url=f"https://checkout.stripe.test/c/pay/{session_id}",
            wallet_options=None,
        )
        subscription_data = p.get("subscription_data") or {}
        payment_intent_data = p.get("payment_intent_data") or {}
        if not isinstance(subscription_data, dict) or not isinstance(payment_intent_data, dict):
            raise _error("Invalid hash", "subscription_data")
        self._session_data[session_id] = {
            "subscription_metadata": _metadata(
                {}, subscription_data.get("metadata"), "subscription_data[metadata]"
            ),
            "subscription_description": subscription_data.get("description"),
            "subscription_trial_end": self._trial_end(subscription_data),
            "payment_intent_metadata": _metadata(
                {}, payment_intent_data.get("metadata"), "payment_intent_data[metadata]"
            ),
            "payment_intent_description": payment_intent_data.get("description"),
            "receipt_email": payment_intent_data.get("receipt_email"),
        }
        self._line_items[session_id] = lines
        self.checkout_sessions[session_id] = session
        return self.view(session)

    def _trial_end(self, subscription_data: JSON) -> int | None:
        """`subscription_data[trial_end]`: as on Stripe, at least 48 hours ahead."""
        if subscription_data.get("trial_end") is None:
            return None
        trial_end = _int(subscription_data["trial_end"], "subscription_data[trial_end]")
        if trial_end < self.now + 2 * DAY:
            raise _error(
                "subscription_data[trial_end] must be at least 48 hours in the future.",
                "subscription_data[trial_end]",
            )
        return trial_end

    def _get_checkout_session(self, p: JSON, session_id: str) -> JSON:
        return self.view(self._get("checkout_sessions", session_id))

    # ---- simulations ---------------------------------------------------------------------

    def _open_session(self, session_id: str) -> JSON:
        session = self.checkout_sessions.get(session_id)
        if session is None:
            raise LookupError(f"No such checkout.session: '{session_id}'")
        if session["status"] != "open":
            raise ValueError(f"Checkout Session {session_id} is {session['status']}, not open")
        return session

    def _checkout_customer(
        self, session: JSON, email: str | None, name: str | None, create: bool
    ) -> tuple[JSON | None, list[JSON]]:
        if session["customer"]:
            return self.customers[session["customer"]], []
        if not create:
            return None, []
        address = (
            email or session["customer_email"] or f"buyer{len(self.customers) + 1}@example.com"
        )
        before = len(self.events)
        customer = self._create_customer({"email": address, "name": name})
        customer = self.customers[customer["id"]]
        return customer, self.events[before:]

    def _customer_details(self, session: JSON, customer: JSON | None, email, name) -> JSON:
        return {
            "address": {
                "city": None,
                "country": None,
                "line1": None,
                "line2": None,
                "postal_code": None,
                "state": None,
            },
            "business_name": None,
            "email": (customer or {}).get("email")
            or email
            or session["customer_email"]
            or "buyer@example.com",
            "individual_name": None,
            "name": (customer or {}).get("name") or name,
            "phone": None,
            "tax_exempt": "none",
            "tax_ids": [],
        }

    def complete_checkout(
        self,
        session_id: str,
        *,
        async_payment: bool = False,
        email: str | None = None,
        name: str | None = None,
        create_customer: bool | None = None,
    ) -> list[JSON]:
        """The customer pays on the hosted Checkout page; returns the events Stripe sends.

        subscription mode: [customer.created], customer.subscription.created, invoice.created
        (draft), invoice.finalized, invoice.paid, invoice.payment_succeeded,
        checkout.session.completed. With `async_payment` (a bank debit) the invoice stays open
        while the payment processes, the subscription is active, and the session completes
        "unpaid": [customer.created], customer.subscription.created, invoice.created,
        invoice.finalized, checkout.session.completed; then see `settle_async`.

        payment mode: [customer.created], payment_intent.created, payment_intent.succeeded
        (async: payment_intent.processing), checkout.session.completed. As on Stripe, payment
        mode only makes a Customer when the session has `customer`, `customer_creation=always`
        or invoice creation on (`create_customer=True` forces one); otherwise the buyer is a
        guest: session.customer stays None and the email is in `customer_details`.
        """
        with self._lock:
            session = self._open_session(session_id)
            if session["expires_at"] <= self.now:
                raise ValueError(
                    f"Checkout Session {session_id} expired at {session['expires_at']}"
                )
            if session["mode"] == "subscription":
                return self._complete_subscription_checkout(session, async_payment, email, name)
            return self._complete_payment_checkout(
                session, async_payment, email, name, create_customer
            )

    def _complete_subscription_checkout(self, session, async_payment, email, name):
        data = self._session_data[session["id"]]
        customer, events = self._checkout_customer(session, email, name, create=True)
        lines = self._line_items[session["id"]]
        if customer["currency"] is None:
            customer["currency"] = session["currency"]
        subscription = self._new_subscription(
            customer,
            lines,
            metadata=data["subscription_metadata"],
            description=data["subscription_description"],
            status="active",
        )
        trial_end = data["subscription_trial_end"]
        if trial_end:
            self._start_trial(subscription, trial_end)
        start, end = self._period(subscription)
        invoice = self._new_invoice(
            subscription,
            billing_reason="subscription_create",
            line_period=(start, end),
            invoice_period=(self.now, self.now),
            one_time=[x for x in lines if x["price"]["type"] != "recurring"],
        )
        if trial_end:  # the trial's invoice is for nothing
            for line in invoice["lines"]["data"]:
                line["amount"] = 0
            invoice.update(amount_due=0, amount_remaining=0, subtotal=0, total=0)
        events.append(self.event("customer.subscription.created", subscription))
        events.append(self.event("invoice.created", invoice))
        events.append(self._finalize(invoice))
        if not async_payment:
            events.extend(self._mark_paid(invoice))
        session.update(
            status="complete",
            payment_status=(
                "no_payment_required" if trial_end else "unpaid" if async_payment else "paid"
            ),
            amount_total=0 if trial_end else session["amount_total"],
            customer=customer["id"],
            customer_details=self._customer_details(session, customer, email, name),
            subscription=subscription["id"],
            invoice=invoice["id"],
            url=None,
        )
        events.append(self.event("checkout.session.completed", session))
        return events

    def _complete_payment_checkout(self, session, async_payment, email, name, create_customer):
        if create_customer is None:
            create_customer = session["customer_creation"] == "always" or bool(
                (session["invoice_creation"] or {}).get("enabled")
            )
        customer, events = self._checkout_customer(session, email, name, create=create_customer)
        intent = self._new_payment_intent(
            session, customer["id"] if customer else None, "sepa_debit" if async_payment else "card"
        )
        events.append(self.event("payment_intent.created", intent))
        if async_payment:
            intent["status"] = "processing"
            events.append(self.event("payment_intent.processing", intent))
        else:
            self._intent_succeeded(intent)
            events.append(self.event("payment_intent.succeeded", intent))
        session.update(
            status="complete",
            payment_status="unpaid" if async_payment else "paid",
            customer=customer["id"] if customer else None,
            customer_details=self._customer_details(session, customer, email, name),
            payment_intent=intent["id"],
            url=None,
        )
        events.append(self.event("checkout.session.completed", session))
        return events

    def settle_async(self, session_id: str, *, succeed: bool = True) -> list[JSON]:
        """The delayed payment of a Checkout completed with `async_payment=True` clears or fails.

        Success: (payment) payment_intent.succeeded / (subscription) invoice.paid,
        invoice.payment_succeeded; then checkout.session.async_payment_succeeded, and the
        session's payment_status becomes "paid". Failure: payment_intent.payment_failed /
        invoice.payment_failed + customer.subscription.updated (past_due); then
        checkout.session.async_payment_failed, and the session stays "unpaid".
        """
        with self._lock:
            session = self.checkout_sessions.get(session_id)
            if session is None:
                raise LookupError(f"No such checkout.session: '{session_id}'")
            if session["status"] != "complete" or session["payment_status"] != "unpaid":
                raise ValueError(f"Checkout Session {session_id} has no payment processing")
            events: list[JSON] = []
            if session["mode"] == "payment":
                intent = self.payment_intents[session["payment_intent"]]
                if succeed:
                    self._intent_succeeded(intent)
                    events.append(self.event("payment_intent.succeeded", intent))
                else:
                    intent.update(
                        status="requires_payment_method",
                        last_payment_error={
                            "code": "payment_intent_payment_attempt_failed",
                            "message": "The payment failed.",
                            "type": "invalid_request_error",
                        },
                    )
                    events.append(self.event("payment_intent.payment_failed", intent))
            else:
                invoice = self.invoices[session["invoice"]]
                if succeed:
                    events.extend(self._settle_invoice(invoice))
                else:
                    events.append(self._mark_failed(invoice))
                    subscription = self.subscriptions[session["subscription"]]
                    events.append(
                        self._changed(
                            subscription,
                            "customer.subscription.updated",
                            lambda obj: obj.update(status="past_due"),
                        )
                    )
            if succeed:
                session["payment_status"] = "paid"
                events.append(self.event("checkout.session.async_payment_succeeded", session))
            else:
                events.append(self.event("checkout.session.async_payment_failed", session))
            return [e for e in events if e]
