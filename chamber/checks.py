"""Deployment checks of the project's own (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from wagtail.models import Site

from chamber.site_url import parse_site_url

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


@register()
def site_url_is_an_address(app_configs, **kwargs):
    """SITE_URL must be an address Wagtail's Site can hold (chamber/site_url.py), everywhere."""
    try:
        parse_site_url(settings.SITE_URL)
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="chamber.E002")]
    return []


@register(Tags.urls, deploy=True)
def site_url_is_public(app_configs, **kwargs):
    """Canonical links, sitemaps, feeds and e-mails name SITE_URL: left at its development
    default (or any address of this machine), search engines and members get links to nowhere."""
    try:
        address = parse_site_url(settings.SITE_URL)
    except ImproperlyConfigured:
        return []  # chamber.E002 says what is wrong
    if address.is_local:
        return [
            Warning(
                f"SITE_URL is unset or names this machine ({address.url}): canonical links, "
                "sitemaps, feeds and e-mails would point there.",
                hint="Set SITE_URL to the public address, e.g. https://chamber.example.org, "
                "and run `manage.py setup_site` to write it to the Wagtail Site.",
                id="chamber.W001",
            )
        ]
    return []


@register(Tags.database)
def site_record_matches_site_url(app_configs, databases=None, **kwargs):
    """Page URLs come from Wagtail's Site, which `setup_site` writes from SITE_URL: after
    SITE_URL changes, until setup runs again, pages and the rest would name two addresses.
    A database check: `manage.py check --database default` (and `migrate`) run it."""
    if not databases or "default" not in databases:
        return []
    try:
        address = parse_site_url(settings.SITE_URL)
        site = Site.objects.filter(is_default_site=True).first()
    except (ImproperlyConfigured, DatabaseError):
        return []  # chamber.E002 names a bad SITE_URL; no table yet before the first migrate
    if site is None or (site.hostname, site.port) == (address.hostname, address.port):
        return []
    return [
        Warning(
            f"The default Wagtail Site is {site.root_url} but SITE_URL is {address.url}: page "
            "links would use one and sitemaps, feeds and e-mails the other.",
            hint="Run `manage.py setup_site` to write SITE_URL to the Site.",
            id="chamber.W002",
        )
    ]
