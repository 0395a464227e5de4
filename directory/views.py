"""Directory views, served through DirectoryPage's routes. Thin: parse, select, render."""

from django.http import Http404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse

from directory.cards import result_cards
from directory.filters import SORT_CHOICES
from directory.selectors import directory_results, publicly_listed_business
from directory.structured_data import local_business_json_ld
from directory.taxonomy import category_tree, membership_levels


def directory_search(request, *, page):
    results = directory_results(params=request.GET)
    return _render_results(request, page=page, results=results, category=None)


def directory_category(request, *, page, slug):
    category = category_tree().by_slug.get(slug)
    if category is None:
        raise Http404("No such category")
    results = directory_results(params=request.GET, category=category)
    return _render_results(request, page=page, results=results, category=category)


def _render_results(request, *, page, results, category):
    directory_url = page.get_url(request)  # once per page, not once per card or link
    return TemplateResponse(
        request,
        "directory/directory_page.html",
        {
            "page": page,
            "self": page,
            "results": results,
            "category": category,
            "directory_url": directory_url,
            "cards": result_cards(results.page, directory_url=directory_url),
            "level_options": membership_levels(),
            "sort_options": SORT_CHOICES,
        },
    )


def business_detail(request, *, page, slug):
    business = publicly_listed_business(slug)
    if business is None:
        raise Http404("No such listing")
    url = page.business_url(business, full=True)
    return TemplateResponse(
        request,
        "directory/business_detail.html",
        {
            "page": page,
            "self": page,
            "business": business,
            "canonical_url": url,
            "phone": business.phone_for(request.user),
            "email": business.email_for(request.user),
            "json_ld": local_business_json_ld(business, url=url),
            "sections": [
                render_to_string(*feature.section(business), request)
                for feature in business.features
            ],
        },
    )
