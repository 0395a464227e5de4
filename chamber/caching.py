"""Versioned cache entries: a read is cached until its namespace's version is bumped.

Bumping is one atomic INCR on a shared cache (Redis in production), so every app process
sees the change at once; the time-out only bounds what a missed signal could leave behind.

`cached()` also keeps what it read in this process, tagged with the namespace's version: while
the version is unchanged, a read costs one look-up of that small number instead of
unpickling the value again. Values returned by `cached()` are therefore shared between
requests (and threads) of a process and must be treated as read-only.

A version starts at a random number, not 1: after the cache is cleared, evicted or restarted,
the new version can't equal one this process remembers, so nothing stale is served.
"""

import secrets
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")
DEFAULT_TIMEOUT = 300


def _version_key(namespace: str) -> str:
    return f"chamber:{namespace}:version"


def _fresh_version() -> int:
    return secrets.randbits(52)


def cache_version(namespace: str) -> int:
    return cache.get_or_set(_version_key(namespace), _fresh_version, timeout=None)


def bump_cache_version(namespace: str) -> None:
    try:
        cache.incr(_version_key(namespace))
    except ValueError:  # not set yet, or evicted: any fresh value invalidates
        cache.set(_version_key(namespace), _fresh_version(), timeout=None)


def _full_key(namespace: str, key: str, version: int | None = None) -> str:
    if version is None:
        version = cache_version(namespace)
    return f"chamber:{namespace}:{version}:{key}"


def get_cached(namespace: str, key: str):
    return cache.get(_full_key(namespace, key))


def set_cached(namespace: str, key: str, value, timeout: int = DEFAULT_TIMEOUT) -> None:
    cache.set(_full_key(namespace, key), value, timeout)


# (namespace, key) -> (version, expires at (monotonic), value): what `cached()` read last.
_local: dict[tuple[str, str], tuple[int, float, object]] = {}
_local_lock = threading.Lock()


def cached(namespace: str, key: str, build: Callable[[], T], timeout: int = DEFAULT_TIMEOUT) -> T:
    version = cache_version(namespace)
    now = time.monotonic()
    remembered = _local.get((namespace, key))
    if remembered is not None and remembered[0] == version and remembered[1] > now:
        return remembered[2]
    full_key = _full_key(namespace, key, version)
    value = cache.get(full_key)
    if value is None:
        value = build()
        cache.set(full_key, value, timeout)
    with _local_lock:
        _local[(namespace, key)] = (version, now + timeout, value)
    return value


def forget_local() -> None:
    """Drop what `cached()` keeps in this process (tests; the shared cache is untouched)."""
    with _local_lock:
        _local.clear()
