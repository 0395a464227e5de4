"""The HTTPClient the real `stripe` library talks to: routing, authentication, idempotency
keys, injected failures, lists, expansion and parameter checks. Resources (products.py, ...)
are mixins over `StripeCore`; each declares its `stores` and `routes`.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from stripe._http_client import HTTPClient

from .wire import (
    API_VERSION,
    DAY,
    JSON,
    StripeFailure,
    _check_params,
    _error,
    _int,
    _list,
    _no_such,
    decode_form,
)

IDEMPOTENCY_KEY_LIFETIME = DAY
ID = r"([^/]+)"  # an object id in a route pattern


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
    method: str  # "GET", "POST" or "*"
    path_prefix: str
    status: int
    error: JSON
    times: int | None
    should_retry: bool | None

    def matches(self, method: str, path: str) -> bool:
        return self.method in ("*", method) and path.startswith(self.path_prefix)


@dataclass
class _StoredResponse:
    fingerprint: tuple[str, str, str]
    body: str
    status: int
    headers: dict[str, str]
    stored_at: int


class StripeCore(HTTPClient):
    """The machinery every resource shares. A resource mixin declares

    - `stores`: {attribute: object name}, e.g. {"products": "product"}; the attribute becomes a
      dict of objects by id, and the name is what "No such …" errors say;
    - `routes`: (method, path pattern, handler method name, the library's params TypedDict
      that lists the parameters Stripe accepts, e.g. "PriceUpdateParams").

    State: the stores, `events` (oldest first), `requests` (every request received) and
    `failures` (injected). Clock: `now` (unix seconds), `advance()`.
    """

    name = "fake_stripe"
    stores: dict[str, str] = {}
    routes: tuple[tuple[str, str, str, str], ...] = ()

    def __init__(self, *, now: int | None = None):
        super().__init__()
        self.now: int = int(time.time()) if now is None else int(now)
        self._labels = {
            attr: label
            for cls in type(self).__mro__
            for attr, label in vars(cls).get("stores", {}).items()
        }
        for attr in self._labels:
            setattr(self, attr, {})
        self.events: list[JSON] = []
        self.requests: list[RecordedRequest] = []
        self.failures: list[InjectedFailure] = []
        self.retry_sleeps: list[float] = []  # back-off the library asked for (not slept)
        self._idempotency: dict[str, _StoredResponse] = {}
        self._sequence = itertools.count(1)
        self._lock = threading.RLock()
        self._request_context: JSON = {"id": None, "idempotency_key": None}
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

    def _sleep_time_seconds(self, num_retries: int) -> float:
        # The library sleeps 0.5 s, 1 s, ... between retries of 409/5xx answers; record the
        # back-off it asked for and skip the wait so failure tests stay fast.
        self.retry_sleeps.append(super()._sleep_time_seconds(num_retries))
        return 0.0

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

        `method` is "GET", "POST" or "*"; `times=None` means until `clear_failures()`.
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

    def clear_failures(self) -> None:
        self.failures.clear()

    def _injected_failure(self, method: str, path: str) -> InjectedFailure | None:
        for failure in self.failures:
            if failure.matches(method, path):
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
        if not re.fullmatch(r"(sk|rk)_test_\w+", token):
            shown = token[:8] + "*" * max(len(token) - 12, 0) + token[-4:]
            raise _error(f"Invalid API Key provided: {shown}", status=401)

    def _build_routes(self) -> list[tuple[str, re.Pattern[str], Callable[..., JSON], str]]:
        return [
            (method, re.compile(pattern), getattr(self, handler), spec)
            for cls in type(self).__mro__
            for method, pattern, handler, spec in vars(cls).get("routes", ())
        ]

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

    def _store_of(self, obj_id: str) -> dict[str, JSON] | None:
        for attr in self._labels:
            store = getattr(self, attr)
            if obj_id in store:
                return store
        return None

    def _get(self, attr: str, obj_id: str, *, param: str = "id", status: int = 404) -> JSON:
        store = getattr(self, attr)
        if not isinstance(obj_id, str) or obj_id not in store:
            raise _no_such(self._labels[attr], str(obj_id), param, status)
        return store[obj_id]

    def view(self, obj: JSON) -> JSON:
        """A deep copy of `obj` as the API renders it now (resources that show other objects'
        current state, like a subscription's prices, extend this)."""
        return copy.deepcopy(obj)

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
        if not isinstance(node, dict) or head not in node:
            raise _error(f"This property cannot be expanded ({full}).", "expand")
        value = node[head]
        if isinstance(value, str):
            store = self._store_of(value)
            if store is None:
                raise _error(f"This property cannot be expanded ({full}).", "expand")
            value = node[head] = self.view(store[value])
        elif value is not None and not isinstance(value, dict | list):
            raise _error(f"This property cannot be expanded ({full}).", "expand")
        if rest:
            self._expand_path(value, rest, full)
