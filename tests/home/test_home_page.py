"""The home page (hero, featured members, current deals, latest news, the join call) and
standard pages (every block; the contact page's details)."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data

from chamber.models import ChamberSettings
from chamber.site_setup import site_setup
from deals.models import Deal, DealsIndexPage
from directory.models import DirectoryPage
from events.models import EventIndexPage
from home.models import HomeFeaturedBusiness, HomePage, NewsIndexPage, StandardPage
from jobs.models import JobsIndexPage
from membership.models import JoinPage, Member
from tests.factories import (
    BusinessFactory,
    DealFactory,
    DocumentFactory,
    EnhancedLevelFactory,
    ImageFactory,
    MemberFactory,
    UserFactory,
)
from tests.home.helpers import (
    DAY,
    XSS,
    assert_every_block_rendered,
    card_titles,
    every_block_body,
    every_block_form_data,
)

pytestmark = pytest.mark.django_db

# At most (measured) with featured members, deals and news on show (the site chrome is cached):
# Wagtail's routing and view-restriction check (4), the directory page, the chosen listings,
# their rows and categories, the member count, deals, and news (rows, renditions, topics).
HOME_PAGE_QUERIES = 13


def section(response, css_class: str) -> str:
    """The <section class="container {css_class}"> of the home page ("" if missing)."""
    assert response.status_code == 200
    parts = response.text.split(f'<section class="container {css_class}"', 1)
    return parts[1].split("</section>", 1)[0] if len(parts) == 2 else ""


def featured_names(response) -> list[str]:
    return card_titles(section(response, "featured-members"))


@pytest.fixture
def home(site_tree) -> HomePage:
    return HomePage.objects.get(pk=site_tree.home.pk)


@pytest.fixture
def listing(home):
    """`listing(name, **values)`: a publicly listed business of its own member (Community
    level, active) unless told otherwise."""

    def make(name: str, *, member=None, **values):
        member = member or MemberFactory(name=f"{name} Ltd")
        return BusinessFactory(name=name, member=member, **values)

    return make


def lapsed_member(name: str, **values) -> Member:
    return MemberFactory(
        name=name,
        status=Member.Status.LAPSED,
        paid_through=timezone.localdate() - 120 * DAY,
        **values,
    )


def feature(home: HomePage, *businesses) -> None:
    """The editors' choice of featured listings, in this order."""
    home.featured_businesses.all().delete()
    for order, business in enumerate(businesses):
        HomeFeaturedBusiness.objects.create(page=home, business=business, sort_order=order)


class TestHomeAndStandardPageTypes(WagtailPageTestCase):
    def setUp(self):
        self.home = site_setup(demo=False, log=lambda line: None).home
        self.client.force_login(self.create_test_user())

    def test_home_page_sits_at_the_root_and_holds_the_sections(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        # Page itself is not creatable; the rest are the site's sections.
        self.assertAllowedSubpageTypes(
            HomePage,
            {
                Page,
                StandardPage,
                NewsIndexPage,
                DirectoryPage,
                JoinPage,
                DealsIndexPage,
                EventIndexPage,
                JobsIndexPage,
            },
        )
        self.assertCanNotCreateAt(HomePage, HomePage)
        assert not HomePage.can_create_at(Page.get_first_root_node())  # one per parent

    def test_standard_pages_nest_under_the_home_page_and_each_other(self):
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})
        self.assertAllowedSubpageTypes(StandardPage, {StandardPage})
        self.assertCanNotCreateAt(NewsIndexPage, StandardPage)

    def test_editor_can_create_a_standard_page_with_every_block(self):
        image, document = ImageFactory(), DocumentFactory()
        self.assertCanCreate(
            self.home,
            StandardPage,
            nested_form_data(
                {
                    "title": "Parking policy",
                    "slug": "parking-policy",
                    "intro": "Where the chamber stands on downtown parking.",
                    "image": str(image.pk),
                    "show_contact_details": "on",
                    "body": every_block_form_data(image=image, document=document, page=self.home),
                }
            ),
        )
        page = StandardPage.objects.get(slug="parking-policy")
        assert page.live and page.show_contact_details and page.image == image
        assert len(page.body) == 8
        response = self.client.get(page.url)
        assert response.status_code == 200
        assert_every_block_rendered(response.text, link_page=self.home)


