"""RSS of an index page's items (deals, jobs): the channel is the page itself, its title, its
address on the site (SITE_URL, through Wagtail's Site) and its introduction; the feed is at its
`feed_view` route. Each app's subclass says which items and how they read."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Rss201rev2Feed


class IndexPageFeed(Feed):
    feed_type = Rss201rev2Feed
    # The channel's description when the page has no introduction.
    default_description = ""

    def __init__(self, *, page):
        super().__init__()
        self.page = page

    def title(self):
        return self.page.title

    def link(self):
        return self.page.get_full_url()

    def feed_url(self):
        return self.page.get_full_url() + self.page.reverse_subpage("feed_view")

    def description(self):
        return self.page.intro or self.default_description
