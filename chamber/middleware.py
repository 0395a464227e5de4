"""Site-wide request handling for logged-in users (issue #23).

- ``PrivateWhenLoggedInMiddleware``: a response to a logged-in user may carry what only they
  may see (members-only phone numbers, their name in the header), so it is ``private``: no
  shared cache (a CDN, a proxy) may keep it; so is an anonymous one that sets a cookie or holds
  a form's CSRF token. Any other anonymous GET that set no caching says so explicitly: any
  cache may store it but must check back first (``public, max-age=0``); a page cache may later
  allow more.
- ``BrowserSessionIdleTimeoutMiddleware``: a log-in without "keep me logged in" (the member
  log-in's and the Wagtail admin's: a session that ends with the browser) ends on the server
  too after ``SESSION_IDLE_TIMEOUT`` seconds without a request, instead of living out
  SESSION_COOKIE_AGE (14 days) for whoever holds its cookie.
- ``ContentSecurityPolicyMiddleware``: django-csp's, with the Wagtail admin's own policy under
  /admin/ (settings.ADMIN_CONTENT_SECURITY_POLICY), and a Permissions-Policy on every response.
"""

import time

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib.auth import logout
from django.utils.cache import patch_cache_control

LAST_SEEN = "_chamber_last_seen"
TOUCH_EVERY = 60  # seconds: write the session at most once a minute for this


def _logged_in(request) -> bool:
    return request.session.session_key is not None and request.user.is_authenticated


class PrivateWhenLoggedInMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _logged_in(request) or _personal(request, response):
            patch_cache_control(response, private=True)
        elif request.method in ("GET", "HEAD") and not response.has_header("Cache-Control"):
            patch_cache_control(response, public=True, max_age=0)
        return response


def _personal(request, response) -> bool:
    """An anonymous response that sets a cookie or carries a CSRF token (a form) is this
    visitor's alone."""
    return bool(response.cookies) or bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))


class BrowserSessionIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _logged_in(request) and request.session.get_expire_at_browser_close():
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
            elif last_seen is None or now - last_seen >= TOUCH_EVERY:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and request.path_info.startswith("/admin/"):
            parts.config = settings.ADMIN_CONTENT_SECURITY_POLICY
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
