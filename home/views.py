"""The news list, served through NewsIndexPage's index route."""

from django.template.response import TemplateResponse

from chamber.pagination import page_of
from home.filters import NewsFilterSet
from home.models.news import NewsKind
from home.models.topics import Topic
from home.selectors import news_pages, with_card_data

PAGE_SIZE = 12


def news_index(request, *, page):
    filterset = NewsFilterSet(request.GET, queryset=news_pages(within=page, request=request))
    filterset.is_valid()  # invalid parameters are left out of cleaned_data, i.e. ignored
    items = with_card_data(filterset.filter_queryset_except(filterset.queryset))
    page_obj = page_of(items, request.GET.get("page"), PAGE_SIZE)
    cleaned = filterset.form.cleaned_data
    topic_slug = cleaned.get("topic") or ""
    topic = Topic.objects.filter(slug=topic_slug).first() if topic_slug else None
    kind = cleaned.get("kind") or ""
    # A topic's list is a page of its own for search engines; other filters and later pages
    # point back at the list they filter.
    canonical_url = page.get_full_url(request) + (f"?topic={topic.slug}" if topic else "")
    return TemplateResponse(
        request,
        "home/news_index_page.html",
        {
            "page": page,
            "self": page,
            "filterset": filterset,
            "page_obj": page_obj,
            "items": page_obj.object_list,
            "topic": topic,
            "canonical_url": canonical_url,
            "kind_label": NewsKind(kind).label if kind else "",
            "is_filtered": bool(topic_slug or kind),
            "ignored": filterset.ignored,
        },
    )
