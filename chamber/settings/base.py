"""Settings shared by every environment.

Safe by default: DEBUG is off, there is no usable SECRET_KEY, and everything that differs
between deployments is read from the environment (see .env.example for the full list).
"""

import datetime
from pathlib import Path

import dj_database_url

from .env import env_bool, env_int, env_list, env_str

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The project's apps, lowest layer first (README "Architecture").
    "chamber",
    "membership",
    "directory",
    "deals",
    "events",
    "jobs",
    "home",
    "demo",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks_db",  # the e-mail queue (chamber/mail.py)
    "csp",
    "axes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "chamber.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # After CommonMiddleware has checked the host: the request's Site from the cache.
    "chamber.routing.SiteMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "chamber.middleware.BrowserSessionIdleTimeoutMiddleware",
    "chamber.middleware.PrivateWhenLoggedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns its lockout signal into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "chamber.urls"
WSGI_APPLICATION = "chamber.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "chamber.context_processors.chrome",
            ],
        },
    },
]

# Database: one URL, SQLite file in the project directory unless told otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DATABASE_IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if DATABASE_IS_POSTGRES:
    # Lets Wagtail's database search backend use PostgreSQL full-text search.
    INSTALLED_APPS.append("django.contrib.postgres")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when configured (shared between processes), otherwise per-process memory.
CACHE_URL = env_str("CACHE_URL") or env_str("REDIS_URL")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "chamber"),
            "TIMEOUT": 300,
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
elif CACHE_URL.startswith("dummy://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first (it refuses locked-out attempts), then e-mail-or-username log-in.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "chamber.auth.EmailOrUsernameBackend",
]
# Brute-force protection: lock a username only from the address that failed, so an attacker
# elsewhere can't lock a member out; the password-reset path lifts the lock (chamber/auth.py).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "chamber.auth.axes_username"
AXES_CLIENT_IP_CALLABLE = "chamber.auth.axes_client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
PASSWORD_RESET_RATE_LIMIT_PER_HOUR = env_int("PASSWORD_RESET_RATE_LIMIT_PER_HOUR", 10)
PASSWORD_RESET_PER_RECIPIENT_PER_HOUR = env_int("PASSWORD_RESET_PER_RECIPIENT_PER_HOUR", 3)
# How many reverse proxies (nginx, a load balancer) stand in front of the application and append
# the address they were reached from to X-Forwarded-For. The rate limits and log-in lockouts
# key on the client address (chamber/ratelimit.py): with 0 it is REMOTE_ADDR, and behind a
# proxy every visitor would share the proxy's address, so set this to the number of proxies.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# "Remember me" is off by default: a log-in lasts until the browser closes, or two weeks
# when ticked.
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14  # "keep me logged in"
# Without "keep me logged in": the session also ends after this long without a request.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 60 * 60 * 2)
LOGIN_URL = "/accounts/login/"
# Pages editors restrict to logged-in users send visitors to the site's log-in page too.
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
LOGIN_REDIRECT_URL = "/account/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATIC_ROOT = BASE_DIR / "static_collected"
STATIC_URL = "/static/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = "/media/"
# Uploads waiting for review (members' logos until their listing is published): outside
# MEDIA_ROOT, never served by the web server; chamber/storage.py routes them here.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT") or BASE_DIR / "private-media")
STORAGES = {
    # Routes each file to "public_media" or, while it waits for review, "private_media".
    "default": {"BACKEND": "chamber.storage.MediaStorage"},
    "public_media": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private_media": {"BACKEND": "chamber.storage.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Media on S3-compatible storage (AWS, MinIO, Scaleway …) when a bucket is named; files
# waiting for review under "private/" in the same bucket, readable only with the keys.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["public_media"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    STORAGES["private_media"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"location": "private", "default_acl": "private", "querystring_auth": True},
    }
    AWS_S3_ENDPOINT_URL = env_str("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_REGION_NAME = env_str("AWS_S3_REGION_NAME") or None
    AWS_S3_CUSTOM_DOMAIN = env_str("AWS_S3_CUSTOM_DOMAIN") or None
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = False
    AWS_S3_FILE_OVERWRITE = False

# E-mail: console by default so a first run never sends real mail.
# Every e-mail is queued first (chamber/mail.py); MAIL_TRANSPORT is how it then leaves (the
# EMAIL_BACKEND environment variable: the console here, SMTP in production).
EMAIL_BACKEND = "chamber.mail.QueuedEmailBackend"
MAIL_TRANSPORT = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# "inline": also deliver right after each commit, in-process (development, no worker needed);
# "queue": leave it to `manage.py deliver_mail` (cron) or a db_worker (production).
MAIL_DELIVERY = env_str("MAIL_DELIVERY", "inline")
# Minutes to wait before each further attempt at a failed send (then it waits for staff).
MAIL_RETRY_MINUTES = [1, 5, 30, 120, 360, 720]
TASKS = {
    # Wagtail's own background work (search index, references) runs at once, as before.
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "mail": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["mail"]},
}
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Riverside Chamber <hello@example.org>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
STAFF_NOTIFICATION_EMAILS = env_list("STAFF_NOTIFICATION_EMAILS")

