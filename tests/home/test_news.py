"""Policy news: page types and the admin, the news list (/news/) with its filters and
pagination, news pages, block previews, and the demo's news.

Feeds are in test_news_feeds.py; the home page's latest news in test_home_page.py.
"""

import datetime
import html
import io
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data

from chamber.site_setup import site_setup
from home.blocks import BodyStreamBlock
from home.models import (
    HomePage,
    NewsIndexPage,
    NewsKind,
    NewsPage,
    StandardPage,
)
from tests.factories import (
    DocumentFactory,
    ImageFactory,
    NewsPageFactory,
    PersonFactory,
    TopicFactory,
)
from tests.home.helpers import (
    DAY,
    XSS,
    assert_every_block_rendered,
    card_titles,
    every_block_body,
    make_topics,
    news_page_form_data,
)

# At most (measured): Wagtail's routing and view-restriction check (6), then the list's count,
# rows, card renditions and topics (4); the breadcrumbs and site chrome come from the cache.
NEWS_INDEX_QUERIES = 10
# At most (measured) for a news page with an image, authors with photos and related news:
# routing and view restrictions, then authors, topics (read twice: for the page and for its
# related news), the news index (parent, then specific) and related news (rows, renditions,
# topics). Body blocks with choosers add theirs.
NEWS_PAGE_QUERIES = 15


def news_list(client, **params):
    response = client.get("/news/", params)
    assert response.status_code == 200
    return response


def results(response) -> str:
    """The results column of the news page (without the filter form)."""
    return response.text.split('id="results-heading"', 1)[1].split("</section>", 1)[0]


def status(response) -> str:
    match = re.search(r'<p class="results-summary" role="status">(.*?)</p>', response.text)
    return match.group(1) if match else ""


