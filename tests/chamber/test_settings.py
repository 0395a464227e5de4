"""Production settings fail fast and pass Django's deployment checklist."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "SECRET_KEY": "x7!kq2@pz9#vt4&mw8^rb3*ny6(hc1)jd5-gs0+fl7=ua2?ze9",
    "ALLOWED_HOSTS": "chamber.example.org",
    "DATABASE_URL": "postgres://chamber@127.0.0.1:5432/chamber",
}
# Not required to start, but to pass check --deploy (chamber/checks.py): a shared cache and
# the site's public address.
SHARED_CACHE = {"REDIS_URL": "redis://127.0.0.1:6379/0"}
PUBLIC_ADDRESS = {"SITE_URL": "https://chamber.example.org"}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base_env = {
        key: value
        for key, value in os.environ.items()
        if key not in PRODUCTION_ENV
        and key not in ("REDIS_URL", "CACHE_URL", "SITE_URL", "WAGTAILADMIN_BASE_URL")
        and not key.startswith(("DJANGO_", "STRIPE_"))
    }
    return subprocess.run(  # noqa: S603 - fixed argv, our own manage.py
        [sys.executable, "manage.py", *args, "--settings=chamber.settings.production"],
        cwd=ROOT,
        env={**base_env, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("missing", sorted(PRODUCTION_ENV))
def test_production_settings_refuse_to_start_without(missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_settings_pass_check_deploy_with_zero_warnings():
    env = {**PRODUCTION_ENV, **SHARED_CACHE, **PUBLIC_ADDRESS}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_fails_on_a_cache_each_process_keeps_for_itself():
    """Issue #23: without Redis every worker counted rate limits on its own."""
    result = run_manage("check", "--deploy", env={**PRODUCTION_ENV, **PUBLIC_ADDRESS})
    assert result.returncode != 0
    assert "chamber.E001" in result.stderr and "REDIS_URL" in result.stderr


def test_check_deploy_warns_when_site_url_is_unset():
    """Issue #22: every canonical link and sitemap entry said http://localhost/."""
    env = {**PRODUCTION_ENV, **SHARED_CACHE}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "chamber.W001" in result.stderr
    assert "SITE_URL is unset or names this machine (http://127.0.0.1:8000)" in result.stderr
    # Outside --deploy (development, the test suite) the default is what it should be.
    assert "chamber.W001" not in run_manage("check", env=env).stderr


# What the developer's own environment may set, left out so that defaults are read.
DEPLOYMENT_VARIABLES = {"DATABASE_URL", "CACHE_URL", "REDIS_URL", "DEBUG", "DJANGO_SETTINGS_MODULE"}
DEPLOYMENT_VARIABLES |= {"SITE_URL", "WAGTAILADMIN_BASE_URL"}


def read_setting(expression: str, *, env: dict[str, str], module: str = "dev") -> str:
    """Evaluate `expression` against django.conf.settings in a fresh interpreter."""
    # Reading settings needs no django.setup(): importing every app costs seconds a run.
    code = f"from django.conf import settings; print({expression})"
    clean_env = {key: value for key, value in os.environ.items() if key not in DEPLOYMENT_VARIABLES}
    result = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean_env, **env, "DJANGO_SETTINGS_MODULE": f"chamber.settings.{module}"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_postgresql_database_url_enables_postgres_full_text_search():
    expression = "'django.contrib.postgres' in settings.INSTALLED_APPS"
    pg_url = "postgres://postgres@127.0.0.1:5432/chamber"
    assert read_setting(expression, env={"DATABASE_URL": pg_url}) == "True"
    assert read_setting(expression, env={}) == "False"


def test_database_defaults_to_a_sqlite_file_in_the_project():
    database = "settings.DATABASES['default']"
    assert read_setting(f"{database}['ENGINE']", env={}) == "django.db.backends.sqlite3"
    assert read_setting(f"{database}['NAME']", env={}) == str(ROOT / "db.sqlite3")


def test_redis_url_selects_the_shared_redis_cache_and_cached_sessions():
    expression = "settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE"
    output = read_setting(expression, env={"REDIS_URL": "redis://127.0.0.1:6379/1"})
    assert "RedisCache" in output
    assert "cached_db" in output
    assert "LocMemCache" in read_setting(expression, env={})


def test_base_settings_keep_debug_off_unless_asked():
    assert read_setting("settings.DEBUG", env={}, module="base") == "False"
    assert read_setting("settings.DEBUG", env={}, module="dev") == "True"


def test_a_malformed_boolean_is_a_clear_configuration_error():
    from django.core.exceptions import ImproperlyConfigured

    from chamber.settings.env import env_bool

    os.environ["CHAMBER_TEST_FLAG"] = "maybe"
    try:
        with pytest.raises(ImproperlyConfigured, match="CHAMBER_TEST_FLAG"):
            env_bool("CHAMBER_TEST_FLAG")
    finally:
        del os.environ["CHAMBER_TEST_FLAG"]


def test_admin_email_links_default_to_the_site_url():
    public = {"SITE_URL": "https://chamber.example.org"}
    assert read_setting("settings.WAGTAILADMIN_BASE_URL", env=public) == public["SITE_URL"]
    own = {**public, "WAGTAILADMIN_BASE_URL": "https://admin.chamber.example.org"}
    assert read_setting("settings.WAGTAILADMIN_BASE_URL", env=own) == (
        "https://admin.chamber.example.org"
    )
    # Development: what `make run` serves.
    assert read_setting("settings.SITE_URL", env={}) == "http://127.0.0.1:8000"
