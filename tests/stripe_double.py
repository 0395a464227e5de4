"""A local Stripe double that the real `stripe` library talks to.

`FakeStripe` is a `stripe.HTTPClient`: hand it to `stripe.StripeClient(..., http_client=fake)` (or
set `membership.stripe_gateway.HTTP_CLIENT = fake`) and the library encodes every request and
decodes every answer exactly as it would against api.stripe.com, while the state lives in memory
here. No network access, ever.

Every object starts as a deep copy of Stripe's published example for its resource (the OpenAPI
`fixtures3.json`) with the fields that matter overwritten, so objects carry all the real keys.
The current API shape applies: a subscription's period lives on its items
(`items.data[0].current_period_start/end`), an invoice names its subscription under
`parent.subscription_details.subscription`, invoice lines carry `period` and
`pricing.price_details.price`.

Simulations (`complete_checkout`, `renew`, `fail_renewal`, `pay_invoice`, ...) do what Stripe does
when a customer pays or a billing cycle turns over; they return the events Stripe would send, in
order, and keep them in `fake.events` too. `sign_payload` / `post_event` deliver them to a webhook
view exactly as Stripe would sign them.
"""

from __future__ import annotations

import asyncio
import calendar
import copy
import datetime
import functools
import hashlib
import hmac
import itertools
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import stripe
import stripe.params
import stripe.params.billing_portal
import stripe.params.checkout
from stripe._http_client import HTTPClient

# Stripe's OpenAPI example objects. A copy inside the repository wins over the shared one.
_FIXTURE_CANDIDATES = [
    os.environ.get("STRIPE_FIXTURES_PATH", ""),
    str(Path(__file__).parent / "fixtures" / "stripe" / "fixtures3.json"),
    "/work/shared/stripe/fixtures3.json",
]

API_VERSION: str = stripe.api_version
DAY = 86_400
IDEMPOTENCY_KEY_LIFETIME = DAY

JSON = dict[str, Any]


# --------------------------------------------------------------------------------------------
# Fixtures


@functools.cache
def _resources() -> dict[str, JSON]:
    for candidate in _FIXTURE_CANDIDATES:
        if candidate and Path(candidate).is_file():
            with Path(candidate).open(encoding="utf-8") as fh:
                return json.load(fh)["resources"]
    raise FileNotFoundError(
        "Stripe's fixtures3.json not found; set STRIPE_FIXTURES_PATH. Looked in: "
        + ", ".join(c for c in _FIXTURE_CANDIDATES if c)
    )


def fixture(kind: str) -> JSON:
    """A deep copy of Stripe's published example object for `kind` ("invoice", "price", ...)."""
    return copy.deepcopy(_resources()[kind])


def from_fixture(kind: str, **fields: Any) -> JSON:
    """Stripe's example `kind` with `fields` overwritten; every field must exist in the example."""
    obj = fixture(kind)
    unknown = sorted(set(fields) - set(obj))
    if unknown:
        raise KeyError(f"Stripe's {kind} example has no field(s) {unknown}")
    obj.update(fields)
    return obj


# --------------------------------------------------------------------------------------------
# Wire helpers


def decode_form(body: str | bytes | None) -> JSON:
    """Decode a Stripe form body or query string into nested dicts and lists.

    `recurring[interval]=year` -> {"recurring": {"interval": "year"}};
    `line_items[0][price]=p` -> {"line_items": [{"price": "p"}]}; `expand[]=a&expand[]=b` and
    `expand[0]=a` -> {"expand": ["a", "b"]}. Values stay strings, as on the wire.
    """
    if not body:
        return {}
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    root: JSON = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        head, bracket, rest = key.partition("[")
        parts = [head, *re.findall(r"\[([^\]]*)\]", bracket + rest)]
        node = root
        for index, part in enumerate(parts):
            if part == "":  # "key[]": the next free index
                part = str(len(node))
            if index == len(parts) - 1:
                node[part] = value
            else:
                child = node.get(part)
                if not isinstance(child, dict):
                    child = node[part] = {}
                node = child
    return _listify(root)


def _listify(node: Any, key: str | None = None) -> Any:
    if isinstance(node, dict):
        node = {k: _listify(v, k) for k, v in node.items()}
        if node and key != "metadata" and all(k.isdigit() for k in node):
            return [node[k] for k in sorted(node, key=int)]
    return node


class _Headers(dict):
    """Response headers; lookups ignore case, as `requests`' headers do (the library relies on it:
    it asks for both "Request-Id" and "request-id")."""

    def __init__(self, items: dict[str, str]):
        super().__init__({k.lower(): v for k, v in items.items()})

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key.lower(), default)


class StripeFailure(Exception):
    """An error answer: HTTP status plus the `error` hash Stripe would send."""

    def __init__(self, status: int, error: JSON, headers: dict[str, str] | None = None):
        super().__init__(error.get("message"))
        self.status = status
        self.error = error
        self.headers = headers or {}


def _error(
    message: str,
    param: str | None = None,
    code: str | None = None,
    *,
    status: int = 400,
    error_type: str = "invalid_request_error",
) -> StripeFailure:
    error: JSON = {"type": error_type, "message": message}
    if code:
        error["code"] = code
        error["doc_url"] = f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}"
    if param:
        error["param"] = param
    return StripeFailure(status, error)


def _no_such(label: str, obj_id: str, param: str = "id", status: int = 404) -> StripeFailure:
    return _error(f"No such {label}: '{obj_id}'", param, "resource_missing", status=status)


def _int(value: Any, param: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)
    raise _error(f"Invalid integer: {value}", param, "parameter_invalid_integer")


def _bool(value: Any, param: str) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise _error(f"Invalid boolean: {value}", param)


def _str(value: Any, param: str) -> str:
    if isinstance(value, int | str) and not isinstance(value, bool):
        return str(value)
    raise _error(f"Invalid string: {value!r}", param)


def _opt_str(params: JSON, name: str) -> str | None:
    """A nullable string parameter: absent -> None, "" (Stripe's "unset") -> None."""
    value = params.get(name)
    return None if value in (None, "") else _str(value, name)


def _list(value: Any, param: str) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [value]
    raise _error(f"Invalid array: {value!r}", param)


