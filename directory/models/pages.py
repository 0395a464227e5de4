"""/directory/: the page whose routes are the search, category landing pages and each listing's
page (directory/views.py).

Each route imports its view when it runs, as Wagtail's routable pages do: while models are
being loaded, what the views use can't all be imported yet. Nothing the views use imports this
module (inside the directory, code imports the data models from their own modules), so there is
no import cycle."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page

from chamber.routing import CachedViewRestrictionsMixin


class DirectoryPage(CachedViewRestrictionsMixin, RoutablePageMixin, Page):
    """/directory/: search and filters, listing detail pages and category landing pages."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("directory page")

    @path("")
    def search_view(self, request):
        from directory.views import directory_search

        return directory_search(request, page=self)

    @path("category/<slug:slug>/")
    def category_view(self, request, slug):
        from directory.views import directory_category

        return directory_category(request, page=self, slug=slug)

    @path("a-z/")
    @path("a-z/<str:letter>/")
    def a_z_view(self, request, letter=None):
        from directory.views import browse_a_z

        return browse_a_z(request, page=self, letter=letter)

    @path("categories/")
    def categories_view(self, request):
        from directory.views import browse_categories

        return browse_categories(request, page=self)

    @path("<slug:slug>/")
    def business_view(self, request, slug):
        from directory.views import business_detail

        return business_detail(request, page=self, slug=slug)

    @path("<slug:slug>/contact/")
    def business_contact_view(self, request, slug):
        from directory.views import business_contact

        return business_contact(request, page=self, slug=slug)

    def business_url(self, business, *, full: bool = False) -> str:
        base = self.get_full_url() if full else self.url
        return base + self.reverse_subpage("business_view", kwargs={"slug": business.slug})

    def category_url(self, category) -> str:
        return self.url + self.reverse_subpage("category_view", kwargs={"slug": category.slug})
