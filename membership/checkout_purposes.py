"""Checkout Sessions that other apps start (event tickets, ...), fulfilled through the same
webhook machinery as dues: verified, stored once, processed once under the event's lock.

Membership cannot import the apps above it, so each registers, from its `AppConfig.ready()`,
the `metadata.purpose` its sessions carry and what to do with them:

- ``completed(session)``: fulfil a complete session (as Stripe has it now, re-read before any
  lock is taken); idempotent; returns a result line for the stored event;
- ``expired(session)``: the session expired unpaid (release what it held);
- ``payment_failed(session)``: a delayed payment failed.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CheckoutPurpose:
    purpose: str
    completed: Callable[[dict], str]
    expired: Callable[[dict], str] | None = None
    payment_failed: Callable[[dict], str] | None = None


_registry: dict[str, CheckoutPurpose] = {}


def register(purpose: CheckoutPurpose) -> None:
    _registry[purpose.purpose] = purpose


def purpose_of(session: dict) -> CheckoutPurpose | None:
    """The registered purpose a session's metadata names (None: membership's own)."""
    metadata = session.get("metadata")
    if not isinstance(metadata, dict):
        return None
    purpose = metadata.get("purpose")
    return _registry.get(purpose) if isinstance(purpose, str) else None