# The home page -----------------------------------------------------------------------------


def test_home_page_shows_hero_and_introduction(client, home, site_tree):
    join, directory = JoinPage.objects.get(), DirectoryPage.objects.get()
    home.hero_heading = "Local business, working together"
    home.hero_text = "The chamber for Riverside's shops, trades and clinics."
    home.hero_image = ImageFactory()
    home.primary_cta_label, home.primary_cta_page = "Join the chamber", join
    home.secondary_cta_label, home.secondary_cta_page = "Find a business", directory
    home.intro = "Since 1921 the chamber has spoken for local business."
    home.save_revision().publish()
    hero = client.get("/").text.split('<section class="hero"', 1)[1].split("</section>", 1)[0]
    assert '<h1 id="hero-heading" class="hero__heading">Local business, working together</h1>' in (
        hero
    )
    assert "The chamber for Riverside&#x27;s shops, trades and clinics." in hero
    assert 'class="button button--accent button--large" href="/join/">Join the chamber</a>' in hero
    assert 'class="button button--ghost button--large" href="/directory/">Find a business</a>' in (
        hero
    )
    assert re.search(r'<img alt="" class="hero__image" height="320"', hero)
    assert (
        '<p class="lead">Since 1921 the chamber has spoken for local business.</p>'
        in client.get("/").text
    )


def test_home_page_renders_every_block_of_its_body(client, home):
    about = StandardPage(title="About the chamber", slug="about")
    home.add_child(instance=about)
    home.body = every_block_body(image=ImageFactory(), document=DocumentFactory(), page=about)
    home.save_revision().publish()
    response = client.get("/")
    assert response.status_code == 200
    assert_every_block_rendered(response.text, link_page=about)


def test_home_page_shows_the_three_newest_public_news_items(client, home, news_factory):
    news_factory(title="Last month", days_ago=30)
    news_factory(title="This week", days_ago=3, summary=f"Summary {XSS}")
    news_factory(title="Today", days_ago=0)
    news_factory(title="Yesterday", days_ago=1)
    news_factory(title="Draft", live=False)
    private = news_factory(title="Private", days_ago=0)
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    news_factory(title="Scheduled", publish=True, go_live_at=timezone.now() + DAY)
    news = section(client.get("/"), "latest-news")
    assert card_titles(news) == ["Today", "Yesterday", "This week"]
    assert f"Summary {html.escape(XSS)}" in news
    assert '<a class="button" href="/news/">All news</a>' in news


def test_home_page_has_no_news_section_without_news(client, home, news_factory):
    news_factory(title="Draft", live=False)
    assert section(client.get("/"), "latest-news") == ""


def test_home_page_shows_current_public_deals(client, home, listing):
    bakery = listing("Riverbend Bakery")
    assert section(client.get("/"), "current-deals") == ""
    DealFactory(
        business=bakery,
        title="10% off sourdough",
        summary="Every Saturday.",
        audience=Deal.Audience.PUBLIC,
        valid_from=timezone.now() - DAY,
        live=True,
    )
    deals = section(client.get("/"), "current-deals")
    assert "10% off sourdough" in deals
    assert '<a class="button" href="/deals/">See all deals</a>' in deals


def test_editors_choice_of_featured_members_is_shown_in_their_order(client, home, listing):
    bakery, plumber, cafe = listing("Bakery"), listing("Plumber"), listing("Cafe")
    listing("Not chosen", member=MemberFactory(level=EnhancedLevelFactory()))
    feature(home, plumber, cafe, bakery)
    assert featured_names(client.get("/")) == ["Plumber", "Cafe", "Bakery"]


