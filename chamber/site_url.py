"""The site's public address, SITE_URL: the one source of every absolute link it hands out.

Canonical links, og:url, sitemaps, feeds, JSON-LD and e-mails must name the address visitors
use, whatever host a request came in on (a health check on an internal address, a crawler on
the www. alias, a job with no request at all). Pages get theirs from Wagtail's Site record,
which `setup_site` writes from SITE_URL (`site_address`); everything else joins its path to
`site_url()` here.

Wagtail's Site holds a hostname and a port and infers the scheme from the port (443: https,
anything else: http), so an address it cannot say back (https on another port, http on 443)
or one with a path is refused rather than silently changed.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_PORTS = {"http": 80, "https": 443}
# Addresses that only reach the machine itself: fine for `make run`, wrong on a public site.
LOCAL_HOSTNAMES = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0", "testserver"})  # noqa: S104


@dataclass(frozen=True)
class SiteAddress:
    scheme: str
    hostname: str
    port: int

    @property
    def url(self) -> str:
        """Scheme, host and port (when not the scheme's default), as Wagtail's Site.root_url."""
        host = f"[{self.hostname}]" if ":" in self.hostname else self.hostname
        if self.port == DEFAULT_PORTS[self.scheme]:
            return f"{self.scheme}://{host}"
        return f"{self.scheme}://{host}:{self.port}"

    @property
    def is_local(self) -> bool:
        return self.hostname in LOCAL_HOSTNAMES or self.hostname.endswith(".localhost")


def parse_site_url(value: str) -> SiteAddress:
    """`value` (e.g. "https://chamber.example.org") as a SiteAddress; ImproperlyConfigured if
    it is not an address a Wagtail Site can hold."""
    problem = (
        f"SITE_URL must be the site's address, like https://chamber.example.org; got {value!r}"
    )
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError as exc:
        raise ImproperlyConfigured(problem) from exc
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ImproperlyConfigured(problem)
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ImproperlyConfigured(f"{problem} (no path, query or user name).")
    port = port or DEFAULT_PORTS[parts.scheme]
    # Wagtail's Site serves https only on 443, and port 443 only as https.
    if (parts.scheme == "https") != (port == 443):
        raise ImproperlyConfigured(
            f"{problem} (Wagtail can hold https only on port 443, and port 443 only as https)."
        )
    return SiteAddress(scheme=parts.scheme, hostname=parts.hostname, port=port)


def site_address() -> SiteAddress:
    return parse_site_url(settings.SITE_URL)


def site_url() -> str:
    """The site's address without a trailing slash, e.g. "https://chamber.example.org"."""
    return site_address().url


def absolute_url(url: str) -> str:
    """`url` (a path such as "/directory/", or already absolute: media on S3) as a full URL on
    the site's address."""
    if urlsplit(url).scheme:
        return url
    return site_url() + "/" + url.lstrip("/")
