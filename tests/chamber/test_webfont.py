"""The site's webfont is self-hosted: every font the stylesheet names is a file we serve, the
page preloads the one most pages need, and nothing is fetched from another origin."""

import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

CSS = Path(settings.BASE_DIR) / "chamber/static/chamber/css/site.css"


def test_every_font_the_stylesheet_names_is_served_from_our_static_files():
    css = CSS.read_text()
    fonts = re.findall(r'url\("(\.\./fonts/[^"]+)"\)', css)
    assert len(fonts) == 4
    for font in fonts:
        found = finders.find("chamber/" + font.removeprefix("../"))
        assert found and Path(found).stat().st_size > 10_000, font
    assert not re.search(r"url\(\s*[\"']?(https?:)?//", css)  # no CDN, no other origin
    assert "font-display: optional" in css  # never a late swap that shifts the layout


def test_pages_preload_the_latin_font_they_use(client, site_tree):
    html = client.get("/").text
    preload = re.search(r'<link rel="preload" href="([^"]+)" as="font" [^>]*crossorigin>', html)
    assert preload
    assert finders.find(preload.group(1).removeprefix(settings.STATIC_URL))
