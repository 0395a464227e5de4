from django.utils.functional import cached_property

from chamber.sitemaps import SiteUrlSitemap
from jobs.models.postings import JobPosting
from jobs.selectors import jobs_page


class JobSitemap(SiteUrlSitemap):
    """Open jobs: a job leaves the sitemap the day it closes (and its page answers 410)."""

    changefreq = "daily"

    def items(self):
        if self.jobs_path is None:
            return JobPosting.objects.none()
        return JobPosting.objects.open().only("slug", "updated_at").order_by("pk")

    def location(self, job):
        return f"{self.jobs_path}{job.slug}/"

    def lastmod(self, job):
        return job.updated_at

    @cached_property
    def jobs_path(self) -> str | None:
        page = jobs_page()
        return page.url if page else None
