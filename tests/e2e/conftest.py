"""Real-browser tests: Playwright drives Debian's chromium against pytest-django's live_server.

- One browser per test session (`browser`), a fresh context and page per test (`page`,
  `new_page`). Every context only reaches the live server: any other request is aborted and
  fails the test, as do uncaught JavaScript errors.
- The live server runs in a thread of this process, so `settings` overrides, monkeypatched
  module globals (the Stripe double behind `membership.stripe_gateway.HTTP_CLIENT`) and
  `django.core.mail.outbox` are shared with it. Its database is the real, committed one: the
  tests are transactional, and `serialized_rollback` restores what the migrations created (the
  Wagtail root page, locale, collection) that each test's flush removes.
- Playwright's sync API keeps an asyncio loop "running" in the main thread from the first
  browser test on (see `browser`), so these tests run last in a session, and Playwright
  callbacks (`page.route` handlers) must not use the ORM: they run in another context and would
  get other database connections.
- The tests are skipped, with the reason, when chromium or playwright is missing; those that
  use axe-core (`axe_source`), when `npm ci` hasn't installed it (in CI, they fail instead).
"""

import copy
import io
import os

import pytest
from django.core.management import call_command
from wagtail.models import Site

from tests.e2e.helpers import AXE_JS, CHROMIUM, DEFAULT_TIMEOUT_MS, is_e2e, missing_tools


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    missing = missing_tools()
    for item in items:
        if is_e2e(item):
            item.add_marker(pytest.mark.e2e)
            if missing:
                item.add_marker(pytest.mark.skip(reason=missing))
    # After pytest-django's own ordering (TestCase-style tests, then transactional ones):
    # browser tests last, a stable sort.
    items.sort(key=is_e2e)


@pytest.fixture(scope="session")
def browser():
    from django.db import connections
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)  # room for a slow CI machine
    # Playwright's sync API leaves an asyncio loop "running" in this thread. To Django that
    # looks like async code: (1) it refuses ORM calls, though the tests' (and pytest-django's
    # flush) are plain synchronous code here; (2) `connections` switches from thread-local
    # storage to a context variable, i.e. to new connection objects without the test
    # database's state (the serialized data `serialized_rollback` restores; on SQLite, the
    # in-memory database's connection). So the connections of this thread are taken before
    # Playwright starts and put back after.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    this_threads_connections = {alias: connections[alias] for alias in connections}
    try:
        with sync_playwright() as playwright:
            for alias, connection in this_threads_connections.items():
                connections[alias] = connection
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=["--no-sandbox"], headless=True
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _stripe_double_may_take_forms(settings):
    """Forms may be sent on to the Stripe double's hosted pages, as to Stripe's own in
    production (the Content-Security-Policy's form-action)."""
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] += [
        "https://checkout.stripe.test",
        "https://billing.stripe.test",
    ]
    settings.CONTENT_SECURITY_POLICY = policy


@pytest.fixture
def new_page(browser, live_server):
    """`new_page(**context_options)`: a page in a fresh context (cookies, viewport, JS...)."""
    origin = live_server.url
    contexts = []
    stray_requests: list[str] = []
    page_errors: list[str] = []
    csp_violations: list[str] = []

    def only_the_live_server(route):
        url = route.request.url
        if url.startswith((origin + "/", "data:")):
            route.fallback()
        else:
            stray_requests.append(url)
            route.abort("blockedbyclient")

    def make(**options):
        options.setdefault("base_url", origin)
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**options)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
        context.route("**/*", only_the_live_server)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: page_errors.append(str(error)))
        # Chromium reports what the Content-Security-Policy blocked on the console.
        page.on(
            "console",
            lambda message: (
                csp_violations.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )
        return page

    yield make
    for context in contexts:
        context.close()
    # Pages intercepted by a test (page.route) never reach the guard above.
    assert not stray_requests, f"pages requested other hosts: {stray_requests}"
    assert not page_errors, f"JavaScript errors: {page_errors}"
    assert not csp_violations, f"Content-Security-Policy violations: {csp_violations}"


@pytest.fixture(scope="session")
def axe_source():
    """axe-core's source, to put into pages (`helpers.axe_violations`). Missing, the tests that
    use it are skipped on a developer's machine, with how to install it, and fail in CI."""
    if not AXE_JS.exists():
        reason = f"no axe-core at {AXE_JS}: `make install` (or `npm ci`) installs it"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def demo_site(db):
    """The full demo, exactly as `make run` creates it, committed for the live server (the
    accessibility smoke test)."""
    call_command("setup_site", "--demo", stdout=io.StringIO())
    return Site.objects.get(is_default_site=True)
