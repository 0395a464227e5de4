"""Reads for the directory: the search page's results, and listing look-ups.

Query budget of a directory page, whatever the number of results: one query for the page of
results (with the total as a window count), one for their logos' renditions when any have a
logo, and, except on PostgreSQL (where each listing row carries its category ids), one for
their categories. Category names and levels come from the cached taxonomy.
Facet counts (directory/facets.py) and, for keywords, the ordered matches
(directory/search/keywords.py) are cached until a listing, member or category changes
(directory/caches.py): on PostgreSQL a filter-only page reads them from today's facet table,
one query after each change; a keyword search costs its matching and ranking queries once per
combination of query, filters and sort. Whatever comes from a cache, the page's rows are read
with the visibility rule, so a cache can't show a hidden listing.
"""

import datetime
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, F, Min, Prefetch, Window
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.images.models import Image
from wagtail.models import Revision

from chamber.caching import get_cached, set_cached
from chamber.pagination import parse_page_number
from directory.caches import FACETS
from directory.facets import (
    FacetOption,
    Selection,
    cached_facet_counts,
    category_facets,
    city_facets,
    facet_counts,
    facet_key,
    selection_key_parts,
    summary_counts,
    today_key,
    uses_facet_summary,
)
from directory.features import ListingFeature, listing_features
from directory.filters import PAGE_SIZE, SORT_ORDERINGS, DirectoryFilterSet
from directory.models.contact import ContactMessage
from directory.models.listings import Business, Category
from directory.search import database
from directory.search.keywords import CANDIDATE_LIMIT, keyword_matches
from directory.search.suggest import Suggestion, suggestion
from directory.taxonomy import CategoryNode, category_tree, level_by_slug

# Any list can be paged through its first 1,000 listings (as many as a broad search ranks):
# a page is an index walk past every listing before it, so page 20,000 of a million cost 0.5 s.
MAX_PAGES = CANDIDATE_LIMIT // PAGE_SIZE
# The logo renditions cards and listing pages show (directory/cards.py, business_detail.html)
# and the square one shared on social media, prefetched with the listings.
LOGO_RENDITIONS = ("max-240x120", "max-480x240", "max-200x200", "max-400x400", "fill-400x400")
# The listing columns a result card shows (directory/cards.py); the rest stay unread.
CARD_FIELDS = ("slug", "name", "city", "summary", "is_featured", "logo")


@dataclass
class DirectoryResults:
    filterset: DirectoryFilterSet
    page: "ResultsPage"
    query: str
    sort: str
    category: CategoryNode | None
    city: str
    level_name: str
    category_facets: list[FacetOption]
    city_facets: list[FacetOption]
    ignored: dict[str, str]

    @property
    def total(self) -> int:
        return self.page.paginator.count

    @property
    def capped(self) -> bool:
        """More listings match than were ranked: the total is a lower bound."""
        return self.page.capped

    @property
    def beyond_last_page(self) -> int:
        """How many listings lie past the last page that can be opened (MAX_PAGES)."""
        if self.capped:
            return 0
        return max(0, self.total - self.page.paginator.num_pages * self.page.paginator.per_page)

    features: tuple[ListingFeature, ...] = ()  # the listing features asked for (has_deals)
    suggestion: Suggestion | None = None  # for a search that found nothing (search/suggest.py)

    @property
    def is_filtered(self) -> bool:
        return bool(self.query or self.category or self.city or self.level_name or self.features)

    @property
    def active_filter_count(self) -> int:
        """How many filters narrow the list (the "Filters (n)" button): category, town, level
        and each listing feature; keywords and the sort are not filters."""
        return bool(self.category) + bool(self.city) + bool(self.level_name) + len(self.features)

    @property
    def feature_options(self) -> list[tuple[ListingFeature, bool]]:
        """Every listing feature's filter, and whether it is applied."""
        return [(feature, feature in self.features) for feature in listing_features()]


class WindowCountPaginator(Paginator):
    """Reads the total from a ``_total`` window annotation on the page's own rows, saving the
    separate COUNT query; falls back to COUNT only when the requested page is empty."""

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by().count()

    @cached_property
    def num_pages(self) -> int:
        return min(Paginator.num_pages.func(self), MAX_PAGES)


