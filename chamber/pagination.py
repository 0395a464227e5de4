"""One page of a list for the public pages: a bad page number never fails."""

from django.core.paginator import Page, Paginator


def parse_page_number(raw: str | None) -> int:
    """The page number asked for; 1 for anything that isn't a whole number."""
    try:
        return max(1, min(int(raw or 1), 10_000_000))
    except (TypeError, ValueError, OverflowError):
        return 1


def page_of(object_list, raw_number: str | None, per_page: int) -> Page:
    """The page asked for (the last one past the end), with `elided_range` for
    templates/components/pagination.html."""
    paginator = Paginator(object_list, per_page)
    page = paginator.get_page(parse_page_number(raw_number))
    page.elided_range = list(
        paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    )
    return page
