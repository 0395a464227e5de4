"""What setup_site needs from home: the /news/ page and staff permissions for the news
taxonomy."""

from chamber.site_setup import add_fixed_page
from home.models import NewsIndexPage

GROUP_PERMISSIONS = {
    "Chamber staff": [
        "home.add_topic",
        "home.change_topic",
        "home.delete_topic",
        "home.add_person",
        "home.change_person",
        "home.delete_person",
    ],
}


def ensure_pages(*, home) -> None:
    if NewsIndexPage.objects.exists():
        return
    page = NewsIndexPage(
        title="News",
        slug="news",
        show_in_menus=True,
        intro="What the chamber is doing for local business: news, policy positions and "
        "press releases.",
    )
    add_fixed_page(home, page)
