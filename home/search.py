"""/search/: site-wide search over pages and business listings.

A plain view rather than a Wagtail page, so every install has it without editors creating it.
What it shows is the same for every visitor (only public pages and publicly listed
businesses, never a members-only deal), but the site header differs once logged in, so the
response is kept out of shared caches.
"""

from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from wagtail.contrib.search_promotions.models import Query
from wagtail.models import Site

from chamber.filters import clean_query
from chamber.pagination import page_of
from home import selectors

PAGE_SIZE = 10


@require_safe
def search(request):
    query = clean_query(request.GET.get("q", ""))
    context = {"query": query}
    if query:
        site = Site.find_for_request(request)
        page_obj = page_of(
            selectors.search_pages(query, site=site), request.GET.get("page"), PAGE_SIZE
        )
        first_page = page_obj.number == 1
        context.update(
            page_obj=page_obj,
            pages=selectors.page_search_results(page_obj, request=request),
            pages_total=page_obj.paginator.count,
            promotions=(
                selectors.search_promotions(query, site=site, request=request) if first_page else []
            ),
            businesses=selectors.search_businesses(query, site=site),
        )
        if first_page and request.method == "GET":
            # Counted for the admin's popular search terms, where editors pick promotions.
            Query.get(query).add_hit()
    response = TemplateResponse(request, "home/search.html", context)
    patch_cache_control(response, private=True, no_cache=True)
    return response