class TestNewsPageTypes(WagtailPageTestCase):
    def setUp(self):
        self.home = site_setup(demo=False, log=lambda line: None).home
        self.index = NewsIndexPage.objects.get()
        # Wagtail's login() authenticates without a request, which django-axes refuses.
        self.client.force_login(self.create_test_user())

    def test_news_index_lives_under_the_home_page_and_holds_only_news_pages(self):
        self.assertAllowedParentPageTypes(NewsIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(NewsIndexPage, {NewsPage})
        self.assertCanNotCreateAt(StandardPage, NewsIndexPage)
        self.assertCanNotCreateAt(NewsIndexPage, StandardPage)

    def test_news_pages_live_only_under_the_news_index(self):
        self.assertAllowedParentPageTypes(NewsPage, {NewsIndexPage})
        self.assertAllowedSubpageTypes(NewsPage, set())
        self.assertCanNotCreateAt(HomePage, NewsPage)
        self.assertCanNotCreateAt(StandardPage, NewsPage)
        self.assertCanNotCreateAt(NewsPage, NewsPage)

    def test_a_home_page_has_at_most_one_news_index(self):
        assert not NewsIndexPage.can_create_at(self.home)
        self.index.delete()
        assert NewsIndexPage.can_create_at(Page.objects.get(pk=self.home.pk))

    def test_editor_can_create_the_news_index(self):
        self.index.delete()
        home = HomePage.objects.get(pk=self.home.pk)
        intro = "What the chamber does for local business: news, positions, press releases."
        self.assertCanCreate(
            home, NewsIndexPage, nested_form_data({"title": "News", "slug": "news", "intro": intro})
        )
        index = NewsIndexPage.objects.get()
        assert index.live and index.intro == intro
        assert self.client.get("/news/").status_code == 200

    def test_editor_can_create_a_news_page_with_authors_topics_and_every_block(self):
        topics = make_topics()
        dana = PersonFactory(name="Dana Whitfield", role="President & CEO")
        marcus = PersonFactory(name="Marcus Oyelaran", role="Director of Government Affairs")
        image, document = ImageFactory(), DocumentFactory()
        data = news_page_form_data(
            title="Chamber backs two-hour free parking",
            image=image,
            document=document,
            page=self.home,
            topics=[topics["parking"], topics["permits"]],
            people=[marcus, dana],
        )
        self.assertCanCreate(self.index, NewsPage, data)

        page = NewsPage.objects.get(slug="chamber-backs-two-hour-free-parking")
        assert page.live and page.kind == NewsKind.POLICY and page.listing_image == image
        assert [block.block_type for block in page.body] == [
            "heading",
            "paragraph",
            "image",
            "quote",
            "call_to_action",
            "document",
            "table",
            "related_links",
        ]
        assert page.body[2].value["image"].pk == image.pk
        assert page.body[5].value["document"].pk == document.pk
        assert page.body[6].value["table_caption"] == "Parking occupancy on Main Street"
        assert [link["url"] for link in page.body[7].value["links"]] == [
            "",
            "https://riverside.example/council/agendas",
        ]
        assert set(page.topics.all()) == {topics["parking"], topics["permits"]}
        assert [author.person for author in page.authors.all()] == [marcus, dana]
        response = self.client.get(page.url)
        assert response.status_code == 200
        assert "Marcus Oyelaran" in response.text

    def test_news_page_preview_shows_the_unsaved_edit(self):
        topic = make_topics()["parking"]
        page = NewsPageFactory(
            parent=self.index, title="Parking vote next week", topics=[topic], publish=True
        )
        data = news_page_form_data(
            title="Parking vote moved to Thursday",
            image=ImageFactory(),
            document=DocumentFactory(),
            page=self.home,
            topics=[topic],
            people=[PersonFactory(name="Tom Becker", role="Communications Manager")],
        )
        data["slug"] = page.slug
        preview_url = f"/admin/pages/{page.pk}/edit/preview/"
        response = self.client.post(preview_url, data)
        assert response.json() == {"is_valid": True, "is_available": True}
        response = self.client.get(preview_url)
        assert response.status_code == 200
        assert "Parking vote moved to Thursday</h1>" in response.text
        assert "Tom Becker" in response.text
        assert_every_block_rendered(response.text, link_page=self.home)
        assert NewsPage.objects.get(pk=page.pk).title == "Parking vote next week"

    def test_news_page_serves_a_preview_to_a_request(self):
        page = NewsPageFactory(
            parent=self.index, title="Budget response", authors=[PersonFactory(name="Priya")]
        )
        request = RequestFactory().get(page.url)
        request.user = AnonymousUser()
        response = page.serve_preview(request, "")
        assert response.status_code == 200
        assert "Budget response" in response.render().text


# The news list -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_news_list_is_newest_first_by_the_items_date(client, news_factory):
    # Created in another order than their dates.
    news_factory(title="Two weeks ago", days_ago=14)
    news_factory(title="Today", days_ago=0)
    news_factory(title="Last year", days_ago=370)
    news_factory(title="Yesterday", days_ago=1)
    response = news_list(client)
    assert card_titles(response.text) == ["Today", "Yesterday", "Two weeks ago", "Last year"]
    assert status(response) == "4 items"


@pytest.mark.django_db
def test_news_list_shows_twelve_items_a_page(client, news_factory):
    for number in range(13):
        news_factory(title=f"Item {number:02}", days_ago=number)
    first = news_list(client)
    assert card_titles(first.text) == [f"Item {number:02}" for number in range(12)]
    assert status(first) == "13 items · page 1 of 2"
    second = news_list(client, page=2)
    assert card_titles(second.text) == ["Item 12"]
    assert '<ol class="card-grid" start="13">' in second.text


@pytest.mark.django_db
def test_topic_filter_lists_only_that_topics_news_under_its_name(client, news_factory, topics):
    news_factory(title="Free parking", topics=[topics["parking"]], days_ago=3)
    news_factory(title="Bus route 4", topics=[topics["parking"], topics["workforce"]], days_ago=5)
    news_factory(title="Sign rules", topics=[topics["permits"]], days_ago=1)
    news_factory(title="No topic", days_ago=2)
    response = news_list(client, topic="parking-transport")
    assert card_titles(response.text) == ["Free parking", "Bus route 4"]
    header = response.text.split('<header class="page-header">', 1)[1].split("</header>", 1)[0]
    assert "Parking &amp; transport</h1>" in header
    assert "Parking, buses and getting around." in header
    assert status(response) == "2 items on Parking &amp; transport"
    assert "We ignored" not in response.text
    assert '<option value="parking-transport" selected>' in response.text


@pytest.mark.django_db
def test_kind_filter_lists_only_that_kind(client, news_factory):
    news_factory(title="Position on parking", kind=NewsKind.POLICY, days_ago=2)
    news_factory(title="Fair report", kind=NewsKind.NEWS, days_ago=1)
    news_factory(title="Budget position", kind=NewsKind.POLICY, days_ago=4)
    news_factory(title="Award announced", kind=NewsKind.PRESS, days_ago=3)
    response = news_list(client, kind="policy")
    assert card_titles(response.text) == ["Position on parking", "Budget position"]
    assert status(response) == "2 items (policy position)"
    assert card_titles(news_list(client, kind="press").text) == ["Award announced"]


@pytest.mark.django_db
def test_topic_and_kind_filters_combine(client, news_factory, topics):
    news_factory(title="Parking position", topics=[topics["parking"]], kind=NewsKind.POLICY)
    news_factory(title="Parking news", topics=[topics["parking"]], kind=NewsKind.NEWS)
    news_factory(title="Permit position", topics=[topics["permits"]], kind=NewsKind.POLICY)
    response = news_list(client, topic="parking-transport", kind="policy")
    assert card_titles(response.text) == ["Parking position"]
    assert status(response) == "1 item on Parking &amp; transport (policy position)"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"topic": "no-such-topic"}, "the unknown topic “no-such-topic”"),
        ({"kind": "opinion"}, "the unknown kind “opinion”"),
        (
            {"topic": "<b>nope</b>", "kind": "opinion"},
            "the unknown topic “&lt;b&gt;nope&lt;/b&gt;” and the unknown kind “opinion”",
        ),
    ],
)
def test_unknown_topic_or_kind_is_ignored_with_a_notice(
    client, news_factory, topics, params, notice
):
    news_factory(title="Parking", topics=[topics["parking"]], days_ago=1)
    news_factory(title="Permits", topics=[topics["permits"]], kind=NewsKind.PRESS, days_ago=2)
    response = news_list(client, **params)
    assert f"We ignored {notice}." in response.text
    assert card_titles(response.text) == ["Parking", "Permits"]
    assert '<meta name="robots" content="noindex, follow">' in response.text


