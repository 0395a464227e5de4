"""The site's icon and web app manifest (issue #22: /favicon.ico was a 404 on every page)."""

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.staticfiles import finders
from PIL import Image

from chamber.models import ChamberSettings

pytestmark = pytest.mark.django_db


def static_file(url: str) -> Path:
    """The file a /static/ URL serves (the test settings don't hash names)."""
    assert url.startswith(settings.STATIC_URL), url
    found = finders.find(url.removeprefix(settings.STATIC_URL))
    assert found, f"{url} is not a static file"
    return Path(found)


def test_favicon_ico_is_the_site_icon_not_a_404(client, site_tree):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert "max-age=86400" in response["Cache-Control"]
    icon = Image.open(static_file(response["Location"]))
    assert icon.format == "ICO"
    assert {(16, 16), (32, 32), (48, 48)} <= icon.info["sizes"]


def test_every_page_links_its_icons_and_manifest(client, site_tree):
    head = BeautifulSoup(client.get("/").text, "html.parser").head
    svg = head.find("link", rel="icon", type="image/svg+xml")
    assert static_file(svg["href"]).read_text().startswith("<svg")
    ico = head.find("link", rel="icon", sizes="32x32")
    assert Image.open(static_file(ico["href"])).format == "ICO"
    touch = Image.open(static_file(head.find("link", rel="apple-touch-icon")["href"]))
    assert (touch.format, touch.size) == ("PNG", (180, 180))
    # iOS shows transparency as black: the touch icon is opaque.
    assert touch.convert("RGBA").getextrema()[3] == (255, 255)
    assert head.find("link", rel="manifest")["href"] == "/manifest.webmanifest"


def test_web_app_manifest_names_the_chamber_with_its_icons_and_colour(client, site_tree):
    chamber = ChamberSettings.for_site(site_tree.site)
    chamber.name = "Riverside Chamber of Commerce"
    chamber.tagline = "Business & community"
    chamber.save()

    response = client.get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Riverside Chamber of Commerce"
    assert manifest["short_name"] == "Riverside"
    assert manifest["description"] == "Business & community"
    assert manifest["start_url"] == manifest["scope"] == "/"
    theme = BeautifulSoup(client.get("/").text, "html.parser").find("meta", {"name": "theme-color"})
    assert manifest["theme_color"] == theme["content"]
    sizes = {}
    for icon in manifest["icons"]:
        path = static_file(icon["src"])
        if icon["type"] == "image/svg+xml":
            assert icon["sizes"] == "any" and path.suffix == ".svg"
            continue
        image = Image.open(path)
        assert image.format == "PNG"
        assert icon["sizes"] == f"{image.width}x{image.height}"
        sizes.setdefault(icon.get("purpose", "any"), []).append(icon["sizes"])
    # What browsers ask for: 192 and 512 pixels, and a maskable icon for Android.
    assert sizes == {"any": ["192x192", "512x512"], "maskable": ["512x512"]}
