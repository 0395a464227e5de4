"""What search engines and link previews show for a page (every editorial page type)."""


class SocialMetaMixin:
    """What search engines and link previews show for a page: `get_meta_description()` and
    `get_social_image()`, read by the site's meta tags (templates/components/social_meta.html).

    The editor's search description wins; otherwise the page's own summary or introduction.
    """

    social_image_field = ""  # the name of the page's image field shown in link previews
    description_fields = ("summary", "intro", "hero_text")

    def get_meta_description(self) -> str:
        if self.search_description:
            return self.search_description
        for name in self.description_fields:
            text = getattr(self, name, "")
            if text:
                return text
        return ""

    def get_social_image(self):
        return getattr(self, self.social_image_field, None) if self.social_image_field else None