class ResultsPage:
    """One page of results. With `ids` (a keyword search's matches, in order), the page reads
    its slice of them; with `total` known (from the facet summary), the page is a plain
    LIMIT/OFFSET read; either is clamped to the last page. Otherwise the total rides on the
    page's own rows as a window count."""

    capped = False  # set for a keyword search that matched more than it ranked

    def __init__(
        self,
        queryset,
        number: int,
        per_page: int,
        *,
        total: int | None = None,
        ids: list[int] | None = None,
    ):
        """What a card shows (with_card_data) is added only to the query that reads the page's
        rows; the query that picks them runs without it, so on PostgreSQL it can be an
        index-only walk (the join to the member for the logo flag made it read every listing
        it passed)."""
        number = min(number, MAX_PAGES)
        if ids is not None:
            total = len(ids)
        if total is not None:
            self.paginator = WindowCountPaginator(queryset, per_page)
            self.paginator.count = total
            number = min(number, self.paginator.num_pages)
            start = (number - 1) * per_page
            if ids is not None:
                # The visibility rule is applied again: ids may come from the cache.
                page_ids = ids[start : start + per_page]
                position = {pk: index for index, pk in enumerate(page_ids)}
                found = with_card_data(queryset).filter(pk__in=page_ids) if page_ids else []
                rows = sorted(found, key=lambda business: position[business.pk])
            else:
                # Order and cut on the narrow id column first, then read the page's full
                # rows: the sort doesn't carry every column of every candidate.
                page_ids = queryset.values("pk")[start : start + per_page]
                rows = list(with_card_data(queryset).filter(pk__in=page_ids)) if total else []
        else:
            rows = list(
                with_card_data(queryset).annotate(_total=Window(Count("pk")))[
                    (number - 1) * per_page : number * per_page
                ]
            )
            self.paginator = WindowCountPaginator(queryset, per_page)
            if rows:
                self.paginator.count = rows[0]._total  # fills the cached_property
            elif number > 1:  # past the end: show the last page instead
                number = self.paginator.num_pages
                last = (number - 1) * per_page
                rows = list(with_card_data(queryset)[last : last + per_page])
        self.object_list = rows
        self.number = number
        self.elided_range = list(
            self.paginator.get_elided_page_range(number, on_each_side=1, on_ends=1)
        )

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_next(self):
        return self.number < self.paginator.num_pages

    def has_previous(self):
        return self.number > 1

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1

    def start_index(self):
        return (self.number - 1) * self.paginator.per_page + 1 if self.object_list else 0

    def end_index(self):
        return (self.number - 1) * self.paginator.per_page + len(self.object_list)


def with_listing_data(queryset):
    """Load what a result card or detail page shows, in a fixed number of queries."""
    return queryset.select_related("member__level", "logo").prefetch_related(
        Prefetch("categories", queryset=Category.objects.order_by("name")),
        Prefetch(
            "logo__renditions",
            queryset=Image.get_rendition_model().objects.filter(filter_spec__in=LOGO_RENDITIONS),
        ),
    )


def listing_queryset():
    """Publicly listed businesses, ready to render."""
    return with_listing_data(Business.objects.publicly_listed())


def with_card_data(queryset):
    """Load what a result card shows (directory/cards.py) and no more: the listing's card
    columns, whether its level shows a logo, and its logo with its renditions, as model
    instances with every other column deferred (half the time of loading whole rows with
    their member and level). On PostgreSQL the card's categories are the listing row's own
    category ids (migration 0006), named from the cached taxonomy; elsewhere they are one
    more query."""
    queryset = (
        queryset.only(*CARD_FIELDS)
        .select_related("logo")
        .annotate(level_shows_logo=F("member__level__listing_logo"))
        .prefetch_related(
            Prefetch(
                "logo__renditions",
                queryset=Image.get_rendition_model().objects.filter(
                    filter_spec__in=LOGO_RENDITIONS
                ),
            )
        )
    )
    return database().card_categories(queryset)


def card_queryset():
    """Publicly listed businesses, ready to show as result cards."""
    return with_card_data(Business.objects.publicly_listed())


def directory_results(
    *, params: QueryDict, category: CategoryNode | None = None
) -> DirectoryResults:
    """Everything the directory search page shows for these query parameters.

    `category` pins the category (the category landing pages); the `category` parameter is
    then ignored.
    """
    if category is not None:
        params = params.copy()
        params["category"] = category.slug
    filterset = DirectoryFilterSet(params, queryset=Business.objects.publicly_listed())
    filterset.is_valid()  # invalid parameters are left out of cleaned_data, i.e. ignored
    cleaned = filterset.form.cleaned_data
    query = cleaned.get("q") or ""
    sort = cleaned.get("sort") or ""
    if sort not in SORT_ORDERINGS and not (sort == "relevance" and query):
        sort = "relevance" if query else "featured"
    selection = Selection(
        category=category_tree().by_slug.get(cleaned.get("category") or ""),
        city=cleaned.get("city") or "",
        level_slug=cleaned.get("level") or "",
        features=tuple(feature for feature in listing_features() if cleaned.get(feature.param)),
    )
    number = parse_page_number(params.get("page"))
    if query:
        page, counts = _keyword_results(filterset, selection, query, sort, number)
    else:
        page, counts = _filtered_results(filterset, selection, sort, number)
    category_counts, city_rows = counts
    level = level_by_slug(selection.level_slug)
    found_nothing = query and not page.paginator.count
    return DirectoryResults(
        filterset=filterset,
        page=page,
        query=query,
        sort=sort,
        category=selection.category,
        city=selection.city,
        level_name=level.name if level else "",
        category_facets=category_facets(category_counts, selected=selection.category),
        city_facets=city_facets(city_rows, selected=selection.city),
        ignored=filterset.ignored,
        features=selection.features,
        suggestion=_suggestion(query, params, selection) if found_nothing else None,
    )


