"""RSS feed of the deals on show, as an anonymous visitor sees them.

Feed readers fetch without a session, so a members-only deal appears with its title, summary
and offering business only, whoever asks.
"""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import strip_tags

from deals.selectors import shown_deals

FEED_SIZE = 50


class DealsFeed(Feed):
    feed_type = Rss201rev2Feed

    def __init__(self, *, page):
        super().__init__()
        self.page = page

    def title(self):
        return self.page.title

    def link(self):
        return self.page.url

    def description(self):
        return self.page.intro or "Current offers from chamber member businesses."

    def items(self):
        return shown_deals().order_by("-valid_from", "-pk")[:FEED_SIZE]

    def item_title(self, deal):
        return f"{deal.title} — {deal.business.name}"

    def item_description(self, deal):
        if deal.members_only:
            return f"{deal.summary} (Members only: log in to see the details.)"
        details = strip_tags(deal.details)
        return f"{deal.summary}\n\n{details}" if details else deal.summary

    def item_link(self, deal):
        return self.page.deal_url(deal)

    def item_pubdate(self, deal):
        return deal.valid_from

    def item_updateddate(self, deal):
        return deal.updated_at
