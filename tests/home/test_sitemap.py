"""The pages section of /sitemap.xml: live public pages only (news included); robots.txt
names the sitemap (tests/chamber/test_seo.py)."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from home.models import StandardPage

pytestmark = pytest.mark.django_db


def page_locations(client) -> set[str]:
    xml = client.get("/sitemap-pages.xml").text
    return {
        line.split("<loc>", 1)[1].split("</loc>", 1)[0]
        for line in xml.replace("><", ">\n<").splitlines()
        if "<loc>" in line
    }


def test_the_pages_sitemap_lists_live_public_pages_and_news_only(client, site_tree, news_factory):
    live = news_factory(title="Parking vote", publish=True)
    draft = news_factory(title="Draft item", live=False)
    scheduled = news_factory(
        title="Scheduled item",
        live=False,
        go_live_at=timezone.now() + datetime.timedelta(days=2),
    )
    scheduled.save_revision().publish()
    private = news_factory(title="Board minutes", publish=True)
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    members_area = StandardPage(title="Members' corner", slug="members-corner")
    site_tree.home.add_child(instance=members_area)
    members_area.save_revision().publish()
    PageViewRestriction.objects.create(
        page=members_area, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )

    locations = page_locations(client)

    base = "http://testserver"
    assert {f"{base}/", f"{base}/news/", f"{base}/directory/", f"{base}/deals/"} <= locations
    assert base + live.url in locations
    for hidden in (draft, scheduled, private, members_area):
        assert not any(hidden.slug in location for location in locations), hidden.title
    scheduled.refresh_from_db()
    assert not scheduled.live  # the restriction isn't why it's missing: it isn't live yet
