"""Reads for the directory: the search page's results and facets, and listing look-ups."""

from dataclasses import dataclass, field

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, Min, Prefetch
from django.db.models.functions import Coalesce
from django.http import QueryDict
from wagtail.images.models import Image

from directory import search
from directory.filters import DirectoryFilterSet
from directory.models import Business, Category

PAGE_SIZE = 20
LOGO_RENDITION = "fill-160x160"
MAX_CITY_FACETS = 12
SORT_ORDERINGS = {
    "featured": ("-is_featured", "name", "pk"),
    "name": ("name", "pk"),
    "newest": ("-created_at", "-pk"),
}


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool = False
    children: list["FacetOption"] = field(default_factory=list)


@dataclass
class DirectoryResults:
    filterset: DirectoryFilterSet
    page: Page
    query: str
    sort: str
    category: Category | None
    category_facets: list[FacetOption]
    city_facets: list[FacetOption]
    ignored: dict[str, str]

    @property
    def total(self) -> int:
        return self.page.paginator.count

    @property
    def is_filtered(self) -> bool:
        data = self.filterset.form.cleaned_data
        return any(data.get(name) for name in ("q", "category", "city", "level"))


def with_listing_data(queryset):
    """Load what a result card or detail page shows, in a fixed number of queries."""
    return queryset.select_related("member__level").prefetch_related(
        Prefetch("categories", queryset=Category.objects.order_by("name")),
        Prefetch("logo", queryset=Image.objects.prefetch_renditions(LOGO_RENDITION)),
    )


def listing_queryset():
    """Publicly listed businesses, ready to render."""
    return with_listing_data(Business.objects.publicly_listed())


def parse_page_number(raw: str | None) -> int:
    try:
        return max(1, int(raw or 1))
    except (TypeError, ValueError):
        return 1


def directory_results(*, params: QueryDict, category: Category | None = None) -> DirectoryResults:
    """Everything the directory search page shows for these query parameters.

    `category` pins the category (the category landing pages); the `category` parameter is
    then ignored.
    """
    if category is not None:
        params = params.copy()
        params["category"] = category.slug
    filterset = DirectoryFilterSet(params, queryset=Business.objects.publicly_listed())
    filterset.is_valid()  # runs validation; invalid parameters are left out of cleaned_data
    cleaned = filterset.form.cleaned_data
    query = cleaned.get("q") or ""
    sort = cleaned.get("sort") or ""
    if sort not in SORT_ORDERINGS and sort != "relevance":
        sort = "relevance" if query else "featured"
    if sort == "relevance" and not query:
        sort = "featured"

    matches = search.matching(Business.objects.publicly_listed(), query) if query else None

    def restricted(queryset):
        return queryset.filter(pk__in=matches) if matches is not None else queryset

    results = restricted(filterset.qs)
    if sort == "relevance":
        ordered = search.ranked(results, query)
    else:
        ordered = results.order_by(*SORT_ORDERINGS[sort])
    paginator = Paginator(with_listing_data(ordered), PAGE_SIZE)
    number = parse_page_number(params.get("page"))
    try:
        page = paginator.page(number)
    except (EmptyPage, PageNotAnInteger):
        page = paginator.page(paginator.num_pages)
    page.elided_range = list(
        paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    )

    selected_category = cleaned.get("category")
    selected_city = cleaned.get("city") or ""
    return DirectoryResults(
        filterset=filterset,
        page=page,
        query=query,
        sort=sort,
        category=selected_category,
        category_facets=category_facets(
            restricted(filterset.filter_queryset_except(filterset.queryset, "category")),
            selected=selected_category,
        ),
        city_facets=city_facets(
            restricted(filterset.filter_queryset_except(filterset.queryset, "city")),
            selected=selected_city,
        ),
        ignored=filterset.ignored,
    )


def category_facets(queryset, *, selected: Category | None) -> list[FacetOption]:
    """Top-level categories with their sub-categories, each with the number of listings that
    clicking it would show (a parent counts a listing once, however many children it is in)."""
    through = Business.categories.through.objects.filter(business__in=queryset.values("pk"))
    leaf_counts = dict(
        through.values_list("category_id").annotate(n=Count("business_id")).order_by()
    )
    top_counts = dict(
        through.annotate(top=Coalesce("category__parent_id", "category_id"))
        .values_list("top")
        .annotate(n=Count("business_id", distinct=True))
        .order_by()
    )
    selected_pk = selected.pk if selected else None
    options: dict[int, FacetOption] = {}
    children: list[tuple[int, FacetOption]] = []
    for category in Category.objects.only("pk", "name", "slug", "parent_id"):
        if category.parent_id is None:
            options[category.pk] = FacetOption(
                value=category.slug,
                label=category.name,
                count=top_counts.get(category.pk, 0),
                selected=category.pk == selected_pk,
            )
        else:
            children.append(
                (
                    category.parent_id,
                    FacetOption(
                        value=category.slug,
                        label=category.name,
                        count=leaf_counts.get(category.pk, 0),
                        selected=category.pk == selected_pk,
                    ),
                )
            )
    for parent_id, option in children:
        if parent_id in options:
            options[parent_id].children.append(option)
    return [option for option in options.values() if option.count or option.selected]


def city_facets(queryset, *, selected: str) -> list[FacetOption]:
    rows = (
        queryset.values("city_slug")
        .annotate(n=Count("pk"), label=Min("city"))
        .order_by("-n", "city_slug")[:MAX_CITY_FACETS]
    )
    options = [
        FacetOption(value=row["city_slug"], label=row["label"], count=row["n"]) for row in rows
    ]
    for option in options:
        option.selected = option.value == selected
    return options


def publicly_listed_business(slug: str) -> Business | None:
    return listing_queryset().filter(slug=slug).first()
