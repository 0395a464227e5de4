"""What setup_site needs from home: the home page itself, the /news/ page and staff permissions
for the news taxonomy (registered in home/apps.py)."""

from chamber.roles import EDITORS
from chamber.site_setup import add_fixed_page, add_root_page
from home.models.news import NewsIndexPage
from home.models.pages import HomePage

GROUP_PERMISSIONS = {
    EDITORS: [
        "home.add_topic",
        "home.change_topic",
        "home.delete_topic",
        "home.add_person",
        "home.change_person",
        "home.delete_person",
    ],
}


def ensure_home_page() -> tuple[HomePage, bool]:
    home = HomePage.objects.first()
    if home:
        return home, False
    home = HomePage(
        title="Home",
        slug="home",
        hero_heading="Welcome to the chamber",
        hero_text="Local businesses, working together.",
    )
    return add_root_page(home), True


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
