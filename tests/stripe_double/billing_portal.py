"""Billing portal sessions: the link that sends a member to Stripe's Customer Portal."""

from __future__ import annotations

from typing import Any

from .core import StripeCore
from .fixtures import from_fixture
from .wire import JSON, _error, _opt_str


class BillingPortal(StripeCore):
    stores = {"portal_sessions": "billing_portal.session"}
    routes = (
        (
            "POST",
            "/v1/billing_portal/sessions",
            "_create_portal_session",
            "billing_portal.SessionCreateParams",
        ),
    )
    portal_sessions: dict[str, JSON]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._portal_configuration = self._new_id("bpc_")

    def _create_portal_session(self, p: JSON) -> JSON:
        if not p.get("customer"):
            raise _error("Missing required param: customer.", "customer", "parameter_missing")
        customer = self._get("customers", p["customer"], param="customer", status=400)
        session_id = self._new_id("bps_")
        session = from_fixture(
            "billing_portal.session",
            configuration=p.get("configuration") or self._portal_configuration,
            created=self.now,
            customer=customer["id"],
            customer_account=None,
            flow=None,
            id=session_id,
            livemode=False,
            locale=p.get("locale"),
            on_behalf_of=p.get("on_behalf_of"),
            return_url=_opt_str(p, "return_url"),
            url=f"https://billing.stripe.test/p/session/{session_id}",
        )
        self.portal_sessions[session_id] = session
        return self.view(session)