def test_chosen_listings_that_are_not_publicly_listed_are_skipped(client, home, listing):
    lapsed = listing("Lapsed shop", member=lapsed_member("Lapsed Co"))
    draft = listing("Draft shop", live=False)
    florist = listing("Florist")
    feature(home, lapsed, florist, draft)
    assert featured_names(client.get("/")) == ["Florist"]


@pytest.mark.parametrize("chosen", ["none", "all skipped"])
def test_without_a_usable_choice_featured_level_members_are_shown(client, home, listing, chosen):
    leadership = EnhancedLevelFactory()
    listing("Zephyr Clinic", member=MemberFactory(level=leadership))
    listing("Apex Builders", member=MemberFactory(level=leadership))
    listing("Plain shop")  # Community level: no featured placement
    listing("Lapsed leader", member=lapsed_member("Lapsed leader Co", level=leadership))
    if chosen == "all skipped":
        feature(home, listing("Draft shop", live=False))
    names = featured_names(client.get("/"))
    assert names == ["Apex Builders", "Zephyr Clinic"]


def test_no_featured_section_without_any_featured_listing(client, home, listing):
    listing("Plain shop")
    assert section(client.get("/"), "featured-members") == ""


def test_join_call_counts_members_in_good_standing(client, home):
    for name in ("A", "B"):
        MemberFactory(name=name)
    MemberFactory(  # past due, within the grace period: still in good standing
        name="C", status=Member.Status.PAST_DUE, paid_through=timezone.localdate() - 5 * DAY
    )
    lapsed_member("D")
    MemberFactory(name="E", status=Member.Status.PENDING)
    join = client.get("/").text.split('<div class="cta-panel join-call">', 1)[1]
    join = join.split("</div>", 1)[0]
    assert '<h2 id="join-heading" class="cta-panel__heading">Join 3 local businesses</h2>' in join
    assert '<a class="button button--accent" href="/join/">Join the chamber</a>' in join


def test_join_call_heading_is_the_editors_with_the_count(client, home):
    MemberFactory.create_batch(2)
    home.join_heading = "{count} members & counting"
    home.join_text = "Join them."
    home.save_revision().publish()
    text = client.get("/").text
    assert ">2 members &amp; counting</h2>" in text
    assert "<p>Join them.</p>" in text


def test_the_intro_says_the_same_member_count_as_the_join_call(client, home):
    """Issue #22: the site said 480, 201 and 205 businesses in three places."""
    MemberFactory.create_batch(3)
    home.intro = "We are {count} businesses & proud of it."
    home.save_revision().publish()
    text = client.get("/").text
    assert '<p class="lead">We are 3 businesses &amp; proud of it.</p>' in text
    assert ">Join 3 local businesses</h2>" in text


def test_join_call_is_hidden_from_logged_in_visitors(client, home):
    MemberFactory()
    assert 'class="cta-panel join-call"' in client.get("/").text
    client.force_login(UserFactory())
    assert 'class="cta-panel join-call"' not in client.get("/").text


def test_home_page_queries_do_not_grow_with_featured_members(
    client, home, listing, news_factory, topics
):
    for number in range(3):
        news_factory(days_ago=number, image=ImageFactory(), topics=[topics["parking"]])
    leadership = EnhancedLevelFactory()
    businesses = [
        listing(f"Business {number}", member=MemberFactory(level=leadership)) for number in range(6)
    ]
    DealFactory(
        business=businesses[0],
        title="Free coffee",
        summary="With any pastry.",
        audience=Deal.Audience.PUBLIC,
        valid_from=timezone.now() - DAY,
        live=True,
    )
    counts = {}
    for chosen in (businesses[:1], businesses):
        feature(home, *chosen)
        client.get("/")  # renditions, cached reads
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/")
        assert len(featured_names(response)) == len(chosen)
        assert len(card_titles(section(response, "latest-news"))) == 3
        assert "Free coffee" in section(response, "current-deals")
        counts[len(chosen)] = len(captured)
    assert counts[1] == counts[6] <= HOME_PAGE_QUERIES, counts