@pytest.mark.django_db
def test_any_page_number_shows_a_sensible_page(client, news_factory, monkeypatch):
    monkeypatch.setattr("home.views.PAGE_SIZE", 2)
    for days_ago in range(5):  # three pages: 2, 2 and 1
        news_factory(title=f"Item {days_ago}", days_ago=days_ago)
    pages = {
        "abc": 1,
        "-1": 1,
        "0": 1,
        "": 1,
        "1.5": 1,
        "1e9": 1,
        "\x00": 1,
        "2": 2,
        "3": 3,
        "99999": 3,
        "9" * 400: 3,
    }
    for number, shown in pages.items():
        response = news_list(client, page=number)
        assert f"page {shown} of 3" in status(response), number
        assert card_titles(response.text)[0] == f"Item {(shown - 1) * 2}", number
    response = client.get("/news/?page=2&page=x")  # the last value counts
    assert "page 1 of 3" in status(response)


@pytest.mark.django_db
def test_empty_news_list_says_nothing_has_been_published(client, news_index):
    response = news_list(client)
    assert "No news found" in response.text
    assert "Nothing has been published yet. Check again soon." in response.text
    assert card_titles(response.text) == []


@pytest.mark.django_db
def test_filter_that_matches_nothing_offers_all_news(client, news_factory, topics):
    news_factory(title="Parking", topics=[topics["parking"]], kind=NewsKind.NEWS)
    response = news_list(client, topic="workforce-skills", kind="press")
    section = results(response)
    assert card_titles(section) == []
    assert "There is nothing on Workforce &amp; skills filed as press release yet." in section
    assert '<a class="button" href="/news/">Show all news</a>' in section


