"""The client address the rate limits and log-in lockouts key on (chamber/ratelimit.py)."""

import pytest
from django.test import RequestFactory

from chamber.ratelimit import client_address

PROXY = "10.0.0.2"


def address(settings, proxies: int, forwarded: str | None, remote: str = PROXY):
    settings.TRUSTED_PROXY_COUNT = proxies
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **extra))


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (0, None, PROXY),
        (0, "203.0.113.7", PROXY),  # no proxy trusted: the header is anyone's claim
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # the left entry is forged
        (1, " 203.0.113.7 ,", "203.0.113.7"),
        (2, "198.51.100.1, 203.0.113.7, 10.0.0.1", "203.0.113.7"),  # load balancer + nginx
        (2, "203.0.113.7", PROXY),  # too few entries: not through both proxies
        (1, "", PROXY),
        (1, None, PROXY),
        (1, "not-an-address", PROXY),
        (1, "2001:DB8::1", "2001:db8::1"),
    ],
)
def test_forwarded_addresses_count_only_from_trusted_proxies(
    settings, proxies, forwarded, expected
):
    assert address(settings, proxies, forwarded) == expected


def test_no_address_at_all_is_none(settings):
    assert address(settings, 0, None, remote="") is None
