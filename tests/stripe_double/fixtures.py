"""Stripe's published example objects, the starting point of every object the double makes.

`fixtures3.json` comes from Stripe's OpenAPI repository (stripe/openapi); starting from a deep
copy of the example for a resource and overwriting the fields that matter gives objects that
carry all the keys real ones do.
"""

from __future__ import annotations

import copy
import functools
import json
import os
from pathlib import Path
from typing import Any

from .wire import JSON

# The repository's copy. STRIPE_FIXTURES_PATH names another one, e.g. a newer file from
# stripe/openapi to try while upgrading the stripe library, before replacing this one.
FIXTURES_PATH = Path(__file__).resolve().parents[1] / "fixtures" / "stripe" / "fixtures3.json"


@functools.cache
def _resources() -> dict[str, JSON]:
    override = os.environ.get("STRIPE_FIXTURES_PATH")
    path = Path(override) if override else FIXTURES_PATH
    if not path.is_file():
        where = f"STRIPE_FIXTURES_PATH names {path}" if override else f"expected at {path}"
        raise FileNotFoundError(f"Stripe's example objects (fixtures3.json) not found: {where}")
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)["resources"]


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