# The contact page --------------------------------------------------------------------------


@pytest.fixture
def chamber(site_tree) -> ChamberSettings:
    settings = ChamberSettings.for_site(site_tree.site)
    settings.name = "Riverside Chamber of Commerce"
    settings.street = "120 Main Street, Suite 2"
    settings.city = "Riverside"
    settings.region = "OR"
    settings.postcode = "97999"
    settings.country = "United States"
    settings.phone = "(555) 010-2040"
    settings.email = "hello@riverside.example"
    settings.save()
    return settings


@pytest.fixture
def contact_page(home, chamber) -> StandardPage:
    page = StandardPage(
        title="Contact us",
        slug="contact",
        intro="Call, write or drop by.",
        show_contact_details=True,
        body=[("heading", {"text": "Office hours", "level": "h2"})],
    )
    home.add_child(instance=page)
    return page


def contact_card(response) -> str:
    assert response.status_code == 200
    parts = response.text.split('<aside class="card contact-card"', 1)
    return parts[1].split("</aside>", 1)[0] if len(parts) == 2 else ""


def test_contact_page_shows_the_chambers_address_phone_email_and_map_link(client, contact_page):
    card = contact_card(client.get("/contact/"))
    assert "Riverside Chamber of Commerce</h2>" in card
    assert (
        "<address>120 Main Street, Suite 2<br>Riverside OR 97999<br>United States</address>" in card
    )
    assert '<a href="tel:(555)010-2040">(555) 010-2040</a>' in card
    assert '<a href="mailto:hello@riverside.example">hello@riverside.example</a>' in card
    assert (
        'href="https://www.openstreetmap.org/search?query=120+Main+Street%2C+Suite+2%2C+'
        'Riverside%2C+OR%2C+97999%2C+United+States"' in card
    )


def test_contact_details_are_shown_only_when_the_page_asks(client, contact_page):
    contact_page.show_contact_details = False
    contact_page.save_revision().publish()
    response = client.get("/contact/")
    assert contact_card(response) == ""
    assert "openstreetmap.org" not in response.text
    assert "Office hours" in response.text


def test_contact_card_leaves_out_what_the_chamber_has_not_filled_in(client, contact_page, chamber):
    chamber.street = chamber.city = chamber.region = chamber.postcode = chamber.country = ""
    chamber.phone = ""
    chamber.save()
    card = contact_card(client.get("/contact/"))
    assert "<address>" not in card and "openstreetmap" not in card and "tel:" not in card
    assert 'href="mailto:hello@riverside.example"' in card


def test_markup_in_the_chambers_details_is_shown_as_text(client, contact_page, chamber):
    chamber.name = f"Chamber {XSS}"
    chamber.street = f"1 Main St {XSS}"
    chamber.phone = f"555 {XSS}"
    chamber.save()
    response = client.get("/contact/")
    card = contact_card(response)
    assert f"Chamber {html.escape(XSS)}</h2>" in card
    assert f"<address>1 Main St {html.escape(XSS)}<br>" in card
    assert "query=1+Main+St+%3Cscript%3Ealert%281%29%3C%2Fscript%3E%2C+Riverside" in card
    assert XSS not in response.text


def test_contact_details_on_a_page_without_an_address_do_not_fail(client, home):
    # A site whose chamber settings were never saved: defaults only.
    page = StandardPage(title="Contact", slug="contact", show_contact_details=True)
    home.add_child(instance=page)
    card = contact_card(client.get("/contact/"))
    assert "Chamber of Commerce</h2>" in card
    assert "<address>" not in card
