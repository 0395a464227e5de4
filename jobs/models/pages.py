"""/jobs/: the page whose routes are the job list, each job's page and the feed
(jobs/views.py, jobs/feeds.py).

Each route imports its view when it runs, as Wagtail's routable pages do (see
deals/models/pages.py for why)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page

from chamber.routing import CachedViewRestrictionsMixin


class JobsIndexPage(CachedViewRestrictionsMixin, RoutablePageMixin, Page):
    """/jobs/: open jobs with search and filters, each job's page and the RSS feed."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("job board page")

    @path("")
    def index_view(self, request):
        from jobs.views import job_index

        return job_index(request, page=self)

    @path("feed/")
    def feed_view(self, request):
        from jobs.feeds import JobsFeed

        return JobsFeed(page=self)(request)

    @path("<slug:slug>/")
    def job_view(self, request, slug):
        from jobs.views import job_detail

        return job_detail(request, page=self, slug=slug)

    def job_url(self, job, *, full: bool = False) -> str:
        base = self.get_full_url() if full else self.url
        return base + self.reverse_subpage("job_view", kwargs={"slug": job.slug})