@pytest.mark.django_db
def test_news_the_public_must_not_see_is_never_listed(client, news_factory, news_index):
    news_factory(title="Public item", days_ago=3)
    news_factory(title="Draft item", live=False)
    unpublished = news_factory(title="Unpublished item", publish=True)
    unpublished.unpublish()
    private = news_factory(title="Members-only item", days_ago=1)
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    scheduled = news_factory(
        title="Scheduled item", publish=True, go_live_at=timezone.now() + 2 * DAY
    )
    assert not scheduled.live

    response = news_list(client)
    assert card_titles(response.text) == ["Public item"]
    assert status(response) == "1 item"
    assert client.get(private.url).status_code == 200  # the password form, not the item
    assert "Members-only item</h1>" not in client.get(private.url).text
    assert client.get(scheduled.url).status_code == 404
    assert client.get(unpublished.url).status_code == 404


@pytest.mark.django_db
def test_news_in_a_private_news_index_is_not_shown_or_listed(client, news_factory, news_index):
    page = news_factory(title="Behind the login")
    PageViewRestriction.objects.create(page=news_index, restriction_type=PageViewRestriction.LOGIN)
    for url in ("/news/", "/news/feed/", "/news/feed/atom/", page.url):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login/?next=" in response["Location"], url
    assert "Behind the login" not in client.get("/").text


@pytest.mark.django_db
def test_a_members_only_news_section_lists_its_news_to_those_who_may_read_it(
    client, news_factory, news_index, topics
):
    from django.contrib.auth.models import Group

    from tests.factories import MemberContactFactory, UserFactory

    news_factory(title="Rates update", days_ago=2, topics=[topics["parking"]])
    survey = news_factory(title="Parking survey", days_ago=1, topics=[topics["parking"]])
    board = news_factory(title="Board minutes", topics=[topics["parking"]])
    PageViewRestriction.objects.create(page=news_index, restriction_type=PageViewRestriction.LOGIN)
    board_only = PageViewRestriction.objects.create(
        page=board, restriction_type=PageViewRestriction.GROUPS
    )
    directors = Group.objects.create(name="Directors")
    board_only.groups.add(directors)

    member = MemberContactFactory(user=UserFactory(username="member@example.org")).user
    client.force_login(member)
    assert card_titles(news_list(client).text) == ["Parking survey", "Rates update"]
    assert client.get(board.url).status_code == 302  # not in the group: Wagtail's log-in
    related = client.get(survey.url).text
    assert "Rates update" in related and "Board minutes" not in related

    member.groups.add(directors)  # the restriction's groups changed: seen at once
    titles = card_titles(news_list(client).text)
    assert titles == ["Board minutes", "Parking survey", "Rates update"]

    client.logout()
    assert client.get("/news/").status_code == 302  # the section itself asks for a log-in


