"""The home app's models: pages (home, standard pages), news, its topics and people. Other apps
import them from here; inside home, code imports them from their own module."""

from home.models.news import NewsIndexPage, NewsKind, NewsPage, NewsPageAuthor
from home.models.pages import HomeFeaturedBusiness, HomePage, StandardPage
from home.models.social import SocialMetaMixin
from home.models.topics import Person, Topic

__all__ = [
    "HomeFeaturedBusiness",
    "HomePage",
    "NewsIndexPage",
    "NewsKind",
    "NewsPage",
    "NewsPageAuthor",
    "Person",
    "SocialMetaMixin",
    "StandardPage",
    "Topic",
]
