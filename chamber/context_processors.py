from django.utils.functional import SimpleLazyObject

from chamber.selectors import site_chrome


def chrome(request):
    """`chrome`: the chamber's details and navigation, loaded (from cache) on first use."""
    return {"chrome": SimpleLazyObject(lambda: site_chrome(request))}
