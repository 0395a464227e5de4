"""Invoices: made by subscriptions (first period, renewals), finalized, paid or failed; an
invoice names its subscription under `parent.subscription_details.subscription`, its lines carry
`period` and `pricing.price_details.price`. `pay_invoice` plays a retry succeeding.

As in the current API, an invoice carries no `payment_intent`: a paid invoice has an Invoice
Payment (`/v1/invoice_payments`, filtered by `invoice` or by `payment[payment_intent]`) that
names the PaymentIntent (and so the Charge) that paid it, which is what a refund needs.
"""

from __future__ import annotations

from collections.abc import Iterable

from .core import ID, StripeCore
from .fixtures import from_fixture
from .wire import DAY, JSON, _created_filter, _error

_CURRENCY_SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "cad": "CA$", "aud": "A$"}


def _money(amount: int, currency: str) -> str:
    symbol = _CURRENCY_SYMBOLS.get(currency)
    text = f"{amount / 100:,.2f}"
    return f"{symbol}{text}" if symbol else f"{text} {currency.upper()}"


class Invoices(StripeCore):
    stores = {"invoices": "invoice", "invoice_payments": "invoice_payment"}
    invoices: dict[str, JSON]
    invoice_payments: dict[str, JSON]
    routes = (
        ("GET", "/v1/invoices", "_list_invoices", "InvoiceListParams"),
        ("GET", "/v1/invoice_payments", "_list_invoice_payments", "InvoicePaymentListParams"),
        (
            "GET",
            f"/v1/invoice_payments/{ID}",
            "_get_invoice_payment",
            "InvoicePaymentRetrieveParams",
        ),
    )

    def _list_invoice_payments(self, p: JSON) -> JSON:
        rows = list(self.invoice_payments.values())
        for name in ("invoice", "status"):
            if name in p:
                rows = [row for row in rows if row[name] == p[name]]
        payment = p.get("payment")
        if payment is not None:
            if not isinstance(payment, dict) or "type" not in payment:
                raise _error("Missing required param: payment[type].", "payment[type]")
            rows = [row for row in rows if row["payment"]["type"] == payment["type"]]
            if "payment_intent" in payment:
                rows = [
                    row
                    for row in rows
                    if row["payment"].get("payment_intent") == payment["payment_intent"]
                ]
        return self._list_response("/v1/invoice_payments", rows, p)

    def _get_invoice_payment(self, p: JSON, invoice_payment_id: str) -> JSON:
        return self.view(self._get("invoice_payments", invoice_payment_id))

    def _new_invoice_payment(self, invoice: JSON) -> JSON:
        """The invoice is paid by card: a succeeded PaymentIntent and Charge, and the Invoice
        Payment linking them to the invoice."""
        customer = self.customers.get(invoice["customer"]) or {}
        intent = self._make_payment_intent(
            amount=invoice["amount_due"],
            currency=invoice["currency"],
            customer_id=invoice["customer"],
            description=(
                "Subscription creation"
                if invoice["billing_reason"] == "subscription_create"
                else "Subscription update"
            ),
            metadata={},
            receipt_email=customer.get("email"),
        )
        self._intent_succeeded(intent)
        intent["amount_received"] = invoice["amount_due"]
        row = from_fixture(
            "invoice_payment",
            amount_paid=invoice["amount_due"],
            amount_requested=invoice["amount_due"],
            created=self.now,
            currency=invoice["currency"],
            id=self._new_id("inpay_"),
            invoice=invoice["id"],
            is_default=True,
            livemode=False,
            payment={"type": "payment_intent", "payment_intent": intent["id"]},
            status="paid",
            status_transitions={"canceled_at": None, "paid_at": self.now},
        )
        self.invoice_payments[row["id"]] = row
        return row

    def _list_invoices(self, p: JSON) -> JSON:
        invoices = list(self.invoices.values())
        if "subscription" in p:
            invoices = [
                i
                for i in invoices
                if (i["parent"] or {}).get("subscription_details", {}).get("subscription")
                == p["subscription"]
            ]
        for name in ("status", "customer"):
            if name in p:
                invoices = [i for i in invoices if i[name] == p[name]]
        if "created" in p:
            keep = _created_filter(p["created"])
            invoices = [i for i in invoices if keep(i["created"])]
        return self._list_response("/v1/invoices", invoices, p)

    def _new_invoice(
        self,
        subscription: JSON,
        *,
        billing_reason: str,
        line_period: tuple[int, int],
        invoice_period: tuple[int, int],
        one_time: Iterable[JSON] = (),
    ) -> JSON:
        """A draft invoice for the subscription's items over `line_period` (plus one-time
        checkout line items). Like Stripe, the invoice's own period_start/period_end cover the
        period *before* the one billed (for the first invoice both are its creation time); the
        billed period is on the lines."""
        invoice_id = self._new_id("in_")
        customer = self.customers[subscription["customer"]]
        lines = []
        for item in subscription["items"]["data"]:
            lines.append(
                self._invoice_line(invoice_id, subscription, item["price"], item, line_period)
            )
        for extra in one_time:
            lines.append(self._invoice_line(invoice_id, subscription, extra["price"], extra, None))
        total = sum(line["amount"] for line in lines)
        invoice = from_fixture(
            "invoice",
            account_country="US",
            account_name=None,
            account_tax_ids=None,
            amount_due=total,
            amount_overpaid=0,
            amount_paid=0,
            amount_remaining=total,
            amount_shipping=0,
            application=None,
            attempt_count=0,
            attempted=False,
            auto_advance=True,
            automatic_tax={
                "disabled_reason": None,
                "enabled": False,
                "liability": None,
                "provider": None,
                "status": None,
            },
            automatically_finalizes_at=self.now + 3600,
            billing_reason=billing_reason,
            collection_method="charge_automatically",
            created=self.now,
            currency=subscription["currency"],
            custom_fields=None,
            customer=customer["id"],
            customer_account=None,
            customer_address=None,
            customer_email=customer["email"],
            customer_name=customer["name"],
            customer_phone=customer["phone"],
            customer_shipping=None,
            customer_tax_exempt="none",
            customer_tax_ids=[],
            default_payment_method=None,
            default_source=None,
            default_tax_rates=[],
            description=None,
            discounts=[],
            due_date=None,
            effective_at=None,
            ending_balance=None,
            footer=None,
            from_invoice=None,
            hosted_invoice_url=None,
            id=invoice_id,
            invoice_pdf=None,
            issuer={"type": "self"},
            last_finalization_error=None,
            latest_revision=None,
            lines={
                "data": lines,
                "has_more": False,
                "object": "list",
                "url": f"/v1/invoices/{invoice_id}/lines",
            },
            livemode=False,
            metadata={},
            next_payment_attempt=None,
            number=None,
            on_behalf_of=None,
            parent={
                "quote_details": None,
                "subscription_details": {
                    "metadata": dict(subscription["metadata"]),
                    "subscription": subscription["id"],
                },
                "type": "subscription_details",
            },
            payment_settings={
                "default_mandate": None,
                "payment_method_options": None,
                "payment_method_types": None,
            },
            period_end=invoice_period[1],
            period_start=invoice_period[0],
            post_payment_credit_notes_amount=0,
            pre_payment_credit_notes_amount=0,
            receipt_number=None,
            rendering=None,
            shipping_cost=None,
            shipping_details=None,
            starting_balance=0,
            statement_descriptor=None,
            status="draft",
            status_transitions={
                "finalized_at": None,
                "marked_uncollectible_at": None,
                "paid_at": None,
                "voided_at": None,
            },
            subscription=subscription["id"],
            subtotal=total,
            subtotal_excluding_tax=total,
            test_clock=None,
            total=total,
            total_discount_amounts=[],
            total_excluding_tax=total,
            total_pretax_credit_amounts=[],
            total_taxes=[],
            webhooks_delivered_at=None,
        )
        self.invoices[invoice_id] = invoice
        subscription["latest_invoice"] = invoice_id
        return invoice

    def _invoice_line(
        self,
        invoice_id: str,
        subscription: JSON,
        price: JSON,
        source: JSON,
        period: tuple[int, int] | None,
    ) -> JSON:
        quantity = source["quantity"]
        amount = (price["unit_amount"] or 0) * quantity
        product = self.products.get(price["product"], {})
        name = product.get("name", price["product"])
        if price["recurring"]:
            unit = _money(price["unit_amount"] or 0, price["currency"])
            interval = price["recurring"]["interval"]
            description = f"{quantity} \u00d7 {name} (at {unit} / {interval})"
            parent = {
                "invoice_item_details": None,
                "subscription_item_details": {
                    "invoice_item": None,
                    "proration": False,
                    "proration_details": {"credited_items": None},
                    "subscription": subscription["id"],
                    "subscription_item": source["id"],
                },
                "type": "subscription_item_details",
            }
        else:
            description = name
            parent = {
                "invoice_item_details": {
                    "invoice_item": self._new_id("ii_"),
                    "proration": False,
                    "proration_details": {"credited_items": None},
                    "subscription": subscription["id"],
                },
                "subscription_item_details": None,
                "type": "invoice_item_details",
            }
            period = (self.now, self.now)
        return from_fixture(
            "line_item",
            amount=amount,
            currency=price["currency"],
            description=description,
            discount_amounts=[],
            discountable=True,
            discounts=[],
            id=self._new_id("il_"),
            invoice=invoice_id,
            livemode=False,
            metadata=dict(subscription["metadata"]) if price["recurring"] else {},
            parent=parent,
            period={"end": period[1], "start": period[0]},
            pretax_credit_amounts=[],
            pricing={
                "price_details": {"price": price["id"], "product": price["product"]},
                "type": "price_details",
                "unit_amount_decimal": price["unit_amount_decimal"],
            },
            quantity=quantity,
            quantity_decimal=str(quantity),
            subscription=subscription["id"],
            subtotal=amount,
            taxes=[],
        )

    def _finalize(self, invoice: JSON) -> JSON:
        customer = self.customers[invoice["customer"]]
        sequence = customer["next_invoice_sequence"]
        customer["next_invoice_sequence"] = sequence + 1
        invoice.update(
            status="open",
            number=f"{customer['invoice_prefix']}-{sequence:04d}",
            effective_at=self.now,
            ending_balance=0,
            automatically_finalizes_at=None,
            hosted_invoice_url=f"https://invoice.stripe.test/i/{invoice['id']}",
            invoice_pdf=f"https://pay.stripe.test/invoice/{invoice['id']}/pdf",
            webhooks_delivered_at=self.now,
        )
        invoice["status_transitions"]["finalized_at"] = self.now
        return self.event("invoice.finalized", invoice)

    def _mark_paid(self, invoice: JSON) -> list[JSON]:
        if invoice["amount_due"]:
            self._new_invoice_payment(invoice)
        invoice.update(
            status="paid",
            amount_paid=invoice["amount_due"],
            amount_remaining=0,
            attempted=True,
            attempt_count=invoice["attempt_count"] + 1,
            auto_advance=False,
            next_payment_attempt=None,
        )
        invoice["status_transitions"]["paid_at"] = self.now
        return [
            self.event("invoice.paid", invoice),
            self.event("invoice.payment_succeeded", invoice),
        ]

    def _mark_failed(self, invoice: JSON) -> JSON:
        attempts = invoice["attempt_count"] + 1
        invoice.update(
            attempted=True,
            attempt_count=attempts,
            # Smart Retries: a few more attempts over the following weeks, then give up
            next_payment_attempt=self.now + 3 * DAY * attempts if attempts < 4 else None,
        )
        return self.event("invoice.payment_failed", invoice)

    def _settle_invoice(self, invoice: JSON) -> list[JSON]:
        events = self._mark_paid(invoice)
        subscription = self.subscriptions.get(invoice["subscription"] or "")
        if subscription and subscription["status"] in (
            "past_due",
            "unpaid",
            "incomplete",
            "trialing",
        ):
            update = self._changed(
                subscription,
                "customer.subscription.updated",
                lambda obj: obj.update(status="active"),
            )
            events.append(update)
        return [e for e in events if e]

    def pay_invoice(self, invoice_id: str) -> list[JSON]:
        """An open invoice gets paid (a retry succeeds, or the customer pays it): invoice.paid,
        invoice.payment_succeeded, and customer.subscription.updated if the subscription goes
        back to active."""
        with self._lock:
            invoice = self.invoices.get(invoice_id)
            if invoice is None:
                raise LookupError(f"No such invoice: '{invoice_id}'")
            if invoice["status"] != "open":
                raise ValueError(f"Invoice {invoice_id} is {invoice['status']}, not open")
            return self._settle_invoice(invoice)
