"""Reads for the editorial pages: news lists for the news index, the home page and a news
page's related items; site search (/search/). Only live pages without view restrictions are
ever listed."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Prefetch, Q
from django.http import QueryDict
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.images import get_image_model
from wagtail.models import Page, Site
from wagtail.search.utils import normalise_query_string

from chamber.caching import cached
from chamber.selectors import pages_visible_to, public_pages
from directory.cards import ResultCard, result_cards
from directory.models import DirectoryPage
from directory.search.query import search_terms
from directory.selectors import directory_results
from home.models.news import NewsPage
from home.models.topics import Topic

# The renditions news lists show: prefetched with the images, so a list costs the same
# number of queries for 1 or 12 items.
NEWS_CARD_RENDITIONS = ("fill-480x270",)


def news_pages(*, within=None, request=None):
    """Live news pages, newest first: public ones, or with `request` those it may see
    (chamber.selectors.pages_visible_to). `within`: under this page, e.g. a site root or one
    news index."""
    pages = pages_visible_to(NewsPage.objects.live(), request)
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


def related_news_items(
    page: NewsPage, *, topic_ids: list[int], limit: int, request=None
) -> list[NewsPage]:
    """Other news sharing a topic (of `topic_ids`, the page's) with `page`, newest first, of
    those `request` may see."""
    if not topic_ids:
        return []
    sharing = NewsPage.topics.through.objects.filter(topic_id__in=topic_ids)
    related = (
        news_pages(within=page.get_parent(), request=request)
        .filter(pk__in=sharing.values("newspage_id"))
        .exclude(pk=page.pk)
    )
    return list(with_card_data(related)[:limit])


def topic_choices() -> list[tuple[str, str]]:
    """(slug, name) of every topic, by name, for the news filter: cached with the site chrome
    (home/signals.py drops it when a topic changes)."""
    return cached(
        "chrome",
        "news-topics",
        lambda: list(Topic.objects.order_by("name").values_list("slug", "name")),
    )


# Site search (/search/, home/search.py) -----------------------------------------------------
#
# Pages and listings anyone may find, and the promotions editors chose for a query. Pages are
# searched with the "directory" search backend: the default index, with the last word matched
# as a prefix ("advoc" finds "Advocacy"). Listings come from the directory's own search, which
# applies the public-listing rule.

SITE_SEARCH_BACKEND = "directory"
SITE_SEARCH_BUSINESS_PREVIEW = 5


@dataclass(frozen=True)
class PageSearchResult:
    """A page in the search results: only what the results list shows."""

    url: str
    title: str
    description: str
    kind: str  # what a news item is ("Policy position"); "" for other pages


@dataclass(frozen=True)
class PromotedSearchResult:
    """A search promotion: a page of this site or an external link, chosen by editors."""

    url: str
    title: str
    description: str
    is_external: bool


@dataclass(frozen=True)
class BusinessSearchResults:
    """The first listings matching a search, and where the directory shows them all."""

    total: int
    capped: bool  # more listings match than the directory ranked: `total` is a lower bound
    cards: list[ResultCard]
    directory_url: str
    see_all_url: str  # the directory's own search for the query


def searchable_pages(site: Site):
    """Pages anyone may find through site search: live, public and in `site`."""
    return public_pages(Page.objects.live().descendant_of(site.root_page, inclusive=True))


def search_pages(query: str, *, site: Site | None):
    """Searchable pages of `site` matching every word of `query`, best first: the search
    backend's lazy results, to count and slice (a Paginator does both), never read whole."""
    terms = search_terms(query)
    if site is None or not terms:
        return Page.objects.none()
    return (
        searchable_pages(site)
        .specific()  # one query per page type on a page of results, not one per result
        .search(terms, operator="and", backend=SITE_SEARCH_BACKEND)
    )


def page_search_results(pages, *, request) -> list[PageSearchResult]:
    """Results for `pages`, specific pages (one page of `search_pages`)."""
    results = []
    for page in pages:
        url = page.get_url(request)
        if url:
            results.append(
                PageSearchResult(
                    url=url,
                    title=page.title,
                    description=_search_description(page),
                    kind=getattr(page, "kind_label", ""),
                )
            )
    return results


def _search_description(page) -> str:
    describe = getattr(page, "get_meta_description", None)
    if callable(describe):
        return describe() or ""
    return page.search_description or getattr(page, "intro", "") or ""


def search_promotions(query: str, *, site: Site | None, request) -> list[PromotedSearchResult]:
    """Editors' picks for `query`, in their order: external links, and pages searchable in
    `site` (never a draft, a private page or another site's page). Read by the normalised
    query string, so looking creates no Query row."""
    if site is None or not query:
        return []
    promotions = (
        SearchPromotion.objects.filter(query__query_string=normalise_query_string(query))
        .filter(Q(page__isnull=True) | Q(page__in=searchable_pages(site)))
        .select_related("page")
        .order_by("sort_order", "pk")
    )
    results = []
    for promotion in promotions:
        if promotion.page is not None:
            url = promotion.page.get_url(request)
            description = promotion.description or promotion.page.search_description
        else:
            url = promotion.external_link_url
            description = promotion.description
        if url and promotion.title:
            results.append(
                PromotedSearchResult(
                    url=url,
                    title=promotion.title,
                    description=description,
                    is_external=promotion.page is None,
                )
            )
    return results


def site_directory_url(site: Site) -> str:
    """The URL of `site`'s directory page ("" without one), cached with the site chrome
    (dropped whenever a page is published, unpublished, moved or saved)."""

    def read() -> str:
        directory = DirectoryPage.objects.live().descendant_of(site.root_page).first()
        return (directory.get_url(current_site=site) or "") if directory else ""

    return cached("chrome", f"directory-url:{site.pk}", read)


def search_businesses(
    query: str, *, site: Site | None, limit: int = SITE_SEARCH_BUSINESS_PREVIEW
) -> BusinessSearchResults | None:
    """The first `limit` publicly listed businesses matching `query`, as the directory's own
    search finds and ranks them; None when `site` has no directory page to show them on."""
    directory_url = site_directory_url(site) if site is not None else ""
    if not directory_url:
        return None
    see_all_url = f"{directory_url}?{urlencode({'q': query})}"
    if not search_terms(query):
        return BusinessSearchResults(
            total=0, capped=False, cards=[], directory_url=directory_url, see_all_url=see_all_url
        )
    params = QueryDict(mutable=True)
    params["q"] = query
    results = directory_results(params=params)
    return BusinessSearchResults(
        total=results.total,
        capped=results.capped,
        cards=result_cards(list(results.page)[:limit], directory_url=directory_url),
        directory_url=directory_url,
        see_all_url=see_all_url,
    )
