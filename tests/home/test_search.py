"""/search/: site-wide search over live public pages and publicly listed businesses."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import Page, PageViewRestriction, Site

from deals.models import Deal
from directory.models import DirectoryPage
from home.models import HomePage, StandardPage
from membership.models import Member
from tests.factories import (
    BusinessFactory,
    CategoryFactory,
    DealFactory,
    MemberContactFactory,
    MemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SEARCH = "/search/"
RESULT_LINK = re.compile(r'<h3 class="search-result__title"><a href="([^"]*)"')


def add_page(parent, title: str, *, intro: str = "", publish: bool = True, **values):
    page = StandardPage(title=title, intro=intro, **values)
    parent.add_child(instance=page)
    if publish:
        page.save_revision().publish()
    else:
        page.live = False
        page.save()
    return page


def result_urls(response) -> list[str]:
    """The links of the page results (promotions included), in order."""
    assert response.status_code == 200
    return RESULT_LINK.findall(response.text)


def section(html: str, heading_id: str) -> str:
    """The <section> whose heading has this id."""
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def home(site_tree) -> HomePage:
    return site_tree.home


@pytest.fixture
def advocacy(home) -> StandardPage:
    return add_page(
        home,
        "Advocacy",
        intro="We speak for local business at city hall.",
        search_description="How the chamber speaks up for local business.",
    )


# The form and the empty query


def test_without_a_query_the_page_shows_the_form_and_no_results(client, home):
    response = client.get(SEARCH)
    html = response.text
    assert response.status_code == 200
    assert "<title>Search |" in html
    assert 'role="search"' in html
    assert '<label id="search-label" for="search-q">' in html
    assert 'type="search" name="q" id="search-q"' in html
    assert "Pages (" not in html
    assert "Nothing found" not in html
    assert not Query.objects.exists()


@pytest.mark.parametrize("query", ["", "   ", "\x00\x07", "\t\n"])
def test_a_blank_query_counts_as_no_query(client, home, query):
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    assert response.context["query"] == ""
    assert "Pages (" not in response.text


def test_the_query_is_cleaned_like_the_directorys(client, advocacy):
    response = client.get(SEARCH, {"q": "  advocacy\x00\x1f   " + "x" * 300})
    assert response.context["query"] == ("advocacy " + "x" * 300)[:200]
    response = client.get(SEARCH, {"q": " Advo\x00cacy  "})
    assert response.context["query"] == "Advocacy"
    assert result_urls(response) == ["/advocacy/"]


def test_search_pages_are_not_indexed_by_search_engines_nor_kept_by_shared_caches(client, advocacy):
    for params in ({}, {"q": "advocacy"}):
        response = client.get(SEARCH, params)
        assert '<meta name="robots" content="noindex">' in response.text
        assert "private" in response["Cache-Control"]
        assert "no-cache" in response["Cache-Control"]


def test_only_get_and_head_are_allowed(client, home):
    assert client.head(SEARCH, {"q": "advocacy"}).status_code == 200
    assert client.post(SEARCH, {"q": "advocacy"}).status_code == 405


# Pages


def test_a_matching_page_shows_its_title_link_and_description(client, advocacy):
    response = client.get(SEARCH, {"q": "advocacy"})
    html = response.text
    assert "<title>Search results for “advocacy” |" in html
    assert '<h2 id="pages-heading" class="site-search__heading">Pages (1)</h2>' in html
    assert result_urls(response) == ["/advocacy/"]
    assert "How the chamber speaks up for local business." in html
    assert "search-result__kind" not in html  # a page type's name means nothing to visitors


def test_a_news_item_shows_what_kind_of_item_it_is(client, news_factory):
    from home.models import NewsKind

    news_factory(title="Parking position", kind=NewsKind.POLICY, publish=True)
    response = client.get(SEARCH, {"q": "parking"})
    assert len(result_urls(response)) == 1
    assert '<p class="search-result__kind">Policy position</p>' in response.text


def test_words_of_the_body_match_and_every_word_must_match(client, advocacy, home):
    add_page(home, "Meetups", intro="Breakfasts and mixers at city hall.")
    assert set(result_urls(client.get(SEARCH, {"q": "city hall"}))) == {"/advocacy/", "/meetups/"}
    assert result_urls(client.get(SEARCH, {"q": "local city hall"})) == ["/advocacy/"]
    assert result_urls(client.get(SEARCH, {"q": "breakfasts advocacy"})) == []


def test_the_last_word_matches_as_a_prefix(client, advocacy):
    assert result_urls(client.get(SEARCH, {"q": "advoc"})) == ["/advocacy/"]
    assert result_urls(client.get(SEARCH, {"q": "speak busi"})) == ["/advocacy/"]


def test_the_home_page_is_found_when_it_matches(client, home):
    assert result_urls(client.get(SEARCH, {"q": "businesses working together"})) == ["/"]


def test_draft_and_unpublished_pages_never_appear(client, home, advocacy):
    add_page(home, "Zebrafinch never published", publish=False)
    withdrawn = add_page(home, "Zebrafinch withdrawn")
    withdrawn.unpublish()
    draft = add_page(home, "Published page", intro="Nothing to see.")
    draft.intro = "Zebrafinch plans, still a draft."
    draft.save_revision()  # not published: the live page keeps its old introduction
    assert result_urls(client.get(SEARCH, {"q": "zebrafinch"})) == []


def test_private_pages_and_their_children_never_appear_even_to_people_who_may_see_them(
    client, home
):
    members_area = add_page(home, "Zebrafinch members area")
    add_page(members_area, "Zebrafinch minutes")
    PageViewRestriction.objects.create(
        page=members_area, restriction_type=PageViewRestriction.LOGIN
    )
    secret = add_page(home, "Zebrafinch board papers")
    PageViewRestriction.objects.create(
        page=secret, restriction_type=PageViewRestriction.PASSWORD, password="board"
    )
    public = add_page(home, "Zebrafinch open day")
    assert result_urls(client.get(SEARCH, {"q": "zebrafinch"})) == [public.url]
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert result_urls(client.get(SEARCH, {"q": "zebrafinch"})) == [public.url]


def test_pages_of_another_site_never_appear(client, home, advocacy):
    root = Page.get_first_root_node()
    other_home = HomePage(title="Other chamber", slug="other-home", hero_heading="Other")
    root.add_child(instance=other_home)
    other_home.save_revision().publish()
    other_advocacy = add_page(other_home, "Advocacy elsewhere")
    Site.objects.create(hostname="127.0.0.1", port=80, root_page=other_home)

    assert result_urls(client.get(SEARCH, {"q": "advocacy"})) == ["/advocacy/"]
    response = client.get(SEARCH, {"q": "advocacy"}, HTTP_HOST="127.0.0.1")
    assert result_urls(response) == [other_advocacy.get_url(current_site=other_home.get_site())]


# Pagination


@pytest.fixture
def many_pages(home):
    """23 pages matching "zebrafinch": three pages of results."""
    # Live without a revision, as setup_site adds its fixed pages: a revision and a publish
    # apiece would make this fixture the slowest part of each test using it.
    return [
        home.add_child(instance=StandardPage(title=f"Zebrafinch report {number}", live=True))
        for number in range(23)
    ]


def test_page_results_are_paginated_ten_at_a_time(client, many_pages):
    first = client.get(SEARCH, {"q": "zebrafinch"})
    assert len(result_urls(first)) == 10
    assert "Pages (23)" in first.text
    assert 'aria-label="Pagination"' in first.text
    assert "?q=zebrafinch&amp;page=2" in first.text
    third = client.get(SEARCH, {"q": "zebrafinch", "page": "3"})
    assert len(result_urls(third)) == 3
    assert third.context["page_obj"].number == 3
    assert "(page 3)" in third.text.split("</title>")[0]
    every = {
        url
        for number in "123"
        for url in result_urls(client.get(SEARCH, {"q": "zebrafinch", "page": number}))
    }
    assert every == {page.url for page in many_pages}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("abc", 1),
        ("-1", 1),
        ("0", 1),
        ("1.5", 1),
        ("", 1),
        ("99999", 3),
        ("9" * 400, 3),
        ("1e400", 1),
        ("\x00", 1),
    ],
)
def test_a_bad_page_number_shows_the_first_or_last_page(client, many_pages, raw, expected):
    response = client.get(SEARCH, {"q": "zebrafinch", "page": raw})
    assert response.status_code == 200
    assert response.context["page_obj"].number == expected
    assert result_urls(response)


# Businesses


@pytest.fixture
def directory(site_tree) -> DirectoryPage:
    return DirectoryPage.objects.get()


@pytest.fixture
def listings(directory):
    """A small town (as in tests/directory/conftest.py): three public listings, one whose
    member lapsed and one never published."""
    bakeries = CategoryFactory(name="Bakeries", slug="bakeries")
    lapsed_member = MemberFactory(
        status=Member.Status.LAPSED,
        paid_through=timezone.localdate() - datetime.timedelta(days=90),
    )
    return {
        "bakery": BusinessFactory(
            name="Riverbend Bakery",
            summary="Sourdough and pastries baked daily.",
            keywords="sourdough, cakes",
            categories=[bakeries],
        ),
        "cafe": BusinessFactory(
            name="Millbrook Coffee House",
            summary="Coffee, cake and a big table for meetings.",
            categories=[CategoryFactory(name="Cafes", slug="cafes"), bakeries],
            city="Millbrook",
        ),
        "plumber": BusinessFactory(
            name="Cedar Falls Plumbing", summary="Leaks, boilers and bathrooms."
        ),
        "lapsed": BusinessFactory(
            name="Lapsed Bakery Outlet", member=lapsed_member, categories=[bakeries]
        ),
        "draft": BusinessFactory(name="Draft Bakery", live=False, categories=[bakeries]),
    }


def test_only_publicly_listed_businesses_are_found(client, listings):
    response = client.get(SEARCH, {"q": "bak"})
    html = section(response.text, "businesses-heading")
    assert "Businesses (2)" in html
    assert "Riverbend Bakery" in html
    assert "Millbrook Coffee House" in html  # in the Bakeries category
    assert "Lapsed Bakery Outlet" not in response.text  # its member lapsed
    assert "Draft Bakery" not in response.text  # not published
    assert 'href="/directory/riverbend-bakery/"' in html
    assert 'href="/directory/?q=bak"' in html


def test_business_results_match_the_directorys_own_search(client, listings):
    for query in ("bak", "sourdough", "plumbin", "coffee plumbing"):
        directory_names = [
            business.name
            for business in client.get("/directory/", {"q": query}).context["results"].page
        ]
        cards = client.get(SEARCH, {"q": query}).context["businesses"].cards
        assert [card.name for card in cards] == directory_names, query


def test_at_most_five_businesses_with_a_link_to_all_of_them_in_the_directory(client, directory):
    member = MemberFactory()
    for number in range(7):
        BusinessFactory(name=f"Quokka Catering {number}", member=member)
    response = client.get(SEARCH, {"q": "quokka catering"})
    html = section(response.text, "businesses-heading")
    assert "Businesses (7)" in html
    assert html.count('<article class="card business-card') == 5
    assert "See all 7 businesses matching “quokka catering” in the directory" in html
    assert 'href="/directory/?q=quokka+catering"' in html


def test_a_lapsed_members_business_drops_out_of_search(client, listings):
    member = listings["bakery"].member
    assert "Riverbend Bakery" in client.get(SEARCH, {"q": "riverbend"}).text
    member.status = Member.Status.LAPSED
    member.paid_through = timezone.localdate() - datetime.timedelta(days=120)
    member.save()
    assert "Riverbend Bakery" not in client.get(SEARCH, {"q": "riverbend"}).text


def test_without_a_directory_page_businesses_are_not_searched(client, listings, directory):
    directory.unpublish()
    response = client.get(SEARCH, {"q": "bakery"})
    assert response.context["businesses"] is None
    assert "Businesses (" not in response.text


def test_pages_without_businesses_say_so_and_point_to_the_directory(client, advocacy, listings):
    response = client.get(SEARCH, {"q": "advocacy"})
    html = section(response.text, "businesses-heading")
    assert "Businesses (0)" in html
    assert "No member businesses match “advocacy”." in html
    assert 'href="/directory/">Browse the directory</a>' in html


# Members-only deals


def test_members_only_deal_details_and_codes_never_appear(client, listings):
    bakery = listings["bakery"]
    DealFactory(
        business=bakery,
        title="Members' bread offer",
        summary="Savings on bread.",
        details="<p>Zanzibar loyalty: half price sourdough for members.</p>",
        terms="Zanzibar terms for members only.",
        redemption_instructions="Zanzibar: show the barcode at the till.",
        code="ZANZIBAR42",
        audience=Deal.Audience.MEMBERS,
        valid_from=timezone.now() - datetime.timedelta(days=1),
        live=True,
    )
    secrets = ("Zanzibar loyalty", "half price", "terms for members", "barcode", "ZANZIBAR42")
    # Not even for a member in good standing: search shows only what everyone may read.
    member_user = UserFactory()
    MemberContactFactory(member=bakery.member, user=member_user)
    for user in (None, member_user):
        if user is not None:
            client.force_login(user)
        for query in ("zanzibar", "zanzibar42", "riverbend", "bread offer", "sourdough", "till"):
            response = client.get(SEARCH, {"q": query})
            assert not [secret for secret in secrets if secret in response.text], query
            assert not any(result.url.startswith("/deals/") for result in response.context["pages"])
        response = client.get(SEARCH, {"q": "zanzibar"})
        assert response.context["pages_total"] == 0
        assert response.context["businesses"].total == 0


# Promotions


@pytest.fixture
def promotions(home, advocacy):
    """For "quokka": the advocacy page, an external link, and two pages that must not show."""
    query = Query.get("quokka")
    draft = add_page(home, "Draft promotion", publish=False)
    private = add_page(home, "Private promotion")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    for order, values in enumerate(
        [
            {"page": draft},
            {"page": advocacy, "description": "Why quokka fans join us."},
            {
                "external_link_url": "https://example.org/guide",
                "external_link_text": "Guide to <starting> a business",
            },
            {"page": private},
        ]
    ):
        SearchPromotion.objects.create(query=query, sort_order=order, **values)
    return query


def test_promotions_come_first_and_only_show_live_public_pages_and_links(client, home, promotions):
    add_page(home, "Quokka sightings", intro="Where to see them.")
    response = client.get(SEARCH, {"q": " QUOKKA "})
    html = response.text
    assert result_urls(response) == [
        "/advocacy/",
        "https://example.org/guide",
        "/quokka-sightings/",
    ]
    recommended = section(html, "recommended-heading")
    assert "Why quokka fans join us." in recommended
    assert "Guide to &lt;starting&gt; a business" in recommended
    assert recommended.count("Another website") == 1  # the external link, not the page
    assert "Draft promotion" not in html
    assert "Private promotion" not in html
    assert html.index("Recommended") < html.index("Pages (1)")


def test_promotions_show_even_when_nothing_else_matches(client, promotions):
    response = client.get(SEARCH, {"q": "quokka"})
    assert "Recommended" in response.text
    assert "Nothing found" not in response.text
    assert "No pages match “quokka”." in response.text


def test_first_results_pages_are_counted_as_hits_for_editors(client, many_pages):
    client.get(SEARCH, {"q": "Zebrafinch"})
    client.get(SEARCH, {"q": "zebrafinch  "})
    client.get(SEARCH, {"q": "zebrafinch", "page": "2"})  # paging on isn't a new search
    client.get(SEARCH, {"q": "no such thing"})  # searches that find nothing count too
    assert Query.get("zebrafinch").hits == 2
    assert Query.get("no such thing").hits == 1


def test_promotions_show_on_the_first_results_page_only(client, many_pages, promotions):
    promotions.query_string = "zebrafinch"
    promotions.save()
    assert "Recommended" in client.get(SEARCH, {"q": "zebrafinch"}).text
    assert "Recommended" not in client.get(SEARCH, {"q": "zebrafinch", "page": "2"}).text


# Escaping and odd input


def test_the_query_and_results_are_escaped(client, home):
    add_page(home, "<img src=x onerror=alert(1)> Quokka", slug="quokka")
    response = client.get(SEARCH, {"q": "<script>alert(1)</script> quokka"})
    html = response.text
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; quokka" in html
    response = client.get(SEARCH, {"q": "quokka"})
    assert "<img src=x" not in response.text
    assert "&lt;img src=x onerror=alert(1)&gt; Quokka" in response.text


@pytest.mark.parametrize(
    "query",
    ['"', '">', "<>", "a AND OR NOT", "advoc*", "NEAR(a b)", "(", "'", "-", ":", "the", "a"],
)
def test_search_syntax_in_the_query_is_plain_text(client, advocacy, listings, query):
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200


def test_nothing_found_explains_what_was_searched(client, listings):
    response = client.get(SEARCH, {"q": "xylophone"})
    html = response.text
    assert "Nothing found" in html
    assert (
        "We looked for “xylophone” in this site\N{RIGHT SINGLE QUOTATION MARK}s pages "
        "and in the business directory" in html
    )
    assert 'href="/directory/">Browse the business directory' in html


# Query budget


def test_the_number_of_queries_does_not_grow_with_the_results(
    client, home, directory, django_assert_max_num_queries
):
    member = MemberFactory()
    for count, word in ((2, "Wombat"), (12, "Numbat")):
        for number in range(count):
            add_page(home, f"{word} page {number}", intro=f"About {word}s.")
            BusinessFactory(name=f"{word} business {number}", member=member)
    client.get(SEARCH, {"q": "warm the site caches"})
    first, again = {}, {}
    for word, shown in (("wombat", 2), ("numbat", 10)):
        # A query's first search also records it and lets the directory match and rank it.
        with CaptureQueriesContext(connection) as queries:
            client.get(SEARCH, {"q": word})
        first[word] = len(queries)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(SEARCH, {"q": word})
        again[word] = len(queries)
        assert len(response.context["pages"]) == shown
        assert len(response.context["businesses"].cards) == min(shown, 5)
    assert first["wombat"] == first["numbat"]
    assert again["wombat"] == again["numbat"]
    # Half of a new query's are Wagtail's hit counter creating its rows (with savepoints).
    with django_assert_max_num_queries(18):
        client.get(SEARCH, {"q": "numbat business"})
    with django_assert_max_num_queries(10):
        client.get(SEARCH, {"q": "numbat"})
    with django_assert_max_num_queries(7):  # no promotions nor hit on later pages
        client.get(SEARCH, {"q": "numbat", "page": "2"})


# The header


def test_every_page_has_a_search_form_and_link_in_its_header(client, home):
    html = client.get("/").text
    header = html.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    assert 'role="search"' in header
    assert 'action="/search/"' in header
    assert '<label class="visually-hidden" for="site-search-q">' in header
    # Narrow screens show a plain link in the menu instead (site.css).
    assert '<a class="site-nav__link site-nav__search" href="/search/">Search</a>' in header