def _metadata(current: JSON | None, value: Any, param: str = "metadata") -> JSON:
    """Stripe's metadata update: keys merge, "" deletes a key, `metadata=""` clears them all."""
    if value is None:
        return dict(current or {})
    if value == "":
        return {}
    if not isinstance(value, dict):
        raise _error("Invalid hash", param)
    merged = dict(current or {})
    for key, item in value.items():
        if len(key) > 40:
            raise _error(f"Metadata keys can have up to 40 characters: {key}", f"{param}[{key}]")
        if item in ("", None):
            merged.pop(key, None)
            continue
        text = _str(item, f"{param}[{key}]")
        if len(text) > 500:
            raise _error("Metadata values can have up to 500 characters.", f"{param}[{key}]")
        merged[key] = text
    if len(merged) > 50:
        raise _error("Metadata can have up to 50 keys.", param)
    return merged


def _check_params(params: JSON, typed_dict_name: str) -> None:
    """Stripe rejects parameters an endpoint does not know; the allowed names come from the
    library's own request TypedDicts (e.g. stripe.params.PriceUpdateParams)."""
    module_name, _, class_name = typed_dict_name.rpartition(".")
    module = {
        "": stripe.params,
        "checkout": stripe.params.checkout,
        "billing_portal": stripe.params.billing_portal,
    }[module_name]
    spec = getattr(module, class_name, None)
    if spec is None:  # a future library without this class: skip the check
        return
    allowed = set(spec.__required_keys__) | set(spec.__optional_keys__)
    for name in params:
        if name not in allowed:
            raise _error(f"Received unknown parameter: {name}", name, "parameter_unknown")


def add_interval(timestamp: int, interval: str, count: int = 1) -> int:
    """`timestamp` moved on by `count` calendar intervals (day, week, month, year), in UTC.

    Months and years keep the day of month, clamped to the month's length (Jan 31 + 1 month =
    Feb 28/29), as Stripe's billing cycles do.
    """
    moment = datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)
    if interval == "day":
        moment += datetime.timedelta(days=count)
    elif interval == "week":
        moment += datetime.timedelta(weeks=count)
    elif interval in ("month", "year"):
        months = moment.month - 1 + count * (12 if interval == "year" else 1)
        year, month = moment.year + months // 12, months % 12 + 1
        day = min(moment.day, calendar.monthrange(year, month)[1])
        moment = moment.replace(year=year, month=month, day=day)
    else:
        raise ValueError(f"unknown interval {interval!r}")
    return int(moment.timestamp())


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


_CURRENCY_SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "cad": "CA$", "aud": "A$"}


def _money(amount: int, currency: str) -> str:
    symbol = _CURRENCY_SYMBOLS.get(currency)
    text = f"{amount / 100:,.2f}"
    return f"{symbol}{text}" if symbol else f"{text} {currency.upper()}"


# --------------------------------------------------------------------------------------------
# Webhook helpers


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


# --------------------------------------------------------------------------------------------
# The double


@dataclass
class RecordedRequest:
    """One request as the double received it. `params` are decoded but stay strings."""

    method: str
    path: str
    params: JSON
    idempotency_key: str | None
    headers: dict[str, str] = field(repr=False, default_factory=dict)
    status: int | None = None
    replayed: bool = False


@dataclass
class InjectedFailure:
    method: str  # "GET", "POST", "DELETE" or "*"
    path_prefix: str
    status: int | None  # None: a network failure (APIConnectionError), no response at all
    error: JSON
    times: int | None
    should_retry: bool | None
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        return self.method in ("*", method) and path.startswith(self.path_prefix)


@dataclass
class _StoredResponse:
    fingerprint: tuple[str, str, str]
    body: str
    status: int
    headers: dict[str, str]
    stored_at: int


_LABELS = {  # store attribute -> object name used in "No such …" errors and `object`
    "products": "product",
    "prices": "price",
    "customers": "customer",
    "checkout_sessions": "checkout.session",
    "subscriptions": "subscription",
    "invoices": "invoice",
    "payment_intents": "payment_intent",
    "portal_sessions": "billing_portal.session",
}


