"""Events: what the double records when an object changes, and how Stripe delivers them.

`Events.event()` snapshots an object into a Stripe event and keeps it in `fake.events`;
`sign_payload` / `event_payload` / `post_event` deliver an event to a webhook view with the
`Stripe-Signature` header Stripe would send.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

from .core import StripeCore
from .fixtures import from_fixture
from .wire import API_VERSION, JSON, _created_filter, _error, _list


def _diff(before: JSON, after: JSON) -> JSON:
    """Stripe's `previous_attributes`: old values of changed fields; nested hashes only list
    their changed keys (a key that was added shows as None), lists and scalars appear whole."""
    changed: JSON = {}
    for key in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if isinstance(old, dict) and isinstance(new, dict) and old.get("object") != "list":
            changed[key] = _diff(old, new)
        else:
            changed[key] = copy.deepcopy(old)
    return changed


def sign_payload(payload: bytes | str, secret: str, timestamp: int | None = None) -> str:
    """The `Stripe-Signature` header Stripe sends with `payload`: `t=<ts>,v1=<hmac-sha256 hex>`.

    `timestamp` defaults to the real current time (the library checks it against time.time(),
    not against the double's clock).
    """
    if isinstance(payload, bytes):
        payload = payload.decode("utf-8")
    if timestamp is None:
        timestamp = int(time.time())
    signed = f"{timestamp}.{payload}".encode()
    digest = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def event_payload(event: JSON | str | bytes) -> bytes:
    """The webhook body for `event` (the bytes to sign and to post)."""
    if isinstance(event, bytes):
        return event
    if isinstance(event, str):
        return event.encode("utf-8")
    return json.dumps(event, indent=2).encode("utf-8")


def post_event(
    client: Any,
    event: JSON | str | bytes,
    secret: str,
    *,
    url: str = "/stripe/webhook/",
    timestamp: int | None = None,
    signature: str | None = None,
) -> Any:
    """POST `event` to the webhook view with Django's test `client`, signed as Stripe signs it
    (or with `signature` as given, e.g. a bad one). Returns the response."""
    payload = event_payload(event)
    header = signature if signature is not None else sign_payload(payload, secret, timestamp)
    return client.post(
        url, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )


class Events(StripeCore):
    """Recording events; every resource and simulation reports its changes through these.
    `GET /v1/events` lists them as Stripe does (newest first; `type`, `types`, `created`)."""

    routes = (("GET", "/v1/events", "_list_events", "EventListParams"),)

    def _list_events(self, p: JSON) -> JSON:
        events = list(self.events)
        if "type" in p:
            events = [e for e in events if e["type"] == p["type"]]
        if "types" in p:
            types = _list(p["types"], "types")
            if len(types) > 20:
                raise _error("You may pass up to 20 types.", "types")
            events = [e for e in events if e["type"] in types]
        if "created" in p:
            keep = _created_filter(p["created"])
            events = [e for e in events if keep(e["created"])]
        return self._list_response("/v1/events", events, p)

    def event(self, type: str, obj: JSON, previous_attributes: JSON | None = None) -> JSON:
        """Record and return a Stripe event of `type` whose `data.object` is a snapshot of `obj`
        now (plus `previous_attributes` for *.updated events)."""
        data: JSON = {"object": self.view(obj)}
        if previous_attributes is not None:
            data["previous_attributes"] = copy.deepcopy(previous_attributes)
        evt = from_fixture(
            "event",
            id=self._new_id("evt_"),
            api_version=API_VERSION,
            created=self.now,
            data=data,
            livemode=False,
            pending_webhooks=1,
            request=dict(self._request_context),
            type=type,
        )
        self.events.append(evt)
        return evt

    def _changed(self, obj: JSON, type: str, change: Callable[[JSON], None]) -> JSON | None:
        """Apply `change` to `obj`; an event with `previous_attributes` if anything changed."""
        before = self.view(obj)
        change(obj)
        previous = _diff(before, self.view(obj))
        return self.event(type, obj, previous) if previous else None

    def events_of(self, *types: str) -> list[JSON]:
        """Recorded events, oldest first, optionally only those of the given types."""
        return [e for e in self.events if not types or e["type"] in types]
