"""Deployment checks of the project's own (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, register

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.security, deploy=True)
def shared_cache(app_configs, **kwargs):
    """Rate limits (log-in, password reset, join) and cached pages count in the cache: in each
    process's own memory they multiply by the number of workers and restart at every deploy."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend in PER_PROCESS_CACHES:
        return [
            Error(
                "The cache is kept in each process's memory, so rate limits multiply by the "
                "number of workers and reset on every restart.",
                hint="Set REDIS_URL (or CACHE_URL) to a Redis server every process shares.",
                id="chamber.E001",
            )
        ]
    return []
