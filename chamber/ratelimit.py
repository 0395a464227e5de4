"""A fixed-window rate limit kept in the cache (Redis in production: shared by every process)."""

import time

from django.core.cache import cache


def client_ip(request) -> str:
    """The client's address as the web server saw it (a proxy must set REMOTE_ADDR right)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def allow(scope: str, key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one more hit for (scope, key); False once more than `limit` fell in this window."""
    if limit <= 0:
        return True
    bucket = int(time.time() // window_seconds)
    cache_key = f"ratelimit:{scope}:{key}:{bucket}"
    if cache.add(cache_key, 1, timeout=window_seconds):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window_seconds)
        count = 1
    return count <= limit
