"""RSS feed of the deals on show, as an anonymous visitor sees them.

Feed readers fetch without a session, so a members-only deal appears with its title, summary
and offering business only, whoever asks.

Feed readers render item titles and descriptions as HTML (Django's default `item_title`
escapes for that reason): plain-text fields are escaped here, on top of the XML escaping, so
markup typed into a title or summary stays text in the reader.

Links are on the site's address (SITE_URL, through Wagtail's Site), not the host the feed
reader asked on.
"""

from django.utils.html import escape, strip_tags

from chamber.feeds import IndexPageFeed
from deals.selectors import shown_deals

FEED_SIZE = 50


class DealsFeed(IndexPageFeed):
    default_description = "Current offers from chamber member businesses."

    def items(self):
        return shown_deals().order_by("-valid_from", "-pk")[:FEED_SIZE]

    def item_title(self, deal):
        return escape(f"{deal.title} — {deal.business.name}")

    def item_description(self, deal):
        summary = escape(deal.summary)
        if deal.members_only:
            return f"{summary} (Members only: log in to see the details.)"
        # The details are rich text (HTML): without their tags, their text is already escaped.
        details = strip_tags(deal.details)
        return f"{summary}\n\n{details}" if details else summary

    def item_link(self, deal):
        return self.page.deal_url(deal, full=True)

    def item_pubdate(self, deal):
        return deal.valid_from

    def item_updateddate(self, deal):
        return deal.updated_at
