"""The public directory as a visitor meets it: escaping, privacy, tiers, visibility, queries.

Everything goes through the Django test client against the real database; the fixtures
`directory` and `categories` come from tests/directory/conftest.py.
"""

import datetime
import html
import json
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.text import slugify
from wagtail.images.tests.utils import get_test_image_file

from chamber.filters import MAX_QUERY_LENGTH
from chamber.models import ChamberSettings
from demo.images import draw_logo, get_or_create_image
from directory import selectors
from directory.models import Business
from directory.selectors import PAGE_SIZE
from membership.models import Member
from tests.factories import (
    BusinessFactory,
    CategoryFactory,
    EnhancedLevelFactory,
    ImageFactory,
    MemberContactFactory,
    MemberFactory,
    MembershipLevelFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)

SCRIPT_PAYLOAD = "<script>alert(1)</script>"
ATTRIBUTE_PAYLOAD = '"><img src=x onerror=alert(1)>'
PAYLOAD = SCRIPT_PAYLOAD + ATTRIBUTE_PAYLOAD
RAW_MARKUP = ("<script>alert(1)", "<img src=x")

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
CARD = re.compile(r'<article class="card business-card.*?</article>', re.DOTALL)
SEARCH_BOX = re.compile(r'<input type="search" name="q"[^>]*?(?: value="([^"]*)")?[^>]*>')
PAGINATION = re.compile(r'<nav class="pagination".*?</nav>', re.DOTALL)
HREF = re.compile(r'href="([^"]*)"')


# -- helpers ---------------------------------------------------------------------------------


def names(response) -> list[str]:
    return [business.name for business in response.context["results"].page]


def json_ld(response) -> tuple[str, dict]:
    """The one JSON-LD block of a page: its raw text and what it parses to."""
    blocks = JSON_LD.findall(response.text)
    assert len(blocks) == 1, blocks
    return blocks[0], json.loads(blocks[0])


def cards(response) -> list[str]:
    return CARD.findall(response.text)


def search_box_value(response) -> str:
    match = SEARCH_BOX.search(response.text)
    assert match, "no search box"
    return html.unescape(match.group(1) or "")


def pagination_links(response) -> list[str]:
    nav = PAGINATION.search(response.text)
    assert nav, "no pagination"
    return [html.unescape(href) for href in HREF.findall(nav.group(0))]


def query_params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def logo_for(name: str):
    """A real Wagtail image, drawn locally like the demo's logos."""
    return get_or_create_image(
        title=f"{name} logo",
        filename=f"{slugify(name)}-logo.png",
        draw=lambda: draw_logo(name, size=200),
    )


def assert_no_raw_markup(response):
    for raw in RAW_MARKUP:
        assert raw not in response.text, f"unescaped {raw!r} in {response.request['PATH_INFO']}"


