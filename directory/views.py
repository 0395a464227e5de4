"""Directory views, served through DirectoryPage's routes. Thin: parse, select, render."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse

from chamber.pagination import parse_page_number
from directory.browse import (
    INDEX_KEYS,
    LETTER_PAGE_SIZE,
    alphabet,
    category_counts_tree,
    letter_label,
    letter_page,
)
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


def browse_a_z(request, *, page, letter=None):
    """/directory/a-z/ (the letters, with how many listings each has) and
    /directory/a-z/<letter>/ (that letter's listings by name, 100 a page; "other" for names
    that don't start with a letter). An unknown letter is a 404; a capital one redirects."""
    directory_url = page.get_url(request)
    if letter is not None and letter not in INDEX_KEYS:
        if letter.lower() in INDEX_KEYS:
            return redirect(f"{directory_url}a-z/{letter.lower()}/", permanent=True)
        raise Http404("No such letter")
    context = {
        "page": page,
        "self": page,
        "letters": alphabet(),
        "letter": letter,
        "directory_url": directory_url,
    }
    if letter is not None:
        entries, total, number = letter_page(letter, parse_page_number(request.GET.get("page")))
        page_obj = Paginator(range(total), LETTER_PAGE_SIZE).page(number)
        page_obj.elided_range = list(
            page_obj.paginator.get_elided_page_range(number, on_each_side=1, on_ends=1)
        )
        context.update(
            letter_label=letter_label(letter),
            entries=entries,
            total=total,
            page_obj=page_obj,
        )
    return TemplateResponse(request, "directory/browse_a_z.html", context)


def browse_categories(request, *, page):
    """/directory/categories/: every category with public listings, sub-categories under
    their parents, each with its number of listings."""
    return TemplateResponse(
        request,
        "directory/browse_categories.html",
        {
            "page": page,
            "self": page,
            "tree": category_counts_tree(),
            "directory_url": page.get_url(request),
        },
    )
