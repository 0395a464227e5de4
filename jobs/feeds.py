"""RSS feed of the open jobs (newest first). Plain-text fields are escaped on top of the XML
escaping, as deals/feeds.py explains: feed readers render titles and descriptions as HTML."""

import datetime

from django.utils import timezone
from django.utils.html import escape, strip_tags

from chamber.feeds import IndexPageFeed
from jobs.selectors import open_jobs

FEED_SIZE = 50


class JobsFeed(IndexPageFeed):
    default_description = "Open jobs at chamber member businesses."

    def items(self):
        return open_jobs().order_by("-posted_on", "-pk")[:FEED_SIZE]

    def item_title(self, job):
        return escape(f"{job.title} — {job.business.name} ({job.location})")

    def item_description(self, job):
        heading = escape(f"{job.get_employment_type_display()} · {job.location}")
        # The description is rich text (HTML): without its tags, its text is already escaped.
        return f"{heading}\n\n{strip_tags(job.description)}"

    def item_link(self, job):
        return self.page.job_url(job, full=True)

    def item_pubdate(self, job):
        return timezone.make_aware(datetime.datetime.combine(job.posted_on, datetime.time.min))

    def item_updateddate(self, job):
        return job.updated_at