@pytest.mark.django_db
def test_members_only_means_members_in_good_standing(client, news_factory, news_index):
    """Issue #18: "logged-in users" privacy let any account read, lapsed members included."""
    import datetime

    from django.contrib.auth.models import Group

    from membership.models import Member
    from tests.factories import MemberContactFactory, MemberFactory, UserFactory

    page = news_factory(title="Budget briefing for members")
    PageViewRestriction.objects.create(page=news_index, restriction_type=PageViewRestriction.LOGIN)
    lapsed = MemberFactory(
        status=Member.Status.LAPSED,
        paid_through=timezone.localdate() - datetime.timedelta(days=90),
    )
    readers = {
        "member in good standing": (MemberContactFactory().user, True),
        "lapsed member": (MemberContactFactory(member=lapsed).user, False),
        "account without a member": (UserFactory(), False),
    }
    staff = UserFactory()
    staff.groups.add(Group.objects.get(name="Editors"))
    readers["editor"] = (staff, True)
    for who, (user, may_read) in readers.items():
        client.force_login(user)
        response = client.get(page.url)
        listed = "Budget briefing" in client.get("/news/").text if may_read else None
        if may_read:
            assert response.status_code == 200, who
            assert listed, who
        else:
            assert response.status_code == 403, who
            text = response.text
            assert "For members in good standing" in text, who
            assert 'href="/account/"' in text, who
            assert "Budget briefing for members" in text  # the title, not the article
            assert client.get("/news/").status_code == 403, who
            assert "Budget briefing" not in client.get("/").text, who
    client.logout()
    assert client.get(page.url).status_code == 302  # anonymous: Wagtail's log-in


@pytest.mark.django_db
def test_scheduled_news_appears_once_publish_scheduled_runs_after_its_time(
    client, news_factory, monkeypatch
):
    news_factory(title="Already out", days_ago=2)
    go_live_at = timezone.now() + 3 * DAY
    scheduled = news_factory(
        title="Council vote preview", publish=True, go_live_at=go_live_at, days_ago=-3
    )
    call_command("publish_scheduled", stdout=io.StringIO())  # too early: nothing to do
    assert card_titles(news_list(client).text) == ["Already out"]
    assert client.get(scheduled.url).status_code == 404

    later = go_live_at + datetime.timedelta(minutes=5)
    monkeypatch.setattr(timezone, "now", lambda: later)
    call_command("publish_scheduled", stdout=io.StringIO())
    assert NewsPage.objects.get(pk=scheduled.pk).live
    assert card_titles(news_list(client).text) == ["Council vote preview", "Already out"]
    assert client.get(scheduled.url).status_code == 200


@pytest.mark.django_db
def test_markup_in_titles_and_summaries_is_shown_as_text(client, news_factory, topics):
    page = news_factory(
        title=f"Parking {XSS}", summary=f"Summary {XSS}", topics=[topics["parking"]]
    )
    news_factory(title="Sibling", topics=[topics["parking"]], days_ago=1)
    escaped = html.escape(XSS)
    for response in (news_list(client), client.get(page.url), client.get("/")):
        assert f"Parking {escaped}" in response.text
        assert f"Summary {escaped}" in response.text
        assert XSS not in response.text
    sibling = client.get(NewsPage.objects.get(title="Sibling").url)
    assert f"Parking {escaped}" in sibling.text  # as related news
    assert XSS not in sibling.text


@pytest.mark.django_db
def test_news_cards_show_image_kind_date_summary_and_topics(client, news_factory, topics):
    news_factory(
        title="Night market returns",
        kind=NewsKind.PRESS,
        summary="Twelve Friday markets from June.",
        topics=[topics["workforce"], topics["parking"]],
        image=ImageFactory(),
        days_ago=0,
    )
    card = results(news_list(client)).split('<article class="card news-card">', 1)[1]
    card = card.split("</article>", 1)[0]
    assert re.search(r'<img alt="" class="news-card__image" height="270" loading="lazy"', card)
    assert '<span class="badge badge--accent">Press release</span>' in card
    today = timezone.localdate()
    assert f'<time datetime="{today:%Y-%m-%d}">{today.day} {today:%B %Y}</time>' in card
    assert '<p class="card__body">Twelve Friday markets from June.</p>' in card
    # Topics by name.
    assert "Parking &amp; transport · Workforce &amp; skills" in card


