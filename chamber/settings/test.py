"""Test settings: the dev defaults made fast, quiet and hermetic."""

from .base import *

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-any-real-deployment-0123456789"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Queued as in production (tests/conftest.py puts this back after pytest-django's locmem),
# delivered to django.core.mail.outbox right after each commit.
EMAIL_BACKEND = "chamber.mail.QueuedEmailBackend"
MAIL_TRANSPORT = "django.core.mail.backends.locmem.EmailBackend"
MAIL_DELIVERY = "inline"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Tests configure Stripe explicitly, against a local double; never from the environment.
STRIPE_SECRET_KEY = ""
STRIPE_PUBLISHABLE_KEY = ""
STRIPE_WEBHOOK_SECRET = ""
STRIPE_API_BASE = ""
STRIPE_ENABLED = False
MEDIA_ROOT = BASE_DIR / ".test-media"
PRIVATE_MEDIA_ROOT = BASE_DIR / ".test-private-media"
SITE_URL = WAGTAILADMIN_BASE_URL = "http://testserver"  # the test client's host
LOGGING["root"]["level"] = "WARNING"