class FakeStripe(HTTPClient):
    """An in-memory Stripe for the real library (see the module docstring).

    State: dicts by id (`products`, `prices`, `customers`, `checkout_sessions`, `subscriptions`,
    `invoices`, `payment_intents`, `portal_sessions`), `events` (oldest first) and `requests`
    (every request received). Clock: `now` (unix seconds), `advance()`.
    """

    name = "fake_stripe"

    def __init__(self, *, now: int | None = None, api_key: str | None = None):
        super().__init__()
        self.now: int = int(time.time()) if now is None else int(now)
        self.api_key = api_key  # when set, only this key is accepted
        self.products: dict[str, JSON] = {}
        self.prices: dict[str, JSON] = {}
        self.customers: dict[str, JSON] = {}
        self.checkout_sessions: dict[str, JSON] = {}
        self.subscriptions: dict[str, JSON] = {}
        self.invoices: dict[str, JSON] = {}
        self.payment_intents: dict[str, JSON] = {}
        self.portal_sessions: dict[str, JSON] = {}
        self.events: list[JSON] = []
        self.requests: list[RecordedRequest] = []
        self.failures: list[InjectedFailure] = []
        self.retry_sleeps: list[float] = []  # back-off the library asked for (not slept)
        self.real_sleep = False
        self._line_items: dict[str, list[JSON]] = {}  # checkout session id -> line items
        self._session_data: dict[str, JSON] = {}  # checkout session id -> create params kept
        self._cycles: dict[str, int] = {}  # subscription id -> billing periods started
        self._idempotency: dict[str, _StoredResponse] = {}
        self._sequence = itertools.count(1)
        self._lock = threading.RLock()
        self._request_context: JSON = {"id": None, "idempotency_key": None}
        self._portal_configuration = self._new_id("bpc_")
        self._routes = self._build_routes()

    # ---- clock and ids -------------------------------------------------------------------

    def advance(self, days: float = 0, seconds: float = 0, *, hours: float = 0) -> int:
        """Move the clock on; returns the new `now`."""
        self.now += int(days * DAY + hours * 3600 + seconds)
        return self.now

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}Fk{next(self._sequence):012d}"

    # ---- HTTPClient interface ------------------------------------------------------------

    def request(
        self,
        method: str,
        url: str,
        headers: Any,
        post_data: Any = None,
        *,
        _usage: Any = None,
    ) -> tuple[str, int, dict[str, str]]:
        with self._lock:
            return self._handle(method.upper(), url, dict(headers or {}), post_data)

    def request_stream(self, method, url, headers, post_data=None, *, _usage=None):
        raise NotImplementedError("FakeStripe does not serve streamed (file) responses")

    async def request_async(self, method, url, headers, post_data=None):
        return self.request(method, url, headers, post_data)

    async def request_stream_async(self, method, url, headers, post_data=None):
        raise NotImplementedError("FakeStripe does not serve streamed (file) responses")

    def sleep_async(self, secs: float):
        return asyncio.sleep(secs)

    def close(self) -> None:
        pass

    async def close_async(self) -> None:
        pass

    def _sleep_time_seconds(self, num_retries: int) -> float:
        # The library sleeps 0.5 s, 1 s, ... between retries of 409/5xx answers; record the
        # back-off it asked for and skip the wait so failure tests stay fast.
        seconds = super()._sleep_time_seconds(num_retries)
        self.retry_sleeps.append(seconds)
        return seconds if self.real_sleep else 0.0

    # ---- failure injection ---------------------------------------------------------------

    def fail(
        self,
        method: str,
        path_prefix: str,
        status: int = 500,
        error_type: str = "api_error",
        times: int | None = None,
        *,
        code: str | None = None,
        message: str | None = None,
        should_retry: bool | None = None,
    ) -> InjectedFailure:
        """Answer matching requests with a Stripe-shaped error instead of handling them.

        `method` is "GET"/"POST"/"DELETE" or "*"; `times=None` means until `clear_failures()`.
        The library retries 409 and 5xx answers (max_network_retries) unless `should_retry`
        is False (sent as the `Stripe-Should-Retry` header); each attempt counts against `times`.
        """
        error: JSON = {
            "type": error_type,
            "message": message or f"Injected failure ({status}) for {method} {path_prefix}",
        }
        if code:
            error["code"] = code
        failure = InjectedFailure(method.upper(), path_prefix, status, error, times, should_retry)
        self.failures.append(failure)
        return failure

    def fail_connection(
        self,
        method: str,
        path_prefix: str,
        times: int | None = None,
        *,
        should_retry: bool = True,
    ) -> InjectedFailure:
        """Matching requests get no answer at all: the library sees `stripe.APIConnectionError`
        (and retries it while `should_retry`)."""
        error = {"message": f"Injected network failure for {method} {path_prefix}"}
        failure = InjectedFailure(method.upper(), path_prefix, None, error, times, should_retry)
        self.failures.append(failure)
        return failure

    def clear_failures(self) -> None:
        self.failures.clear()

    def _injected_failure(self, method: str, path: str) -> InjectedFailure | None:
        for failure in self.failures:
            if failure.matches(method, path):
                failure.hits += 1
                if failure.times is not None:
                    failure.times -= 1
                    if failure.times <= 0:
                        self.failures.remove(failure)
                return failure
        return None

    # ---- request handling ----------------------------------------------------------------

    def _handle(
        self, method: str, url: str, headers: dict[str, str], post_data: Any
    ) -> tuple[str, int, dict[str, str]]:
        parts = urlsplit(url)
        path = parts.path.rstrip("/") or "/"
        lowered = {k.lower(): v for k, v in headers.items()}
        params = decode_form(post_data if method == "POST" else parts.query)
        key = lowered.get("idempotency-key") if method == "POST" else None
        record = RecordedRequest(method, path, params, key, headers)
        self.requests.append(record)

        request_id = self._new_id("req_")
        response_headers = {
            "Content-Type": "application/json",
            "Request-Id": request_id,
            "Stripe-Version": lowered.get("stripe-version", API_VERSION),
        }
        if key:
            response_headers["Idempotency-Key"] = key

        def answer(status: int, payload: JSON, extra: dict[str, str] | None = None):
            record.status = status
            return json.dumps(payload), status, _Headers({**response_headers, **(extra or {})})

        try:
            self._authenticate(lowered.get("authorization"))
        except StripeFailure as exc:
            return answer(exc.status, {"error": exc.error})

        failure = self._injected_failure(method, path)
        if failure is not None:
            if failure.status is None:
                record.status = 0
                raise stripe.APIConnectionError(
                    failure.error["message"], should_retry=bool(failure.should_retry)
                )
            extra = {}
            if failure.should_retry is not None:
                extra["Stripe-Should-Retry"] = "true" if failure.should_retry else "false"
            return answer(failure.status, {"error": dict(failure.error)}, extra)

        fingerprint = (method, path, json.dumps(params, sort_keys=True))
        if key:
            stored = self._idempotency.get(key)
            if stored and self.now - stored.stored_at < IDEMPOTENCY_KEY_LIFETIME:
                if stored.fingerprint != fingerprint:
                    return answer(
                        400,
                        {
                            "error": {
                                "type": "idempotency_error",
                                "message": (
                                    "Keys for idempotent requests can only be used with the "
                                    "same parameters they were first used with. Try using a "
                                    f"key other than '{key}' if you meant to execute a "
                                    "different request."
                                ),
                            }
                        },
                    )
                record.status, record.replayed = stored.status, True
                replay_headers = {**stored.headers, "Idempotent-Replayed": "true"}
                return stored.body, stored.status, _Headers(replay_headers)

        self._request_context = {"id": request_id, "idempotency_key": key}
        try:
            handler, args, spec = self._route(method, path)
            if spec:
                _check_params(params, spec)
            result = handler(params, *args)
            result = self._expand(result, params.get("expand"))
            status, payload = 200, result
        except StripeFailure as exc:
            status, payload = exc.status, {"error": exc.error}
        finally:
            self._request_context = {"id": None, "idempotency_key": None}

        body, status, out_headers = answer(status, payload)
        if key and status == 200:  # Stripe keeps results of requests that executed
            self._idempotency[key] = _StoredResponse(
                fingerprint, body, status, dict(response_headers), self.now
            )
        return body, status, out_headers

    def _authenticate(self, authorization: str | None) -> None:
        if not authorization:
            raise _error(
                "You did not provide an API key. You need to provide your API key in the "
                "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET"
                "_KEY').",
                status=401,
            )
        token = authorization.removeprefix("Bearer ").strip()
        valid = re.fullmatch(r"(sk|rk)_test_\w+", token) and (
            self.api_key is None or token == self.api_key
        )
        if not valid:
            shown = token[:8] + "*" * max(len(token) - 12, 0) + token[-4:]
            raise _error(f"Invalid API Key provided: {shown}", status=401)

    def _build_routes(self) -> list[tuple[str, re.Pattern[str], Callable[..., JSON], str]]:
        id_ = r"([^/]+)"
        table = [
            ("POST", "/v1/products", self._create_product, "ProductCreateParams"),
            ("GET", "/v1/products", self._list_products, "ProductListParams"),
            ("GET", f"/v1/products/{id_}", self._get_product, "ProductRetrieveParams"),
            ("POST", f"/v1/products/{id_}", self._update_product, "ProductUpdateParams"),
            ("POST", "/v1/prices", self._create_price, "PriceCreateParams"),
            ("GET", "/v1/prices", self._list_prices, "PriceListParams"),
            ("GET", f"/v1/prices/{id_}", self._get_price, "PriceRetrieveParams"),
            ("POST", f"/v1/prices/{id_}", self._update_price, "PriceUpdateParams"),
            ("POST", "/v1/customers", self._create_customer, "CustomerCreateParams"),
            ("GET", "/v1/customers", self._list_customers, "CustomerListParams"),
            ("GET", f"/v1/customers/{id_}", self._get_customer, "CustomerRetrieveParams"),
            ("POST", f"/v1/customers/{id_}", self._update_customer, "CustomerUpdateParams"),
            (
                "POST",
                "/v1/checkout/sessions",
                self._create_checkout_session,
                "checkout.SessionCreateParams",
            ),
            (
                "GET",
                "/v1/checkout/sessions",
                self._list_checkout_sessions,
                "checkout.SessionListParams",
            ),
            (
                "GET",
                f"/v1/checkout/sessions/{id_}",
                self._get_checkout_session,
                "checkout.SessionRetrieveParams",
            ),
            (
                "GET",
                f"/v1/checkout/sessions/{id_}/line_items",
                self._list_session_line_items,
                "checkout.SessionListLineItemsParams",
            ),
            (
                "POST",
                f"/v1/checkout/sessions/{id_}/expire",
                self._expire_checkout_session,
                "checkout.SessionExpireParams",
            ),
            ("GET", "/v1/subscriptions", self._list_subscriptions, "SubscriptionListParams"),
            (
                "GET",
                f"/v1/subscriptions/{id_}",
                self._get_subscription,
                "SubscriptionRetrieveParams",
            ),
            (
                "POST",
                f"/v1/subscriptions/{id_}",
                self._update_subscription,
                "SubscriptionUpdateParams",
            ),
            (
                "DELETE",
                f"/v1/subscriptions/{id_}",
                self._cancel_subscription,
                "SubscriptionCancelParams",
            ),
            ("GET", "/v1/invoices", self._list_invoices, "InvoiceListParams"),
            ("GET", f"/v1/invoices/{id_}", self._get_invoice, "InvoiceRetrieveParams"),
            ("POST", f"/v1/invoices/{id_}/pay", self._pay_invoice_api, "InvoicePayParams"),
            (
                "GET",
                f"/v1/payment_intents/{id_}",
                self._get_payment_intent,
                "PaymentIntentRetrieveParams",
            ),
            (
                "POST",
                "/v1/billing_portal/sessions",
                self._create_portal_session,
                "billing_portal.SessionCreateParams",
            ),
            ("GET", "/v1/events", self._list_events, "EventListParams"),
            ("GET", f"/v1/events/{id_}", self._get_event, "EventRetrieveParams"),
        ]
        return [(m, re.compile(p), h, s) for m, p, h, s in table]

    def _route(self, method: str, path: str) -> tuple[Callable[..., JSON], tuple[str, ...], str]:
        for route_method, pattern, handler, spec in self._routes:
            match = pattern.fullmatch(path)
            if match and route_method == method:
                return handler, match.groups(), spec
        raise _error(
            f"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs "
            "or we can help at https://support.stripe.com/.",
            status=404,
        )

    # ---- views, lookups, lists, expansion ------------------------------------------------

    def _store_of(self, obj_id: str) -> tuple[dict[str, JSON], str] | None:
        for attr, label in _LABELS.items():
            store = getattr(self, attr)
            if obj_id in store:
                return store, label
        return None

    def _get(self, attr: str, obj_id: str, *, param: str = "id", status: int = 404) -> JSON:
        store = getattr(self, attr)
        if not isinstance(obj_id, str) or obj_id not in store:
            raise _no_such(_LABELS[attr], str(obj_id), param, status)
        return store[obj_id]

    def view(self, obj: JSON) -> JSON:
        """A deep copy of `obj` as the API renders it now (subscription items show their price
        as it currently is)."""
        out = copy.deepcopy(obj)
        if out.get("object") == "subscription":
            for item in out["items"]["data"]:
                current = self.prices.get(item["price"]["id"])
                if current is not None:
                    item["price"] = copy.deepcopy(current)
                    item["plan"] = self._plan(current)
        return out

    def _list_response(
        self, url: str, objects: Iterable[JSON], params: JSON
    ) -> JSON:  # newest first, like Stripe
        items = sorted(objects, key=lambda o: (o.get("created", 0), o["id"]), reverse=True)
        limit = _int(params.get("limit", 10), "limit")
        if not 1 <= limit <= 100:
            raise _error("This value must be between 1 and 100.", "limit")
        ids = [o["id"] for o in items]
        if params.get("starting_after"):
            cursor = params["starting_after"]
            if cursor not in ids:
                raise _no_such("object", cursor, "starting_after", 400)
            items = items[ids.index(cursor) + 1 :]
            page, has_more = items[:limit], len(items) > limit
        elif params.get("ending_before"):
            cursor = params["ending_before"]
            if cursor not in ids:
                raise _no_such("object", cursor, "ending_before", 400)
            items = items[: ids.index(cursor)]
            page, has_more = items[-limit:], len(items) > limit
        else:
            page, has_more = items[:limit], len(items) > limit
        return {
            "object": "list",
            "data": [self.view(o) for o in page],
            "has_more": has_more,
            "url": url,
        }

    def _expand(self, result: JSON, expand: Any) -> JSON:
        for path in _list(expand, "expand"):
            if not isinstance(path, str):
                raise _error(f"Invalid expand: {path!r}", "expand")
            self._expand_path(result, path.split("."), path)
        return result

    def _expand_path(self, node: Any, parts: list[str], full: str) -> None:
        if node is None:
            return
        if isinstance(node, list):
            for item in node:
                self._expand_path(item, parts, full)
            return
        head, rest = parts[0], parts[1:]
        if (
            isinstance(node, dict)
            and node.get("object") == "checkout.session"
            and (head == "line_items")
        ):
            node[head] = self._session_line_items(node["id"], {})
        elif not isinstance(node, dict) or head not in node:
            raise _error(f"This property cannot be expanded ({full}).", "expand")
        value = node[head]
        if isinstance(value, str):
            found = self._store_of(value)
            if found is None:
                raise _error(f"This property cannot be expanded ({full}).", "expand")
            value = node[head] = self.view(found[0][value])
        elif value is not None and not isinstance(value, dict | list):
            raise _error(f"This property cannot be expanded ({full}).", "expand")
        if rest:
            self._expand_path(value, rest, full)

    # ---- events --------------------------------------------------------------------------

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

    def _list_events(self, p: JSON) -> JSON:
        types = set(_list(p.get("types"), "types"))
        if p.get("type"):
            pattern = re.escape(p["type"]).replace(r"\*", ".*")
            events = [e for e in self.events if re.fullmatch(pattern, e["type"])]
        else:
            events = list(self.events)
        if types:
            events = [e for e in events if e["type"] in types]
        # events created in the same second keep their order: id carries the sequence
        return self._list_response("/v1/events", events, p)

    def _get_event(self, p: JSON, event_id: str) -> JSON:
        for evt in self.events:
            if evt["id"] == event_id:
                return copy.deepcopy(evt)
        raise _no_such("event", event_id)

    # ---- products ------------------------------------------------------------------------

    def _create_product(self, p: JSON) -> JSON:
        name = p.get("name")
        if not name:
            raise _error("Missing required param: name.", "name", "parameter_missing")
        product_id = p.get("id") or self._new_id("prod_")
        if product_id in self.products:
            raise _error("Product already exists.", "id", "resource_already_exists")
        product = from_fixture(
            "product",
            active=_bool(p.get("active", True), "active"),
            created=self.now,
            default_price=None,
            description=_opt_str(p, "description"),
            id=product_id,
            images=_list(p.get("images"), "images"),
            livemode=False,
            marketing_features=[],
            metadata=_metadata({}, p.get("metadata")),
            name=_str(name, "name"),
            package_dimensions=None,
            shippable=None,
            statement_descriptor=_opt_str(p, "statement_descriptor"),
            tax_code=_opt_str(p, "tax_code"),
            unit_label=_opt_str(p, "unit_label"),
            updated=self.now,
            url=_opt_str(p, "url"),
            type="service",
        )
        self.products[product_id] = product
        self.event("product.created", product)
        return self.view(product)

    def add_product(self, name: str, **params: Any) -> JSON:
        """Seed a product without going through HTTP (same rules as POST /v1/products)."""
        with self._lock:
            return self._create_product({"name": name, **params})

    def _get_product(self, p: JSON, product_id: str) -> JSON:
        return self.view(self._get("products", product_id))

    def _update_product(self, p: JSON, product_id: str) -> JSON:
        product = self._get("products", product_id)
        if "name" in p and not p["name"]:
            raise _error("You cannot unset the product name.", "name")
        if "default_price" in p and p["default_price"] not in ("", None):
            price = self._get("prices", p["default_price"], param="default_price", status=400)
            if price["product"] != product_id:
                raise _error("The default price must belong to this product.", "default_price")

        def change(obj: JSON) -> None:
            for name in ("name", "description", "statement_descriptor", "unit_label", "url"):
                if name in p:
                    obj[name] = _opt_str(p, name)
            if "active" in p:
                obj["active"] = _bool(p["active"], "active")
            if "default_price" in p:
                obj["default_price"] = _opt_str(p, "default_price")
            if "images" in p:
                obj["images"] = _list(p["images"], "images")
            obj["metadata"] = _metadata(obj["metadata"], p.get("metadata"))
            if obj != before:
                obj["updated"] = self.now

        before = self.view(product)
        self._changed(product, "product.updated", change)
        return self.view(product)

    def _list_products(self, p: JSON) -> JSON:
        products = list(self.products.values())
        if "active" in p:
            active = _bool(p["active"], "active")
            products = [x for x in products if x["active"] == active]
        if "ids" in p:
            ids = set(_list(p["ids"], "ids"))
            products = [x for x in products if x["id"] in ids]
        if "url" in p:
            products = [x for x in products if x["url"] == p["url"]]
        return self._list_response("/v1/products", products, p)

    # ---- prices --------------------------------------------------------------------------

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

    def add_price(
        self,
        product: str,
        unit_amount: int,
        *,
        currency: str = "usd",
        interval: str | None = "year",
        lookup_key: str | None = None,
        **params: Any,
    ) -> JSON:
        """Seed a price without going through HTTP (same rules as POST /v1/prices);
        `interval=None` makes a one-time price."""
        payload: JSON = {"product": product, "unit_amount": unit_amount, "currency": currency}
        if interval:
            payload["recurring"] = {"interval": interval}
        if lookup_key:
            payload["lookup_key"] = lookup_key
        with self._lock:
            return self._create_price({**payload, **params})

    def _get_price(self, p: JSON, price_id: str) -> JSON:
        return self.view(self._get("prices", price_id))

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

    # ---- customers -----------------------------------------------------------------------

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

    def _get_customer(self, p: JSON, customer_id: str) -> JSON:
        return self.view(self._get("customers", customer_id))

    def _update_customer(self, p: JSON, customer_id: str) -> JSON:
        customer = self._get("customers", customer_id)

        def change(obj: JSON) -> None:
            for name in ("email", "name", "description", "phone"):
                if name in p:
                    obj[name] = _opt_str(p, name)
            settings = p.get("invoice_settings")
            if isinstance(settings, dict) and "default_payment_method" in settings:
                obj["invoice_settings"]["default_payment_method"] = (
                    settings["default_payment_method"] or None
                )
            obj["metadata"] = _metadata(obj["metadata"], p.get("metadata"))

        self._changed(customer, "customer.updated", change)
        return self.view(customer)

    def _list_customers(self, p: JSON) -> JSON:
        customers = list(self.customers.values())
        if "email" in p:
            customers = [c for c in customers if c["email"] == p["email"]]
        return self._list_response("/v1/customers", customers, p)

    # ---- checkout sessions ---------------------------------------------------------------

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

    def _get_checkout_session(self, p: JSON, session_id: str) -> JSON:
        return self.view(self._get("checkout_sessions", session_id))

    def _session_line_items(self, session_id: str, p: JSON) -> JSON:
        self._get("checkout_sessions", session_id)
        lines = self._line_items[session_id]
        limit = _int(p.get("limit", 10), "limit")
        return {
            "object": "list",
            "data": copy.deepcopy(lines[:limit]),
            "has_more": len(lines) > limit,
            "url": f"/v1/checkout/sessions/{session_id}/line_items",
        }

    def _list_session_line_items(self, p: JSON, session_id: str) -> JSON:
        return self._session_line_items(session_id, p)

    def _list_checkout_sessions(self, p: JSON) -> JSON:
        sessions = list(self.checkout_sessions.values())
        for name in ("customer", "payment_intent", "subscription", "status"):
            if name in p:
                sessions = [s for s in sessions if s[name] == p[name]]
        return self._list_response("/v1/checkout/sessions", sessions, p)

    def _expire_checkout_session(self, p: JSON, session_id: str) -> JSON:
        session = self._get("checkout_sessions", session_id)
        if session["status"] != "open":
            raise _error(
                f'Only Checkout Sessions with a status in ["open"] can be expired. This '
                f'Checkout Session has a status of "{session["status"]}".',
            )
        self._expire(session)
        return self.view(session)

    def _expire(self, session: JSON) -> list[JSON]:
        session.update(status="expired", url=None)
        return [self.event("checkout.session.expired", session)]

    # ---- subscriptions -------------------------------------------------------------------

    def _plan(self, price: JSON) -> JSON:
        recurring = price["recurring"] or {}
        return from_fixture(
            "plan",
            active=price["active"],
            amount=price["unit_amount"],
            amount_decimal=price["unit_amount_decimal"],
            billing_scheme="per_unit",
            created=price["created"],
            currency=price["currency"],
            id=price["id"],
            interval=recurring.get("interval"),
            interval_count=recurring.get("interval_count", 1),
            livemode=False,
            metadata=dict(price["metadata"]),
            meter=None,
            nickname=price["nickname"],
            product=price["product"],
            tiers_mode=None,
            transform_usage=None,
            trial_period_days=None,
            usage_type="licensed",
        )

    def _subscription_item(self, subscription_id: str, price: JSON, quantity: int) -> JSON:
        return from_fixture(
            "subscription_item",
            billing_thresholds=None,
            created=self.now,
            current_period_end=None,
            current_period_start=None,
            discounts=[],
            id=self._new_id("si_"),
            metadata={},
            plan=self._plan(price),
            price=copy.deepcopy(price),
            quantity=quantity,
            subscription=subscription_id,
            tax_rates=[],
        )

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

    def _start_trial(self, subscription: JSON, trial_end: int) -> None:
        """No charge until `trial_end`, when the first paid period starts."""
        for item in subscription["items"]["data"]:
            item.update(current_period_end=trial_end)
        subscription.update(
            status="trialing",
            trial_start=self.now,
            trial_end=trial_end,
            billing_cycle_anchor=trial_end,
        )
        self._cycles[subscription["id"]] = 0  # the first period from the anchor is next

    def _new_subscription(
        self, customer: JSON, lines: list[JSON], *, metadata: JSON, description: Any, status: str
    ) -> JSON:
        subscription_id = self._new_id("sub_")
        recurring = [x for x in lines if x["price"]["type"] == "recurring"]
        items = [
            self._subscription_item(subscription_id, self.prices[x["price"]["id"]], x["quantity"])
            for x in recurring
        ]
        interval = recurring[0]["price"]["recurring"]
        start = self.now
        end = add_interval(start, interval["interval"], interval["interval_count"])
        for item in items:
            item.update(current_period_start=start, current_period_end=end)
        subscription = from_fixture(
            "subscription",
            application=None,
            application_fee_percent=None,
            automatic_tax={"disabled_reason": None, "enabled": False, "liability": None},
            billing_cycle_anchor=start,
            billing_cycle_anchor_config=None,
            billing_mode={"flexible": None, "type": "classic"},
            billing_schedules=[],
            billing_thresholds=None,
            cancel_at=None,
            cancel_at_period_end=False,
            canceled_at=None,
            cancellation_details={"comment": None, "feedback": None, "reason": None},
            collection_method="charge_automatically",
            created=self.now,
            currency=recurring[0]["currency"],
            customer=customer["id"],
            customer_account=None,
            days_until_due=None,
            default_payment_method=self._new_id("pm_"),
            default_source=None,
            default_tax_rates=[],
            description=description,
            discounts=[],
            ended_at=None,
            id=subscription_id,
            invoice_settings={"account_tax_ids": None, "issuer": {"type": "self"}},
            items={
                "data": items,
                "has_more": False,
                "object": "list",
                "url": f"/v1/subscription_items?subscription={subscription_id}",
            },
            latest_invoice=None,
            livemode=False,
            managed_payments={"enabled": False},
            metadata=dict(metadata),
            next_pending_invoice_item_invoice=None,
            on_behalf_of=None,
            pause_collection=None,
            payment_settings={
                "payment_method_options": None,
                "payment_method_types": None,
                "save_default_payment_method": "off",
            },
            pending_invoice_item_interval=None,
            pending_setup_intent=None,
            pending_update=None,
            schedule=None,
            start_date=start,
            status=status,
            test_clock=None,
            transfer_data=None,
            trial_end=None,
            trial_settings={"end_behavior": {"missing_payment_method": "create_invoice"}},
            trial_start=None,
        )
        self.subscriptions[subscription_id] = subscription
        self._cycles[subscription_id] = 1
        return subscription

    def _period(self, subscription: JSON) -> tuple[int, int]:
        item = subscription["items"]["data"][0]
        return item["current_period_start"], item["current_period_end"]

    def _next_period(self, subscription: JSON) -> tuple[int, int]:
        """The period after the current one, counted from the billing cycle anchor so that a
        Jan 31 anchor gives Feb 28, then Mar 31."""
        recurring = subscription["items"]["data"][0]["price"]["recurring"]
        cycles = self._cycles.get(subscription["id"], 1)
        anchor = subscription["billing_cycle_anchor"]
        start = self._period(subscription)[1]
        end = add_interval(
            anchor, recurring["interval"], recurring["interval_count"] * (cycles + 1)
        )
        return start, end

    def _start_next_period(self, subscription: JSON, start: int, end: int) -> None:
        for item in subscription["items"]["data"]:
            item.update(current_period_start=start, current_period_end=end)
        self._cycles[subscription["id"]] = self._cycles.get(subscription["id"], 1) + 1

    def _get_subscription(self, p: JSON, subscription_id: str) -> JSON:
        return self.view(self._get("subscriptions", subscription_id))

    def _list_subscriptions(self, p: JSON) -> JSON:
        subscriptions = list(self.subscriptions.values())
        status = p.get("status")
        if status is None:
            subscriptions = [s for s in subscriptions if s["status"] != "canceled"]
        elif status != "all":
            subscriptions = [s for s in subscriptions if s["status"] == status]
        if "customer" in p:
            subscriptions = [s for s in subscriptions if s["customer"] == p["customer"]]
        if "price" in p:
            subscriptions = [
                s
                for s in subscriptions
                if any(i["price"]["id"] == p["price"] for i in s["items"]["data"])
            ]
        return self._list_response("/v1/subscriptions", subscriptions, p)

    def _set_cancel_at_period_end(self, subscription: JSON, value: bool) -> None:
        end = self._period(subscription)[1]
        subscription.update(
            cancel_at_period_end=value,
            cancel_at=end if value else None,
            canceled_at=self.now if value else None,
        )
        subscription["cancellation_details"]["reason"] = "cancellation_requested" if value else None

    def _update_subscription(self, p: JSON, subscription_id: str) -> JSON:
        subscription = self._get("subscriptions", subscription_id)
        if subscription["status"] in ("canceled", "incomplete_expired") and (
            set(p) - {"metadata", "cancellation_details", "expand"}
        ):
            raise _error(
                "A canceled subscription can only update its cancellation_details and metadata."
            )
        new_items = _list(p.get("items"), "items")
        resolved: list[tuple[int, JSON | None, JSON | None, int | None, bool]] = []
        for index, raw in enumerate(new_items):
            param = f"items[{index}]"
            if not isinstance(raw, dict):
                raise _error("Invalid hash", param)
            current = None
            if raw.get("id"):
                current = next(
                    (i for i in subscription["items"]["data"] if i["id"] == raw["id"]), None
                )
                if current is None:
                    raise _no_such("subscription_item", raw["id"], f"{param}[id]", 400)
            price = None
            if raw.get("price"):
                price = self._get("prices", raw["price"], param=f"{param}[price]", status=400)
                if not price["active"] or price["type"] != "recurring":
                    raise _error(
                        "The price specified is inactive or not recurring.", f"{param}[price]"
                    )
            elif current is None:
                raise _error(
                    f"Missing required param: {param}[price].",
                    f"{param}[price]",
                    "parameter_missing",
                )
            quantity = _int(raw["quantity"], f"{param}[quantity]") if "quantity" in raw else None
            deleted = _bool(raw.get("deleted", False), f"{param}[deleted]")
            resolved.append((index, current, price, quantity, deleted))
        remaining = len(subscription["items"]["data"]) + sum(
            -1 if deleted else (1 if current is None else 0)
            for _, current, _, _, deleted in resolved
        )
        if remaining < 1:
            raise _error("A subscription must have at least one item.", "items")

        def change(obj: JSON) -> None:
            if "cancel_at_period_end" in p:
                self._set_cancel_at_period_end(
                    obj, _bool(p["cancel_at_period_end"], "cancel_at_period_end")
                )
            if "cancel_at" in p:
                obj["cancel_at"] = (
                    None if p["cancel_at"] == "" else _int(p["cancel_at"], "cancel_at")
                )
            details = p.get("cancellation_details")
            if isinstance(details, dict):
                for name in ("comment", "feedback"):
                    if name in details:
                        obj["cancellation_details"][name] = details[name] or None
            if "description" in p:
                obj["description"] = _opt_str(p, "description")
            if "default_payment_method" in p:
                obj["default_payment_method"] = _opt_str(p, "default_payment_method")
            obj["metadata"] = _metadata(obj["metadata"], p.get("metadata"))
            items = obj["items"]["data"]
            for _index, current, price, quantity, deleted in resolved:
                if current is not None:
                    target = next(i for i in items if i["id"] == current["id"])
                    if deleted:
                        items.remove(target)
                        continue
                else:
                    target = self._subscription_item(obj["id"], price, quantity or 1)
                    start, end = self._period(obj)
                    target.update(current_period_start=start, current_period_end=end)
                    items.append(target)
                if price is not None:
                    target["price"] = copy.deepcopy(price)
                    target["plan"] = self._plan(price)
                if quantity is not None:
                    target["quantity"] = quantity

        self._changed(subscription, "customer.subscription.updated", change)
        return self.view(subscription)

    def _cancel(self, subscription: JSON, *, ended_at: int | None = None) -> list[JSON]:
        if subscription["status"] == "canceled":
            raise _error(f"This subscription has already been canceled ({subscription['id']}).")
        subscription.update(
            status="canceled",
            ended_at=ended_at or self.now,
            canceled_at=subscription["canceled_at"] or self.now,
        )
        if not subscription["cancellation_details"]["reason"]:
            subscription["cancellation_details"]["reason"] = "cancellation_requested"
        return [self.event("customer.subscription.deleted", subscription)]

    def _cancel_subscription(self, p: JSON, subscription_id: str) -> JSON:
        subscription = self._get("subscriptions", subscription_id)
        details = p.get("cancellation_details")
        if isinstance(details, dict):
            for name in ("comment", "feedback"):
                if name in details:
                    subscription["cancellation_details"][name] = details[name] or None
        self._cancel(subscription)
        return self.view(subscription)

    # ---- invoices ------------------------------------------------------------------------

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

    def _get_invoice(self, p: JSON, invoice_id: str) -> JSON:
        return self.view(self._get("invoices", invoice_id))

    def _list_invoices(self, p: JSON) -> JSON:
        invoices = list(self.invoices.values())
        for name in ("customer", "subscription", "status", "collection_method"):
            if name in p:
                invoices = [i for i in invoices if i[name] == p[name]]
        return self._list_response("/v1/invoices", invoices, p)

    def _pay_invoice_api(self, p: JSON, invoice_id: str) -> JSON:
        invoice = self._get("invoices", invoice_id)
        if invoice["status"] != "open":
            raise _error(f"Invoice is already {invoice['status']}", code="invoice_not_open")
        self._settle_invoice(invoice)
        return self.view(invoice)

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

    # ---- payment intents, billing portal --------------------------------------------------

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

    def _get_payment_intent(self, p: JSON, intent_id: str) -> JSON:
        return self.view(self._get("payment_intents", intent_id))

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

    def _intent_succeeded(self, intent: JSON) -> None:
        intent.update(
            status="succeeded",
            amount_received=intent["amount"],
            latest_charge=self._new_id("ch_"),
            last_payment_error=None,
        )

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

    def expire_checkout(self, session_id: str) -> list[JSON]:
        """The open session times out: checkout.session.expired."""
        with self._lock:
            return self._expire(self._open_session(session_id))

    def _subscription(self, subscription_id: str) -> JSON:
        subscription = self.subscriptions.get(subscription_id)
        if subscription is None:
            raise LookupError(f"No such subscription: '{subscription_id}'")
        return subscription

    def _turn_over(self, subscription: JSON) -> tuple[JSON, list[JSON]]:
        """Start the next billing period: a draft invoice for it and the subscription update."""
        if subscription["status"] == "canceled":
            raise ValueError(f"Subscription {subscription['id']} is canceled")
        old = self._period(subscription)
        start, end = self._next_period(subscription)
        before = self.view(subscription)
        self._start_next_period(subscription, start, end)
        invoice = self._new_invoice(
            subscription,
            billing_reason="subscription_cycle",
            line_period=(start, end),
            invoice_period=old,
        )
        events = [self.event("invoice.created", invoice)]
        previous = _diff(before, self.view(subscription))
        events.append(self.event("customer.subscription.updated", subscription, previous))
        events.append(self._finalize(invoice))
        return invoice, events

    def _cancels_at_period_end(self, subscription: JSON) -> bool:
        end = self._period(subscription)[1]
        cancel_at = subscription["cancel_at"]
        return subscription["cancel_at_period_end"] or (cancel_at is not None and cancel_at <= end)

    def renew(self, subscription_id: str) -> list[JSON]:
        """The billing period ends and the renewal is paid.

        Events: invoice.created (draft), customer.subscription.updated (new period on the items,
        previous_attributes has the old items and latest_invoice), invoice.finalized,
        invoice.paid, invoice.payment_succeeded. The new invoice's lines carry the new period.
        A subscription set to cancel at period end is canceled instead
        (customer.subscription.deleted, ended_at = period end). Advance the clock first.
        """
        with self._lock:
            subscription = self._subscription(subscription_id)
            if subscription["status"] == "canceled":
                raise ValueError(f"Subscription {subscription_id} is canceled")
            if self._cancels_at_period_end(subscription):
                end = subscription["cancel_at"] or self._period(subscription)[1]
                return self._cancel(subscription, ended_at=end)
            invoice, events = self._turn_over(subscription)
            events.extend(self._settle_invoice(invoice))
            return events

    def fail_renewal(self, subscription_id: str) -> list[JSON]:
        """The billing period ends and the renewal payment is declined.

        Events: invoice.created, customer.subscription.updated (new period), invoice.finalized,
        invoice.payment_failed (status open, attempt_count 1, next_payment_attempt set),
        customer.subscription.updated (status past_due).
        """
        with self._lock:
            subscription = self._subscription(subscription_id)
            invoice, events = self._turn_over(subscription)
            events.append(self._mark_failed(invoice))
            events.append(
                self._changed(
                    subscription,
                    "customer.subscription.updated",
                    lambda obj: obj.update(status="past_due"),
                )
            )
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

    def cancel_at_period_end(self, subscription_id: str, value: bool = True) -> list[JSON]:
        """The customer cancels (or un-cancels) in the billing portal:
        customer.subscription.updated with cancel_at_period_end, cancel_at, canceled_at."""
        with self._lock:
            subscription = self._subscription(subscription_id)
            update = self._changed(
                subscription,
                "customer.subscription.updated",
                lambda obj: self._set_cancel_at_period_end(obj, value),
            )
            return [update] if update else []

    def cancel_now(self, subscription_id: str) -> list[JSON]:
        """The subscription ends immediately: customer.subscription.deleted (status canceled,
        canceled_at and ended_at now)."""
        with self._lock:
            return self._cancel(self._subscription(subscription_id))

    def change_price(self, subscription_id: str, price_id: str) -> list[JSON]:
        """The first item moves to another price (no proration invoice):
        customer.subscription.updated with the old items in previous_attributes."""
        with self._lock:
            subscription = self._subscription(subscription_id)
            price = self.prices.get(price_id)
            if price is None:
                raise LookupError(f"No such price: '{price_id}'")

            def change(obj: JSON) -> None:
                item = obj["items"]["data"][0]
                item["price"] = copy.deepcopy(price)
                item["plan"] = self._plan(price)

            update = self._changed(subscription, "customer.subscription.updated", change)
            return [update] if update else []
