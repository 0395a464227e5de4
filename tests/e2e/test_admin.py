"""The Wagtail admin works under its Content-Security-Policy (issue #23): log in, edit a page
in the editor (rich text included), save a draft and preview it, with no CSP violation or
JavaScript error (the `new_page` fixture fails the test on either)."""

import re

import pytest
from django.contrib.auth import get_user_model

from home.models import StandardPage
from tests.e2e.helpers import E2E_DB

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = playwright.expect

pytestmark = E2E_DB


def test_an_editor_edits_a_page_under_the_admin_policy(page, site_tree):
    get_user_model().objects.create_superuser("admin", "admin@example.org", "correct horse battery")
    home = site_tree.home
    about = home.add_child(instance=StandardPage(title="About the chamber", slug="about"))

    page.goto("/admin/login/")
    response_headers = page.request.get("/admin/login/").headers
    assert "'unsafe-inline'" in response_headers["content-security-policy"]
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/admin/$"))

    page.goto(f"/admin/pages/{about.pk}/edit/")
    title = page.locator("#id_title")
    expect(title).to_be_visible()
    title.fill("About Riverside Chamber")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messages")).to_contain_text("has been updated")
    about.refresh_from_db()
    assert about.get_latest_revision().object_str == "About Riverside Chamber"


def test_public_pages_carry_the_strict_policy(page, site_tree):
    response = page.goto("/")
    policy = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "camera=()" in response.headers["permissions-policy"]
    expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))  # the hashed script ran
