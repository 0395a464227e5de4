"""The member's own listings: staff notifications go to one inbox, and each test-client request
runs its on-commit work (as in membership's tests; the fixtures are in tests/conftest.py)."""

import pytest


@pytest.fixture(autouse=True)
def _account_defaults(staff_inbox, requests_commit):
    pass