@pytest.mark.django_db
def test_news_list_costs_the_same_queries_for_1_12_or_30_items(client, news_factory, topics):
    images = [ImageFactory(title=f"Picture {number}") for number in range(12)]

    def add(count: int):
        for _ in range(count):
            number = NewsPage.objects.count()
            news_factory(
                days_ago=number,
                image=images[number % len(images)],
                topics=[topics["parking"], topics["workforce"]],
            )

    queries = {}
    for total, more in ((1, 1), (12, 11), (30, 18)):
        add(more)
        assert news_list(client).status_code == 200  # creates the renditions
        with CaptureQueriesContext(connection) as captured:
            response = news_list(client)
        assert len(card_titles(response.text)) == min(total, 12)
        queries[total] = len(captured)
    assert queries[1] == queries[12] == queries[30] <= NEWS_INDEX_QUERIES, queries


@pytest.mark.django_db
def test_filtered_news_list_costs_one_more_query_for_the_topic(client, news_factory, topics):
    for number in range(14):
        news_factory(days_ago=number, topics=[topics["parking"]], image=ImageFactory())
    counts = []
    for params in ({"page": 2}, {"topic": "parking-transport", "kind": "news", "page": 2}):
        news_list(client, **params)
        with CaptureQueriesContext(connection) as captured:
            response = news_list(client, **params)
        assert len(card_titles(response.text)) == 2
        counts.append(len(captured))
    assert counts[1] == counts[0] + 1  # the topic's name and description


# News pages --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_news_page_shows_kind_date_topics_and_authors(client, news_factory, topics):
    photo = ImageFactory(title="Dana's portrait")
    dana = PersonFactory(name="Dana Whitfield", role="President & CEO", photo=photo)
    tom = PersonFactory(name="Tom Becker")
    page = news_factory(
        title="Chamber welcomes faster permits",
        kind=NewsKind.PRESS,
        topics=[topics["permits"], topics["parking"]],
        authors=[tom, dana],
        days_ago=10,
    )
    response = client.get(page.url)
    assert response.status_code == 200
    text = response.text
    meta = text.split('<div class="news-article__meta">', 1)[1].split("</div>", 1)[0]
    assert '<span class="badge badge--accent">Press release</span>' in meta
    date = page.date
    assert f'<time datetime="{date:%Y-%m-%d}">{date.day} {date:%B %Y}</time>' in meta
    assert (
        '<a href="/news/?topic=parking-transport">Parking &amp; transport</a>, '
        '<a href="/news/?topic=permits-zoning">Permits &amp; zoning</a>' in meta
    )
    authors = meta.split('aria-label="Authors">', 1)[1]
    assert authors.index("Tom Becker") < authors.index("Dana Whitfield")  # editors' order
    assert (
        '<span class="author__name">Dana Whitfield</span>'
        '<span class="author__role">President &amp; CEO</span>' in authors
    )
    assert re.search(r'<img alt="" class="author__photo" height="96" src="[^"]+fill-96x96', authors)
    assert authors.count("<img") == 1  # Tom has no photo
    assert '<p class="page-header__intro">Summary of Chamber welcomes faster permits.</p>' in text


@pytest.mark.django_db
def test_news_page_renders_every_block(client, news_factory, site_tree, news_image, news_document):
    link_page = StandardPage(title="Advocacy & policy", slug="advocacy")
    site_tree.home.add_child(instance=link_page)
    page = news_factory(
        title="Parking study published",
        image=news_image,
        body=every_block_body(image=news_image, document=news_document, page=link_page),
    )
    response = client.get(page.url)
    assert response.status_code == 200
    assert_every_block_rendered(response.text, link_page=link_page)
    assert re.search(r'<figure class="news-article__image">\s*<img alt=""', response.text)