def _suggestion(query: str, params: QueryDict, selection: Selection) -> Suggestion | None:
    """ "Did you mean ...?" for a search that found nothing, cached like its (empty) results."""
    parts = selection_key_parts(selection, q=query)
    key = "suggestion:" + facet_key(parts, without="", today=today_key())
    found = get_cached(FACETS, key)
    if found is None:
        found = suggestion(query, params) or False  # False: nothing to suggest, also cached
        set_cached(FACETS, key, found)
    return found or None


def _filtered_results(filterset, selection: Selection, sort: str, number: int):
    """No keywords: on PostgreSQL the total and facet counts are sums over the facet summary
    (FacetCount), and the page is read in index order; elsewhere, or with a filter the summary
    doesn't cover (level), they are counted from the listings and cached."""
    ordered = filterset.qs.order_by(*SORT_ORDERINGS[sort])
    if uses_facet_summary() and not selection.level_slug and not selection.features:
        category_counts, city_rows, total = summary_counts(selection)
        page = ResultsPage(ordered, number, PAGE_SIZE, total=total)
    elif selection.features:
        page = ResultsPage(ordered, number, PAGE_SIZE)
        category_counts, city_rows = facet_counts(
            category_base=filterset.filter_queryset_except(filterset.queryset, "category"),
            city_base=filterset.filter_queryset_except(filterset.queryset, "city"),
        )
    else:
        page = ResultsPage(ordered, number, PAGE_SIZE)
        category_counts, city_rows = cached_facet_counts(
            category_base=filterset.filter_queryset_except(filterset.queryset, "category"),
            city_base=filterset.filter_queryset_except(filterset.queryset, "city"),
            key_parts={
                "q": "",
                "category": selection.category.slug if selection.category else "",
                "city": selection.city,
                "level": selection.level_slug,
            },
        )
    return page, (category_counts, city_rows)


def _keyword_results(filterset, selection: Selection, query: str, sort: str, number: int):
    """Keywords: the matches in order and the facet counts, cached per combination of query,
    filters and sort (and per day) until any listing, member or category changes, like the
    facet counts; the page then reads only its own rows, checking visibility again."""
    if selection.features:
        found = keyword_matches(filterset, selection, query, sort)
    else:
        parts = {**selection_key_parts(selection, q=query), "sort": sort}
        key = "search:" + facet_key(parts, without="", today=today_key())
        found = get_cached(FACETS, key)
        if found is None:
            found = keyword_matches(filterset, selection, query, sort)
            set_cached(FACETS, key, found)
    page = ResultsPage(Business.objects.publicly_listed(), number, PAGE_SIZE, ids=found.ids)
    page.capped = found.capped
    return page, (found.category_counts, found.city_rows)


def publicly_listed_business(slug: str) -> Business | None:
    """The listing at `slug`, if public, with `features`: the listing features it has (so its
    page asks for a feature's section only when there is something to show)."""
    features = listing_features()
    business = (
        listing_queryset()
        .annotate(**{f"has_{feature.name}": feature.exists() for feature in features})
        .filter(slug=slug)
        .first()
    )
    if business is not None:
        business.features = [f for f in features if getattr(business, f"has_{f.name}")]
    return business


def featured_businesses(*, limit: int = 6, on=None) -> list[Business]:
    """Publicly listed businesses with featured placement, one listing per member (a member
    with two locations is one business to feature: its first listing), rotated daily so that
    every featured member takes its turn on the home page."""
    featured = Business.objects.publicly_listed().filter(is_featured=True)
    first_per_member = featured.values("member_id").annotate(first=Min("pk")).values("first")
    featured = card_queryset().filter(pk__in=first_per_member).order_by("name", "pk")
    count = featured.count()
    if count <= limit:
        return list(featured)
    start = (on or timezone.localdate()).toordinal() * limit % count
    rows = list(featured[start : start + limit])
    return rows + list(featured[: limit - len(rows)]) if len(rows) < limit else rows


def publicly_listed_in_order(ids: list[int]) -> list[Business]:
    """The publicly listed businesses among `ids`, in the order given (editors' choices);
    the others (drafts, lapsed members) are left out."""
    found = {business.pk: business for business in card_queryset().filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def may_see_logo_under_review(user, image) -> bool:
    """A logo waiting for review (chamber/storage.py) is shown to the office staff who review
    listings and to the contacts of the member whose listing's latest draft names it."""
    if user.has_perm("directory.change_business") or user.has_perm("directory.publish_business"):
        return True
    own_drafts = Business.objects.filter(member__contacts__user=user).values("latest_revision")
    return Revision.objects.filter(pk__in=own_drafts, content__logo=image.pk).exists()


# What the member's account counts: messages received through the contact form this long back.
MESSAGES_COUNTED_FOR = datetime.timedelta(days=30)


def messages_received(businesses) -> dict[int, int]:
    """How many contact-form messages each of `businesses` received in MESSAGES_COUNTED_FOR
    (listing pk → count; listings with none are left out): one query."""
    since = timezone.now() - MESSAGES_COUNTED_FOR
    rows = (
        ContactMessage.objects.filter(business__in=businesses, sent_at__gte=since)
        .values("business")
        .annotate(count=Count("pk"))
        .values_list("business", "count")
    )
    return dict(rows)
