"""Versioned cache entries: a read is cached until its namespace's version is bumped.

Bumping is one atomic INCR on a shared cache (Redis in production), so every app process
sees the change at once; the time-out only bounds what a missed signal could leave behind.
"""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")
DEFAULT_TIMEOUT = 300


def _version_key(namespace: str) -> str:
    return f"chamber:{namespace}:version"


def cache_version(namespace: str) -> int:
    return cache.get_or_set(_version_key(namespace), 1, timeout=None)


def bump_cache_version(namespace: str) -> None:
    try:
        cache.incr(_version_key(namespace))
    except ValueError:  # not set yet, or evicted: any fresh value invalidates
        cache.set(_version_key(namespace), 1, timeout=None)


def _full_key(namespace: str, key: str) -> str:
    return f"chamber:{namespace}:{cache_version(namespace)}:{key}"


def get_cached(namespace: str, key: str):
    return cache.get(_full_key(namespace, key))


def set_cached(namespace: str, key: str, value, timeout: int = DEFAULT_TIMEOUT) -> None:
    cache.set(_full_key(namespace, key), value, timeout)


def cached(namespace: str, key: str, build: Callable[[], T], timeout: int = DEFAULT_TIMEOUT) -> T:
    value = get_cached(namespace, key)
    if value is None:
        value = build()
        set_cached(namespace, key, value, timeout)
    return value
