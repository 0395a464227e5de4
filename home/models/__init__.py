from home.models.news import NewsIndexPage, NewsKind, NewsPage, NewsPageAuthor, Person, Topic
from home.models.pages import HomeFeaturedBusiness, HomePage, SocialMetaMixin, StandardPage

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