@pytest.mark.django_db
def test_related_news_shares_a_topic_and_is_at_most_three(client, news_factory, topics):
    parking, permits = topics["parking"], topics["permits"]
    page = news_factory(title="This item", topics=[parking, permits], days_ago=5)
    news_factory(title="Parking, newest", topics=[parking], days_ago=0)
    news_factory(title="Permits, older", topics=[permits], days_ago=6)
    news_factory(title="Both, oldest", topics=[parking, permits], days_ago=30)
    news_factory(title="Parking, middle", topics=[parking], days_ago=2)
    news_factory(title="Workforce only", topics=[topics["workforce"]], days_ago=1)
    news_factory(title="No topic", days_ago=1)
    news_factory(title="Parking draft", topics=[parking], live=False, days_ago=1)
    related = client.get(page.url).text.split('id="related-heading"', 1)[1]
    assert card_titles(related) == ["Parking, newest", "Parking, middle", "Permits, older"]


@pytest.mark.django_db
def test_news_page_without_shared_topics_shows_no_related_news(client, news_factory, topics):
    alone = news_factory(title="Alone", topics=[topics["workforce"]])
    untopical = news_factory(title="Untopical")
    news_factory(title="Elsewhere", topics=[topics["parking"]])
    for page in (alone, untopical):
        assert "Related news" not in client.get(page.url).text


@pytest.mark.django_db
def test_news_page_queries_do_not_grow_with_authors_and_topics(client, news_factory, topics):
    def item(title, *, people: int, topics):
        authors = [
            PersonFactory(name=f"{title} {n}", role="Member", photo=ImageFactory())
            for n in range(people)
        ]
        page = news_factory(title=title, authors=authors, topics=topics, image=ImageFactory())
        for number in range(4):  # more related news than are shown
            news_factory(topics=topics, image=ImageFactory(), days_ago=number + 1)
        return page

    few = item("Few", people=1, topics=[topics["parking"]])
    many = item("Many", people=5, topics=list(topics.values()))
    counts = []
    for page in (few, many):
        client.get(page.url)  # creates the renditions
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.url)
        assert response.text.count('class="author__photo"') == page.authors.count()
        assert len(card_titles(response.text.split('id="related-heading"', 1)[1])) == 3
        counts.append(len(captured))
    assert counts[0] == counts[1] <= NEWS_PAGE_QUERIES, counts


# Admin -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["topic", "person"])
def test_staff_can_list_and_add_topics_and_people(staff_client, model):
    TopicFactory(name="Parking & transport", slug="parking-transport")
    PersonFactory(name="Dana Whitfield", role="President & CEO")
    listing = staff_client.get(f"/admin/snippets/home/{model}/")
    assert listing.status_code == 200
    assert ("Parking &amp; transport" if model == "topic" else "Dana Whitfield") in listing.text
    assert staff_client.get(f"/admin/snippets/home/{model}/add/").status_code == 200


@pytest.mark.django_db
def test_staff_can_open_the_news_page_add_form(staff_client):
    index = NewsIndexPage.objects.get()
    response = staff_client.get(f"/admin/pages/add/home/newspage/{index.pk}/")
    assert response.status_code == 200
    for field in ('name="summary"', 'name="topics"', 'name="authors-TOTAL_FORMS"'):
        assert field in response.text
    assert '"fieldName": "body"' in response.text  # the StreamField, drawn by script


@pytest.mark.django_db
def test_every_body_block_has_a_preview_that_renders(news_image, news_document):
    stream = BodyStreamBlock()
    rendered = {}
    for name, block in stream.child_blocks.items():
        assert hasattr(block.meta, "preview_value"), name
        rendered[name] = str(block.render(block.get_preview_value()))
        assert rendered[name].strip(), name
    assert "<img" in rendered["image"]
    assert news_document.url in rendered["document"]
    assert "<caption>" in rendered["table"]


@pytest.mark.django_db
def test_body_blocks_are_previewable_in_the_block_picker():
    stream = BodyStreamBlock()
    assert [name for name, block in stream.child_blocks.items() if not block.is_previewable] == []


@pytest.mark.django_db
def test_body_block_previews_render_with_an_empty_library():
    for block in BodyStreamBlock().child_blocks.values():
        block.render(block.get_preview_value())  # no image or document to show: no error
