"""Membership's tests: staff notifications go to one inbox, and each test-client request runs
its on-commit work (tests/conftest.py has the fixtures, shared with other folders)."""

import pytest


@pytest.fixture(autouse=True)
def _membership_defaults(staff_inbox, requests_commit):
    pass
