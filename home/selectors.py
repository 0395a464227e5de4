"""Reads for the editorial pages: news lists for the news index, the home page and a news
page's related items. Only live pages without view restrictions are ever listed."""

from django.db.models import Prefetch
from wagtail.images import get_image_model

from chamber.caching import cached
from chamber.selectors import public_pages
from home.models import NewsIndexPage, NewsPage, Topic

# The renditions news lists show: prefetched with the images, so a list costs the same
# number of queries for 1 or 12 items.
NEWS_CARD_RENDITIONS = ("fill-480x270",)


def news_pages(*, within=None):
    """Live, public news pages, newest first (`within`: under this page, e.g. a site root or
    one news index)."""
    pages = public_pages(NewsPage.objects.live())
    if within is not None:
        pages = pages.descendant_of(within)
    return pages.order_by("-date", "-first_published_at", "-pk")


def with_card_data(pages):
    """What a news card shows, in a fixed number of queries: image + renditions, topics."""
    renditions = (
        get_image_model().get_rendition_model().objects.filter(filter_spec__in=NEWS_CARD_RENDITIONS)
    )
    return pages.select_related("listing_image").prefetch_related(
        # Where Wagtail's Image.get_rendition looks for prefetched renditions.
        Prefetch("listing_image__renditions", queryset=renditions, to_attr="prefetched_renditions"),
        Prefetch("topics", queryset=Topic.objects.order_by("name")),
    )


def latest_news_items(*, limit: int, within=None) -> list[NewsPage]:
    return list(with_card_data(news_pages(within=within))[:limit])


def related_news_items(page: NewsPage, *, topic_ids: list[int], limit: int) -> list[NewsPage]:
    """Other news sharing a topic (of `topic_ids`, the page's) with `page`, newest first."""
    if not topic_ids:
        return []
    sharing = NewsPage.topics.through.objects.filter(topic_id__in=topic_ids)
    related = (
        news_pages(within=page.get_parent())
        .filter(pk__in=sharing.values("newspage_id"))
        .exclude(pk=page.pk)
    )
    return list(with_card_data(related)[:limit])


def news_index_page() -> NewsIndexPage | None:
    return NewsIndexPage.objects.live().first()


def news_index_url() -> str:
    """The news page's URL ("" without one), cached with the site chrome (dropped whenever
    a page is published, unpublished, moved or saved)."""
    return cached("chrome", "news-page-url", lambda: getattr(news_index_page(), "url", "") or "")


def topic_choices() -> list[tuple[str, str]]:
    """(slug, name) of every topic, by name, for the news filter: cached with the site chrome
    (home/signals.py drops it when a topic changes)."""
    return cached(
        "chrome",
        "news-topics",
        lambda: list(Topic.objects.order_by("name").values_list("slug", "name")),
    )
