"""What crosses the HTTP boundary: Stripe's form encoding, its error answers and its rules for
parameter values, plus the constants every module shares. The underscore names are the
package's own, not for tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import stripe
import stripe.params
import stripe.params.billing_portal
import stripe.params.checkout

API_VERSION: str = stripe.api_version
DAY = 86_400

JSON = dict[str, Any]


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


def _created_filter(value: Any, param: str = "created") -> Callable[[int], bool]:
    """Stripe's `created` list filter: an exact unix time, or a hash of gt/gte/lt/lte."""
    if isinstance(value, dict):
        bounds = {op: _int(value[op], f"{param}[{op}]") for op in value}
        unknown = set(bounds) - {"gt", "gte", "lt", "lte"}
        if unknown:
            raise _error(f"Received unknown parameter: {param}[{unknown.pop()}]", param)
        checks = {
            "gt": lambda t, b: t > b,
            "gte": lambda t, b: t >= b,
            "lt": lambda t, b: t < b,
            "lte": lambda t, b: t <= b,
        }
        return lambda t: all(checks[op](t, bound) for op, bound in bounds.items())
    exact = _int(value, param)
    return lambda t: t == exact
