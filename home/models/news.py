"""Policy news: the news index (with its feeds) and news pages.

The index's routes and a news page's context import the views and selectors when a request
comes, as Wagtail's routable pages do; those modules import the models from their own modules
(topics.py, this one), never through the ``home.models`` package."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from chamber.routing import CachedViewRestrictionsMixin
from home.blocks import BodyStreamBlock
from home.models.social import SocialMetaMixin
from home.models.topics import Person, Topic


class NewsKind(models.TextChoices):
    NEWS = "news", _("News")
    POLICY = "policy", _("Policy position")
    PRESS = "press", _("Press release")


class NewsIndexPage(CachedViewRestrictionsMixin, SocialMetaMixin, RoutablePageMixin, Page):
    """/news/: the list (topic and kind filters) and its RSS and Atom feeds."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.NewsPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("news index page")

    @path("")
    def index_view(self, request):
        from home.views import news_index

        return news_index(request, page=self)

    @path("feed/", name="feed")
    def rss_view(self, request):
        from home.feeds import NewsRssFeed

        return NewsRssFeed(self)(request)

    @path("feed/atom/", name="atom")
    def atom_view(self, request):
        from home.feeds import NewsAtomFeed

        return NewsAtomFeed(self)(request)

    @path("topic/<slug:slug>/feed/", name="topic_feed")
    def topic_rss_view(self, request, slug):
        from home.feeds import NewsRssFeed

        return NewsRssFeed(self, topic_slug=slug)(request)

    @path("topic/<slug:slug>/feed/atom/", name="topic_atom")
    def topic_atom_view(self, request, slug):
        from home.feeds import NewsAtomFeed

        return NewsAtomFeed(self, topic_slug=slug)(request)

    def feed_url(self, *, topic=None, atom: bool = False, full: bool = False) -> str:
        if topic is None:
            route = self.reverse_subpage("atom" if atom else "feed")
        else:
            route = self.reverse_subpage(
                "topic_atom" if atom else "topic_feed", kwargs={"slug": topic.slug}
            )
        return (self.get_full_url() if full else self.url) + route


class NewsPage(CachedViewRestrictionsMixin, SocialMetaMixin, Page):
    """One news item, policy position or press release."""

    date = models.DateField(
        _("date"),
        default=timezone.localdate,
        help_text=_("The date shown on the item; the news list is sorted by it, newest first."),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=NewsKind.choices, default=NewsKind.NEWS
    )
    summary = models.TextField(
        _("summary"),
        max_length=300,
        help_text=_("One or two sentences for the news list, feeds and link previews."),
    )
    listing_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown in the news list, at the top of the item and when it is shared."),
    )
    topics = ParentalManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="news_pages"
    )
    body = StreamField(BodyStreamBlock(), verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("date"), FieldPanel("kind"), FieldPanel("topics")],
            heading=_("Filing"),
        ),
        FieldPanel("summary"),
        FieldPanel("listing_image"),
        InlinePanel("authors", heading=_("Authors"), label=_("Author")),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date"),
        index.FilterField("kind"),
        index.RelatedFields("topics", [index.SearchField("name")]),
    ]

    parent_page_types = ["home.NewsIndexPage"]
    subpage_types = []
    social_image_field = "listing_image"

    class Meta:
        verbose_name = _("news page")
        indexes = [models.Index(fields=["date"], name="home_newspage_date_idx")]

    @property
    def kind_label(self) -> str:
        return NewsKind(self.kind).label if self.kind in NewsKind.values else ""

    def get_context(self, request, *args, **kwargs):
        from home.selectors import related_news_items

        context = super().get_context(request, *args, **kwargs)
        context["authors"] = [item.person for item in self.authors.select_related("person__photo")]
        topics = list(self.topics.all())
        context["topics"] = topics
        context["related_items"] = related_news_items(
            self, topic_ids=[topic.pk for topic in topics], limit=3, request=request
        )
        # The news list (for topic links and the feed): its URL needs no specific page.
        context["news_index"] = self.get_parent()
        return context


class NewsPageAuthor(Orderable):
    page = ParentalKey(NewsPage, on_delete=models.CASCADE, related_name="authors")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("person")]

    class Meta(Orderable.Meta):
        verbose_name = _("author")
