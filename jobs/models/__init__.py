"""The job board's models: the postings and what is recorded about them (postings.py) and the
/jobs/ page (pages.py). Other apps import them from here; inside jobs, from their own module."""

from jobs.models.pages import JobsIndexPage
from jobs.models.postings import (
    RESERVED_SLUGS,
    JobNotice,
    JobPosting,
    JobPostingQuerySet,
    JobViews,
)

__all__ = [
    "RESERVED_SLUGS",
    "JobNotice",
    "JobPosting",
    "JobPostingQuerySet",
    "JobViews",
    "JobsIndexPage",
]
