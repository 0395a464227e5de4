"""Constants and helpers of the real-browser tests (tests/e2e); the fixtures and the collection
hook that marks, skips and orders these tests are in tests/e2e/conftest.py."""

import os
from pathlib import Path

import pytest

HERE = Path(__file__).parent
CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
DEFAULT_TIMEOUT_MS = 10_000
# Browser tests share one database with the live server: they need committed data.
E2E_DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def missing_tools() -> str:
    """Why the browser tests can't run here ("" when they can)."""
    if not CHROMIUM.exists():
        return (
            f"browser tests need Debian's chromium at {CHROMIUM}: "
            "apt-get install -y chromium (CI installs it)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "browser tests need playwright: .venv/bin/pip install -e '.[dev]'"
    return ""


def is_e2e(item) -> bool:
    """Whether the collected test `item` is one of this folder's browser tests."""
    return HERE in Path(item.path).parents
