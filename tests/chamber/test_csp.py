"""Content-Security-Policy and Permissions-Policy (issue #23; the browser tests in tests/e2e
fail on any violation the policy reports)."""

import base64
import hashlib
import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

BASE_HTML = Path(__file__).resolve().parents[2] / "templates" / "base.html"


def test_the_one_inline_script_is_allowed_by_its_hash():
    scripts = re.findall(r"<script>(.*?)</script>", BASE_HTML.read_text(), re.S)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" == settings.NO_JS_SCRIPT_HASH


def test_public_pages_get_the_strict_policy(client, site_tree):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    for directive in (
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self' https://checkout.stripe.com https://billing.stripe.com",
        f"script-src 'self' {settings.NO_JS_SCRIPT_HASH}",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert "geolocation=()" in response["Permissions-Policy"]


def test_the_admin_gets_its_own_policy(client, site_tree):
    response = client.get("/admin/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy
    assert "frame-ancestors 'self'" in policy and "object-src 'none'" in policy