def count_queries(client, url: str) -> int:
    """Queries for one request of `url`, after a first request has made any renditions."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.fixture
def basic_level(db):
    return MembershipLevelFactory(name="Community")


@pytest.fixture
def enhanced_level(db):
    return EnhancedLevelFactory(name="Leadership")


@pytest.fixture
def enhanced_listing(directory, categories, enhanced_level):
    return BusinessFactory(
        name="Zephyr Roastery",
        summary="Single-origin coffee, roasted on Main Street.",
        description="<p>Family-run since 1998, with a <b>tasting room</b>.</p>",
        member=MemberFactory(level=enhanced_level),
        categories=[categories["cafes"]],
        logo=logo_for("Zephyr Roastery"),
        instagram_url="https://instagram.example/zephyr",
        linkedin_url="https://linkedin.example/zephyr",
        opening_hours="Mon-Fri 7am-6pm\nSat 8am-2pm",
        latitude=Decimal("45.523100"),
        longitude=Decimal("-122.676500"),
    )


@pytest.fixture
def basic_listing(directory, categories, basic_level):
    """A basic listing with every enhanced field filled in: its level must hide them."""
    return BusinessFactory(
        name="Acorn Coffee Cart",
        summary="Espresso from a cart by the river.",
        description="<p>Our secret blend of three beans.</p>",
        member=MemberFactory(level=basic_level),
        categories=[categories["cafes"]],
        logo=logo_for("Acorn Coffee Cart"),
        facebook_url="https://facebook.example/acorn",
        x_url="https://x.example/acorn",
        opening_hours="Daily 6am-11am",
    )


# -- escaping --------------------------------------------------------------------------------


@pytest.fixture
def hostile_listing(directory, enhanced_level):
    """Every plain-text field carries markup; the description holds it as Wagtail's editor
    stores typed text (escaped inside a paragraph)."""
    category = CategoryFactory(name="Security testing", slug="security-testing")
    return BusinessFactory(
        name=f"Evil {PAYLOAD} Corp",
        summary=f"Summary {PAYLOAD}",
        street=f"1 {PAYLOAD} Street",
        city=f"Evilton {PAYLOAD}",
        keywords=f"evil, {PAYLOAD}",
        description=f"<p>Description {html.escape(PAYLOAD)}</p>",
        member=MemberFactory(level=enhanced_level),
        categories=[category],
        latitude=Decimal("1.5"),
        longitude=Decimal("2.5"),
    )


def test_markup_in_listing_fields_is_escaped_on_every_public_page(client, hostile_listing):
    slug = hostile_listing.slug
    urls = [
        "/directory/",
        "/directory/?q=evil",
        f"/directory/?city={hostile_listing.city_slug}",
        "/directory/category/security-testing/",
        f"/directory/{slug}/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_raw_markup(response)
        # The fields are on the page, escaped: the test is not passing because they are absent.
        assert "Evil &lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x" in response.text


def test_detail_page_shows_every_hostile_field_escaped(client, hostile_listing):
    response = client.get(f"/directory/{hostile_listing.slug}/")
    escaped = html.escape(PAYLOAD)
    for text in (
        hostile_listing.name,
        hostile_listing.summary,
        hostile_listing.street,
        hostile_listing.city,
    ):
        assert html.escape(text) in response.text, text
    assert f"Description {escaped}" in response.text
    assert_no_raw_markup(response)


def test_markup_in_the_search_query_is_escaped(client, hostile_listing):
    response = client.get("/directory/", {"q": PAYLOAD})
    assert response.status_code == 200
    assert_no_raw_markup(response)
    assert search_box_value(response) == PAYLOAD
    response = client.get("/directory/category/security-testing/", {"q": "evil", "city": PAYLOAD})
    assert response.status_code == 200
    assert_no_raw_markup(response)
    assert "No businesses found" in response.text
    # Unknown values are echoed back in the "We ignored..." notice.
    response = client.get("/directory/", {"category": PAYLOAD, "level": PAYLOAD, "sort": PAYLOAD})
    assert response.status_code == 200
    assert "We ignored" in response.text
    assert_no_raw_markup(response)


@pytest.mark.parametrize(
    "query",
    ['"', 'a"b', '5" pipe', PAYLOAD, "'", "*", "-", ":", "^", "(", "NEAR(a b)", "a AND", "OR x"],
)
def test_search_syntax_in_the_query_is_searched_as_plain_words(client, hostile_listing, query):
    """Full-text engines have their own query syntax (FTS5 broke on an odd `"`)."""
    response = client.get("/directory/", {"q": query})
    assert response.status_code == 200
    assert search_box_value(response) == query
    assert_no_raw_markup(response)


def test_json_ld_cannot_close_its_script_element_early(client, hostile_listing):
    response = client.get(f"/directory/{hostile_listing.slug}/")
    raw, data = json_ld(response)
    assert "</script" not in raw.lower()
    assert "<" not in raw
    assert data["name"] == hostile_listing.name
    assert data["description"] == hostile_listing.summary
    assert data["address"]["streetAddress"] == hostile_listing.street
    assert data["address"]["addressLocality"] == hostile_listing.city


def test_raw_markup_stored_in_the_description_is_not_rendered(client, directory, enhanced_level):
    business = BusinessFactory(
        name="Stored Markup Ltd",
        description=f"<p>Hello</p>{PAYLOAD}",
        member=MemberFactory(level=enhanced_level),
    )
    response = client.get(f"/directory/{business.slug}/")
    assert response.status_code == 200
    assert "Hello" in response.text
    assert_no_raw_markup(response)


# -- structured data -------------------------------------------------------------------------


def test_detail_page_json_ld_describes_the_local_business(client, enhanced_listing):
    enhanced_listing.phone_visibility = "members"
    enhanced_listing.email_visibility = "members"
    enhanced_listing.save()
    _raw, data = json_ld(client.get(f"/directory/{enhanced_listing.slug}/"))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "LocalBusiness"
    assert data["name"] == "Zephyr Roastery"
    assert data["url"] == f"http://localhost/directory/{enhanced_listing.slug}/"
    assert data["address"]["@type"] == "PostalAddress"
    assert data["address"]["streetAddress"] == "1 Main Street"
    assert data["address"]["addressLocality"] == "Riverside"
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 45.5231, "longitude": -122.6765}
    assert "telephone" not in data
    assert "email" not in data
    assert data["logo"].startswith("http://testserver/")
    assert "https://instagram.example/zephyr" in data["sameAs"]


def test_json_ld_carries_public_contact_details_and_no_geo_without_coordinates(
    client, basic_listing
):
    basic_listing.email_visibility = "public"
    basic_listing.save()
    _raw, data = json_ld(client.get(f"/directory/{basic_listing.slug}/"))
    assert data["telephone"] == basic_listing.phone
    assert data["email"] == basic_listing.email
    assert "geo" not in data
    # The level hides the logo and social links from people, so from search engines too.
    assert "logo" not in data
    assert "image" not in data
    assert data["sameAs"] == ["https://example.org/"]


# -- per-field privacy -----------------------------------------------------------------------

PRIVATE_PHONE = "(555) 013-4477"
PRIVATE_EMAIL = "owner@private-bakery.example"


@pytest.fixture
def private_listing(directory, basic_level):
    return BusinessFactory(
        name="Quiet Bakery",
        phone=PRIVATE_PHONE,
        phone_visibility="members",
        email=PRIVATE_EMAIL,
        email_visibility="members",
        member=MemberFactory(level=basic_level),
    )


def _visitor(kind: str):
    if kind == "anonymous":
        return None
    if kind == "user without a member":
        return UserFactory()
    if kind == "lapsed member":
        lapsed = MemberFactory(status=Member.Status.LAPSED, paid_through=TODAY - 90 * DAY)
        return MemberContactFactory(member=lapsed).user
    if kind == "pending member":
        return MemberContactFactory(member=MemberFactory(status=Member.Status.PENDING)).user
    if kind == "member in good standing":
        return MemberContactFactory().user
    if kind == "past-due member within grace":
        late = MemberFactory(status=Member.Status.PAST_DUE, paid_through=TODAY - 5 * DAY)
        return MemberContactFactory(member=late).user
    if kind == "staff":
        return UserFactory(is_staff=True)
    raise AssertionError(kind)


@pytest.mark.parametrize(
    ("kind", "sees_private_details"),
    [
        ("anonymous", False),
        ("user without a member", False),
        ("lapsed member", False),
        ("pending member", False),
        ("member in good standing", True),
        ("past-due member within grace", True),
        ("staff", True),
    ],
)
def test_members_only_contact_details(client, private_listing, kind, sees_private_details):
    user = _visitor(kind)
    if user is not None:
        client.force_login(user)
    detail = client.get(f"/directory/{private_listing.slug}/")
    assert detail.status_code == 200
    pages = [
        detail,
        client.get("/directory/"),
        client.get("/directory/", {"q": "quiet"}),
    ]
    for response in pages:
        # "013-4477" is in both the shown number and the tel: link (spaces cut).
        assert ("013-4477" in response.text) is (sees_private_details and response is detail)
        assert (PRIVATE_EMAIL in response.text) is (sees_private_details and response is detail)
    _raw, data = json_ld(detail)
    assert "telephone" not in data  # search engines are anonymous, whoever asked
    assert "email" not in data
    assert ("visible to chamber members" in detail.text) is not sees_private_details
    if sees_private_details:
        assert 'href="tel:(555)013-4477"' in detail.text
        assert f'href="mailto:{PRIVATE_EMAIL}"' in detail.text


def test_public_contact_details_are_shown_to_everyone(client, private_listing):
    private_listing.phone_visibility = "public"
    private_listing.email_visibility = "public"
    private_listing.save()
    response = client.get(f"/directory/{private_listing.slug}/")
    assert PRIVATE_PHONE in response.text
    assert PRIVATE_EMAIL in response.text
    assert "visible to chamber members" not in response.text


def test_members_only_phone_with_public_email(client, private_listing):
    private_listing.email_visibility = "public"
    private_listing.save()
    response = client.get(f"/directory/{private_listing.slug}/")
    assert "013-4477" not in response.text
    assert PRIVATE_EMAIL in response.text
    _raw, data = json_ld(response)
    assert data["email"] == PRIVATE_EMAIL
    assert "telephone" not in data


# -- tiers -----------------------------------------------------------------------------------


def test_basic_listing_hides_logo_description_social_links_and_hours(client, basic_listing):
    response = client.get(f"/directory/{basic_listing.slug}/")
    assert response.status_code == 200
    text = response.text
    assert "business__logo" not in text
    assert 'property="og:image"' not in text
    assert "/images/" not in text
    assert "secret blend" not in text
    assert "facebook.example" not in text
    assert "x.example" not in text
    assert "Opening hours" not in text
    assert "Daily 6am-11am" not in text
    # What a basic listing does show.
    assert "Espresso from a cart by the river." in text
    assert 'href="https://example.org/"' in text


def test_enhanced_listing_shows_logo_description_social_links_and_hours(client, enhanced_listing):
    response = client.get(f"/directory/{enhanced_listing.slug}/")
    text = response.text
    assert re.search(r'<div class="logo-tile business__logo"><img [^>]*src="[^"]*/images/', text)
    assert 'property="og:image" content="http://testserver/' in text
    assert "Family-run since 1998, with a <b>tasting room</b>." in text
    assert 'href="https://instagram.example/zephyr"' in text
    assert 'href="https://linkedin.example/zephyr"' in text
    assert "<h2>Opening hours</h2>" in text
    assert "<li>Mon-Fri 7am-6pm</li><li>Sat 8am-2pm</li>" in text
    assert "Featured member" in text


def test_enhanced_listing_is_featured_first_by_default(
    client, enhanced_listing, basic_listing, basic_level, categories
):
    BusinessFactory(
        name="Aaron's Espresso",
        member=MemberFactory(level=basic_level),
        categories=[categories["cafes"]],
    )
    for url in ("/directory/", "/directory/category/cafes/", "/directory/?sort=featured"):
        assert names(client.get(url)) == [
            "Zephyr Roastery",
            "Aaron's Espresso",
            "Acorn Coffee Cart",
        ], url
    assert names(client.get("/directory/?sort=name"))[0] == "Aaron's Espresso"


def test_result_card_shows_a_logo_only_for_enhanced_listings(
    client, enhanced_listing, basic_listing
):
    response = client.get("/directory/")
    by_name = {}
    for card in cards(response):
        name = re.search(r'<h3 class="card__title"><a [^>]*>([^<]*)</a>', card).group(1)
        by_name[name] = card
    assert set(by_name) == {"Zephyr Roastery", "Acorn Coffee Cart"}
    assert re.search(
        r'business-card__logo"><img [^>]*src="[^"]*/images/', by_name["Zephyr Roastery"]
    )
    assert "business-card--featured" in by_name["Zephyr Roastery"]
    assert "<img" not in by_name["Acorn Coffee Cart"]
    assert "business-card--featured" not in by_name["Acorn Coffee Cart"]


@pytest.mark.parametrize(
    ("size", "card", "card_2x", "page", "page_2x"),
    [
        # A wide logo keeps its shape: scaled down to fit, never cropped to a square.
        ((1200, 400), (240, 80), (480, 160), (200, 66), (400, 133)),
        # A small one is never scaled up, and needs no high-density copy.
        ((100, 100), (100, 100), None, (100, 100), None),
    ],
)
def test_logos_keep_their_shape_and_are_never_scaled_up(
    client, enhanced_listing, size, card, card_2x, page, page_2x
):
    logo = ImageFactory(file=get_test_image_file(size=size), title="wide logo")
    Business.objects.filter(pk=enhanced_listing.pk).update(logo=logo)

    def img(html, within):
        tag = re.search(rf'{within}"><img ([^>]*)>', html).group(1)
        width = re.search(r'width="(\d+)"', tag).group(1)
        height = re.search(r'height="(\d+)"', tag).group(1)
        srcset = re.search(r'srcset="([^"]*)"', tag)
        return (int(width), int(height)), srcset.group(1) if srcset else None

    shown, srcset = img(client.get("/directory/").text, "business-card__logo")
    assert shown == card
    assert (srcset is not None) == (card_2x is not None)
    if card_2x:
        assert srcset.endswith(" 2x") and "max-480x240" in srcset
    shown, srcset = img(client.get(f"/directory/{enhanced_listing.slug}/").text, "business__logo")
    assert shown == page
    assert (srcset is not None) == (page_2x is not None)


# -- visibility ------------------------------------------------------------------------------


def _listed_everywhere(client, business, *, category_slug: str) -> dict[str, bool]:
    """Where `business` shows up: the directory, its category page, a search, its own URL, and
    the facet counts (cached, so they must be dropped when standing or publication changes).
    The tests using this have no other listing, so a facet is there only if `business` is."""
    directory = client.get("/directory/")
    facets = directory.context["results"]
    search_word = business.name.split()[0]
    return {
        "directory": business.name in names(directory),
        "category": business.name in names(client.get(f"/directory/category/{category_slug}/")),
        "search": business.name in names(client.get("/directory/", {"q": search_word})),
        "detail": client.get(f"/directory/{business.slug}/").status_code == 200,
        "facets": (
            any(option.value == business.city_slug for option in facets.city_facets)
            and any(option.value == "food-drink" for option in facets.category_facets)
        ),
    }


EVERYWHERE = dict.fromkeys(("directory", "category", "search", "detail", "facets"), True)
NOWHERE = dict.fromkeys(EVERYWHERE, False)


@pytest.fixture
def bakery(directory, categories, basic_level):
    return BusinessFactory(
        name="Hearth Bakery",
        member=MemberFactory(level=basic_level),
        categories=[categories["bakeries"]],
    )


def test_lapsed_member_is_delisted_and_comes_back_when_reactivated(client, bakery):
    assert _listed_everywhere(client, bakery, category_slug="food-drink") == EVERYWHERE
    member = bakery.member
    member.status = Member.Status.LAPSED
    member.paid_through = TODAY - 45 * DAY
    member.save()
    assert _listed_everywhere(client, bakery, category_slug="food-drink") == NOWHERE
    assert _listed_everywhere(client, bakery, category_slug="bakeries") == NOWHERE
    assert client.get(f"/directory/{bakery.slug}/").status_code == 404

    member.status = Member.Status.ACTIVE  # the word alone brings nothing back: dues do
    member.save()
    assert _listed_everywhere(client, bakery, category_slug="bakeries") == NOWHERE
    member.paid_through = TODAY + 365 * DAY
    member.save()
    assert _listed_everywhere(client, bakery, category_slug="bakeries") == EVERYWHERE


def test_past_due_member_within_grace_is_still_listed(client, bakery):
    member = bakery.member
    member.status = Member.Status.PAST_DUE
    member.paid_through = TODAY - 29 * DAY
    member.save()
    assert _listed_everywhere(client, bakery, category_slug="bakeries") == EVERYWHERE


@pytest.mark.parametrize("status", [Member.Status.PENDING, Member.Status.CANCELLED])
def test_pending_and_cancelled_members_are_not_listed(client, bakery, status):
    member = bakery.member
    member.status = status
    member.save()
    assert _listed_everywhere(client, bakery, category_slug="bakeries") == NOWHERE


def test_unpublished_listing_is_delisted(client, bakery):
    bakery.unpublish()
    bakery.refresh_from_db()
    assert bakery.live is False
    assert _listed_everywhere(client, bakery, category_slug="bakeries") == NOWHERE


def test_draft_listing_is_not_listed(client, directory, categories, basic_level):
    draft = BusinessFactory(
        name="Unfinished Bakery",
        live=False,
        member=MemberFactory(level=basic_level),
        categories=[categories["bakeries"]],
    )
    assert _listed_everywhere(client, draft, category_slug="bakeries") == NOWHERE


@pytest.mark.parametrize("grace_days", [None, 10])
@pytest.mark.parametrize(("days_over", "listed"), [(0, True), (1, False)])
def test_grace_period_boundary(
    client, directory, site_tree, categories, basic_level, grace_days, days_over, listed
):
    if grace_days is not None:
        chamber = ChamberSettings.for_site(site_tree.site)
        chamber.membership_grace_days = grace_days
        chamber.save()
    grace = grace_days or 30
    member = MemberFactory(
        level=basic_level,
        status=Member.Status.PAST_DUE,
        paid_through=TODAY - (grace + days_over) * DAY,
    )
    business = BusinessFactory(
        name="Boundary Bakery", member=member, categories=[categories["bakeries"]]
    )
    expected = EVERYWHERE if listed else NOWHERE
    assert _listed_everywhere(client, business, category_slug="bakeries") == expected


def test_shortening_the_grace_period_delists_at_once(client, bakery, site_tree):
    member = bakery.member
    member.status = Member.Status.PAST_DUE
    member.paid_through = TODAY - 20 * DAY
    member.save()
    assert _listed_everywhere(client, bakery, category_slug="bakeries") == EVERYWHERE

    chamber = ChamberSettings.for_site(site_tree.site)
    chamber.membership_grace_days = 10
    chamber.save()
    assert _listed_everywhere(client, bakery, category_slug="bakeries") == NOWHERE

    chamber.membership_grace_days = 20
    chamber.save()
    assert _listed_everywhere(client, bakery, category_slug="bakeries") == EVERYWHERE


# -- detail page content ---------------------------------------------------------------------


def test_detail_page_links_categories_map_and_website_safely(client, enhanced_listing, categories):
    enhanced_listing.categories.add(categories["bakeries"])
    enhanced_listing.save()
    response = client.get(f"/directory/{enhanced_listing.slug}/")
    text = response.text
    assert '<a href="/directory/category/cafes/">Cafes</a>' in text
    assert '<a href="/directory/category/bakeries/">Bakeries</a>' in text

    map_link = re.search(r'<a href="([^"]*)"[^>]*>View on OpenStreetMap</a>', text)
    map_url = html.unescape(map_link.group(1))
    assert map_url.startswith("https://www.openstreetmap.org/?")
    assert query_params(map_url) == {"mlat": ["45.523100"], "mlon": ["-122.676500"]}
    assert urlsplit(map_url).fragment == "map=17/45.523100/-122.676500"

    external = re.findall(r'<a href="(https?://[^"]*)" rel="([^"]*)"', text)
    linked = {url for url, _rel in external}
    assert {
        "https://example.org/",
        "https://instagram.example/zephyr",
        "https://linkedin.example/zephyr",
    } <= linked
    for url, rel in external:
        assert "noopener" in rel.split(), url


def test_map_link_searches_the_address_without_coordinates(client, basic_listing):
    response = client.get(f"/directory/{basic_listing.slug}/")
    map_link = re.search(r'<a href="([^"]*)"[^>]*>View on OpenStreetMap</a>', response.text)
    map_url = html.unescape(map_link.group(1))
    assert map_url.startswith("https://www.openstreetmap.org/search?")
    assert query_params(map_url) == {
        "query": ["1 Main Street, Riverside, OR, 97999, United States"]
    }
    assert "mlat" not in map_url


def test_detail_page_shows_member_since_canonical_and_open_graph(client, enhanced_listing):
    response = client.get(f"/directory/{enhanced_listing.slug}/")
    text = response.text
    assert "Chamber member since 2019" in text
    canonical = f"http://localhost/directory/{enhanced_listing.slug}/"
    assert f'<link rel="canonical" href="{canonical}">' in text
    assert '<meta property="og:title" content="Zephyr Roastery">' in text
    assert f'<meta property="og:url" content="{canonical}">' in text
    assert "<title>Zephyr Roastery — Riverside |" in text


# -- query parameters ------------------------------------------------------------------------


def test_long_query_is_cut(client, bakery):
    long_query = "bakery " * 60
    response = client.get("/directory/", {"q": long_query})
    assert response.status_code == 200
    value = search_box_value(response)
    assert 0 < len(value) <= MAX_QUERY_LENGTH
    assert long_query.startswith(value)
    assert len(response.context["results"].query) <= MAX_QUERY_LENGTH
    assert names(response) == ["Hearth Bakery"]


def test_control_characters_are_stripped_from_the_query(client, bakery):
    response = client.get("/directory/", {"q": "\x00Hea\x07rth\x1b\x7f\x9b \t\nbak\x0cery\x00"})
    assert response.status_code == 200
    assert response.context["results"].query == "Hearth bakery"
    assert search_box_value(response) == "Hearth bakery"
    assert names(response) == ["Hearth Bakery"]
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", response.text)


def test_category_page_ignores_a_category_parameter(client, bakery, directory, basic_level):
    plumber = BusinessFactory(
        name="Pipe Plumbing",
        member=MemberFactory(level=basic_level),
        categories=[CategoryFactory(name="Plumbing", slug="plumbing")],
    )
    response = client.get("/directory/category/bakeries/", {"category": "plumbing"})
    assert response.status_code == 200
    assert names(response) == ["Hearth Bakery"]
    assert plumber.name not in response.text
    assert '<input type="hidden" name="category" value="bakeries">' in response.text
    assert response.context["results"].category.slug == "bakeries"
    assert not response.context["results"].ignored


# -- pagination ------------------------------------------------------------------------------


@pytest.fixture
def many_listings(directory, basic_level):
    member = MemberFactory(level=basic_level)
    return [
        BusinessFactory(name=f"Shop {number:02d}", member=member, city="Riverside")
        for number in range(1, 46)
    ]


def test_pagination(client, many_listings):
    third = client.get("/directory/", {"page": "3"})
    assert names(third) == [f"Shop {number}" for number in range(41, 46)]
    assert third.context["results"].page.number == 3

    for params in ({"page": "999"}, {"page": "999", "q": "shop", "sort": "name"}):
        beyond = client.get("/directory/", params)
        assert beyond.status_code == 200
        assert beyond.context["results"].page.number == 3, params
        assert names(beyond) == names(third), params
        assert 'aria-current="page"><span class="visually-hidden">Page </span>3<' in beyond.text

    for junk in ("abc", "", "-4", "0", "1.5"):
        first = client.get("/directory/", {"page": junk})
        assert first.status_code == 200, junk
        assert first.context["results"].page.number == 1, junk
        assert len(names(first)) == PAGE_SIZE, junk


@pytest.mark.parametrize("params", [{}, {"city": "riverside"}, {"q": "shop"}, {"sort": "name"}])
def test_pages_stop_after_the_first_thousand_listings(client, many_listings, monkeypatch, params):
    """Deep pages are an index walk past every listing before them (page 20,000 of a million
    took half a second), so lists open up to MAX_PAGES pages; the last says how to find more."""
    monkeypatch.setattr(selectors, "MAX_PAGES", 2)
    deep = client.get("/directory/", {**params, "page": "3"})
    results = deep.context["results"]
    assert results.page.number == 2
    assert results.page.paginator.num_pages == 2
    if "q" in params:  # by relevance: 20 of them, not the first 20 shown
        first_page = names(client.get("/directory/", params))
        assert len(names(deep)) == PAGE_SIZE and not set(names(deep)) & set(first_page)
    else:
        assert names(deep) == [f"Shop {number}" for number in range(21, 41)]
    assert results.total == 45  # the count stays exact
    assert "45 businesses" in deep.text and "page 2 of 2" in deep.text
    assert "These pages show the first 40 of 45 businesses." in deep.text
    assert {query_params(link)["page"][0] for link in pagination_links(deep)} == {"1", "2"}
    first = client.get("/directory/", params)
    assert "These pages show the first" not in first.text


def test_pagination_links_keep_the_other_parameters(client, many_listings):
    response = client.get(
        "/directory/", {"q": "shop", "city": "riverside", "sort": "name", "page": 2}
    )
    links = pagination_links(response)
    assert links
    pages = set()
    for link in links:
        params = query_params(link)
        assert params["q"] == ["shop"], link
        assert params["city"] == ["riverside"], link
        assert params["sort"] == ["name"], link
        pages.update(params["page"])
    assert pages == {"1", "2", "3"}
    assert response.context["results"].total == 45


# -- query counts ----------------------------------------------------------------------------

# Per request, on a warm cache (site chrome and taxonomy cached, renditions made), whatever the
# number of listings or categories shown. Six of them are Wagtail serving the page (site, three
# page look-ups, view restrictions).
DIRECTORY_PAGE_MAX_QUERIES = 10
DETAIL_PAGE_MAX_QUERIES = 8
# Once routing is warm (chamber/routing.py): the listing, its categories and its logo's
# renditions (one prefetch for both sizes).
DETAIL_PAGE_WITH_LOGO_QUERIES = 3


def past_the_end_extra_queries() -> int:
    """A page number past the end. On PostgreSQL the total comes from the facet summary first,
    so the last page is read directly; elsewhere it costs the empty window-count query, a
    COUNT, then the last page."""
    return 0 if connection.vendor == "postgresql" else 2


def _add_listings(count: int, *, level, category, with_logo: bool, start: int):
    for number in range(start, start + count):
        name = f"Listing {number:03d}"
        BusinessFactory(
            name=name,
            member=MemberFactory(level=level),
            categories=[category],
            logo=logo_for(name) if with_logo else None,
        )


@pytest.mark.parametrize("enhanced", [False, True], ids=["basic", "enhanced-with-logos"])
def test_directory_page_queries_do_not_grow_with_listings(
    client,
    directory,
    categories,
    basic_level,
    enhanced_level,
    enhanced,
    django_assert_max_num_queries,
):
    level = enhanced_level if enhanced else basic_level
    urls = [
        "/directory/",
        "/directory/?q=listing",
        f"/directory/?category=food-drink&city=riverside&level={level.slug}&sort=name",
        "/directory/category/bakeries/",
        "/directory/category/food-drink/?q=listing&sort=newest",
    ]
    counts = {}
    total = 0
    for target in (1, 20, 50):
        _add_listings(
            target - total,
            level=level,
            category=categories["bakeries"],
            with_logo=enhanced,
            start=total,
        )
        total = target
        counts[target] = {url: count_queries(client, url) for url in urls}
        counts[target]["past the end"] = count_queries(client, "/directory/?page=999")
    assert counts[1] == counts[20] == counts[50], counts
    for url in urls:
        with django_assert_max_num_queries(DIRECTORY_PAGE_MAX_QUERIES):
            client.get(url)
    assert counts[50]["past the end"] == counts[50]["/directory/"] + past_the_end_extra_queries()


@pytest.mark.parametrize("with_logo", [False, True], ids=["basic", "enhanced-with-logo"])
def test_detail_page_queries_do_not_grow_with_categories(
    client, directory, categories, basic_level, enhanced_level, with_logo
):
    business = BusinessFactory(
        name="Many Trades Ltd",
        member=MemberFactory(level=enhanced_level if with_logo else basic_level),
        categories=[categories["plumbing"]],
        logo=logo_for("Many Trades Ltd") if with_logo else None,
    )
    url = f"/directory/{business.slug}/"
    few = count_queries(client, url)

    business.categories.set([CategoryFactory(name=f"Trade {number}") for number in range(12)])
    business.save()
    assert len(client.get(url).context["business"].categories.all()) == 12
    assert count_queries(client, url) == few
    if with_logo:
        assert few == DETAIL_PAGE_WITH_LOGO_QUERIES
    else:
        assert few <= DETAIL_PAGE_MAX_QUERIES