# Stripe: off unless a secret key is given (see README, "Payments").
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = env_str("STRIPE_API_BASE")  # tests and e2e only: a local Stripe double
STRIPE_ENABLED = bool(STRIPE_SECRET_KEY)

# Membership (see README, "Membership and dues").
# Applications accepted per IP address and hour on /join/ (0: no limit).
JOIN_RATE_LIMIT_PER_HOUR = env_int("JOIN_RATE_LIMIT_PER_HOUR", 5)
# What one member may send for review: (how many, in how many seconds).
# Roster files up to this many rows are written when staff confirm them in the admin; larger
# ones by `run_roster_imports` in the background (directory/roster/background.py).
ROSTER_IMPORT_INLINE_ROWS = env_int("ROSTER_IMPORT_INLINE_ROWS", 100)
MEMBER_SUBMISSION_LIMITS = {
    "listing": (20, 60 * 60),
    "deal": (20, 60 * 60),
    "event": (10, 60 * 60),
    "job": (20, 60 * 60),
    "level-change": (3, 60 * 60 * 24),
}
# Renewal reminders for members not on auto-renew, in days from the paid-through date.
RENEWAL_REMINDER_DAYS = [
    int(day) for day in env_list("RENEWAL_REMINDER_DAYS", ["-30", "-7", "0", "14"])
]

# "Contact this business" (see README, "The business directory"): messages sent per client
# address and hour, and received per listing and day (0: no limit).
CONTACT_RATE_LIMIT_PER_HOUR = env_int("CONTACT_RATE_LIMIT_PER_HOUR", 5)
CONTACT_LISTING_LIMIT_PER_DAY = env_int("CONTACT_LISTING_LIMIT_PER_DAY", 20)
# Listing statistics (directory/engagement.py): view and click beacons counted per client
# address and hour; past it nothing is counted (0: no limit).
ENGAGEMENT_RATE_LIMIT_PER_HOUR = env_int("ENGAGEMENT_RATE_LIMIT_PER_HOUR", 300)

# Logos members upload for their listings (JPEG, PNG or WebP; at most 4000 x 4000 pixels).
MEMBER_LOGO_MAX_BYTES = env_int("MEMBER_LOGO_MAX_BYTES", 2 * 1024 * 1024)

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Wagtail
WAGTAIL_SITE_NAME = env_str("WAGTAIL_SITE_NAME", "Chamber portal")
# The site's public address (chamber/site_url.py): canonical links, sitemaps, feeds, JSON-LD and
# e-mails use it, and `setup_site` writes it to Wagtail's Site. The default is what `make run`
# serves; `check --deploy` warns when production keeps it (or any local address).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# Links in the admin's own e-mails (moderation, workflow): the same address unless told otherwise.
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL") or SITE_URL
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "english"},
    # The directory's search: the same index, queried for prefixes and exact names first.
    "directory": {
        "BACKEND": "directory.search.backend",
        "SEARCH_CONFIG": "english",
        "AUTO_UPDATE": False,
    },
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 5 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Wagtail 8 runs search-index and reference-index updates as django-tasks; with the
        # immediate backend each one logs two INFO lines, which drowns everything else.
        "django_tasks": {"level": "WARNING"},
        # django-axes logs every log-in at INFO; failures and lockouts are WARNING.
        "axes": {"level": "WARNING"},
    },
}

# Content-Security-Policy (django-csp; chamber/middleware.py picks the admin's policy under
# /admin/). Public pages run no inline script but the one in base.html that swaps the "no-js"
# class before the page paints, allowed by its hash (tests/chamber/test_csp.py checks it).
# Forms may post to Stripe Checkout and the billing portal, which the site redirects to.
NO_JS_SCRIPT_HASH = "'sha256-tlTtfpdsMQSdcfX3DLM1fgx/y++BLw+48vFj+5cTJa0='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NO_JS_SCRIPT_HASH],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "https:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # News and pages may embed videos (wagtail.embeds).
        "frame-src": [
            "'self'",
            "https://www.youtube.com",
            "https://www.youtube-nocookie.com",
            "https://player.vimeo.com",
        ],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", "https://checkout.stripe.com", "https://billing.stripe.com"],
    }
}
# The Wagtail admin (and its previews of public pages) needs inline scripts and styles and
# frames its own pages; still no plugins, no foreign base, no framing by other sites.
ADMIN_CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:", "https:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'", "https:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'self'"],
    "form-action": ["'self'"],
}
# No page uses these browser features.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)
# The admin calls no one else: no Gravatar (staff e-mail hashes would go to a third party)
# and no "new Wagtail release" check from staff browsers.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
