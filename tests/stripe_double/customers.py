"""Customers: made by a completed Checkout; tests also create them through the API to stand
for a member who already has one."""

from __future__ import annotations

import hashlib

from .core import StripeCore
from .fixtures import from_fixture
from .wire import JSON, _list, _metadata, _opt_str


class Customers(StripeCore):
    stores = {"customers": "customer"}
    routes = (("POST", "/v1/customers", "_create_customer", "CustomerCreateParams"),)
    customers: dict[str, JSON]

    def _create_customer(self, p: JSON) -> JSON:
        customer_id = self._new_id("cus_")
        prefix = hashlib.sha256(customer_id.encode()).hexdigest()[:8].upper()
        customer = from_fixture(
            "customer",
            address=None,
            balance=0,
            created=self.now,
            currency=None,
            default_source=None,
            delinquent=False,
            description=_opt_str(p, "description"),
            discount=None,
            email=_opt_str(p, "email"),
            id=customer_id,
            invoice_prefix=prefix,
            invoice_settings={
                "custom_fields": None,
                "default_payment_method": None,
                "footer": None,
                "rendering_options": None,
            },
            livemode=False,
            metadata=_metadata({}, p.get("metadata")),
            name=_opt_str(p, "name"),
            next_invoice_sequence=1,
            phone=_opt_str(p, "phone"),
            preferred_locales=_list(p.get("preferred_locales"), "preferred_locales"),
            shipping=None,
            tax_exempt="none",
            test_clock=None,
        )
        self.customers[customer_id] = customer
        self.event("customer.created", customer)
        return self.view(customer)
