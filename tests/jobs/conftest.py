"""Fixtures for the job board's tests.

The employer is member A of tests/conftest.py ("Aspen Bakery", Leadership: 3 job postings at a
time by the factory's level, Ada its primary contact, a listing in Riverside); member B ("Birch
Books", Community) has no job postings in its level. `job_factory(**values)` makes an open job
of Aspen Bakery (JobPostingFactory: live, posted yesterday, closing in 29 days).
"""

import datetime
import json
import re

import pytest

from jobs.models import JobsIndexPage
from tests.factories import JobPostingFactory

DAY = datetime.timedelta(days=1)
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def json_ld(html: str) -> dict:
    (data,) = [json.loads(block) for block in JSON_LD.findall(html)]
    return data


@pytest.fixture
def jobs_index(site_tree) -> JobsIndexPage:
    return JobsIndexPage.objects.get()


@pytest.fixture
def employer(member_a, jobs_index):
    return member_a.business


@pytest.fixture
def job_factory(employer):
    def make(**values):
        return JobPostingFactory(**{"business": employer, **values})

    return make


@pytest.fixture(autouse=True)
def _staff_inbox(staff_inbox):
    pass
