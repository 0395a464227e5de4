"""The demo chamber as `make run` shows it ("Riverside Chamber of Commerce"): every page renders,
shares what it should and is found by search; the directory, members, contacts and news look
like a real chamber's. The demo is built once for this module (tests/demo/conftest.py): each
test reads it inside its own savepoint."""

import io
import re
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from wagtail.images.models import Image
from wagtail.models import Page, ReferenceIndex, Revision
from wagtail.search.backends import get_search_backend

from chamber.models import ChamberSettings
from chamber.templatetags.chamber_tags import SOCIAL_IMAGE_SPEC
from deals.models import Deal, DealRedemption
from demo.directory import DEMO_MEMBER_DRAFT_SUMMARY, NEW_DRAFTS, PENDING_EDITS, WELL_KNOWN_NAMES
from demo.management.commands.generate_listings import index_entry_model
from demo.membership import DEMO_BILLING_EMAIL, DEMO_INVITED_EMAIL, DEMO_MEMBER_EMAIL
from directory.models import Business, Category, DirectoryPage
from home.models import HomePage, NewsIndexPage, NewsPage, Person, StandardPage, Topic
from jobs.models import JobPosting
from membership import reminders
from membership.models import (
    Application,
    ContactInvitation,
    Member,
    MemberContact,
    MembershipLevel,
    Payment,
)
from tests.chamber.helpers import ONCE, canonical, head_of, meta
from tests.home.helpers import card_titles

pytestmark = pytest.mark.django_db

# The valley the demo towns lie in (around 44.9°N, 123.0°W).
LATITUDES = (Decimal("44.6"), Decimal("45.3"))
LONGITUDES = (Decimal("-123.5"), Decimal("-122.5"))
SEARCH = "/search/"
CONTACTS = "/account/contacts/"
RESULT_LINK = re.compile(r'<h3 class="search-result__title"><a href="([^"]+)"')
Role = MemberContact.Role


def template_names(response) -> list[str]:
    return [template.name for template in response.templates]


def chamber_settings(site) -> ChamberSettings:
    return ChamberSettings.for_site(site)


def index_entries(model):
    content_type = ContentType.objects.get_for_model(model)
    return index_entry_model().objects.filter(content_type=content_type)


def search(query: str):
    return list(get_search_backend().search(query, Business.objects.all()))


def result_urls(response) -> list[str]:
    assert response.status_code == 200
    return RESULT_LINK.findall(response.text)


def status(response) -> str:
    match = re.search(r'<p class="results-summary" role="status">(.*?)</p>', response.text)
    return match.group(1) if match else ""


def main_html(response) -> str:
    assert response.status_code == 200
    return response.text.split('<main id="main"', 1)[1].split("</main>", 1)[0]


# Pages --------------------------------------------------------------------------------------


def test_every_page_of_the_demo_tree_renders_with_the_base_template(client, demo_site):
    pages = Page.objects.live().descendant_of(demo_site.root_page, inclusive=True).specific()
    assert len(pages) >= 5
    for page in pages:
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        assert "base.html" in template_names(response), page.url
        title = escape(page.seo_title or page.title)
        assert f"<title>{title}" in response.text or page.depth == 2


def test_home_page_shows_hero_calls_to_action_and_chamber_details(client, demo_site):
    response = client.get("/")
    html = response.text
    assert response.status_code == 200
    assert "Local business, working together" in html
    assert 'href="/join/"' in html  # "Join" call to action in header and hero
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html
    # Footer comes from ChamberSettings.
    assert "120 Main Street, Suite 2" in html
    assert 'href="tel:(555)010-2040"' in html
    assert "https://facebook.example/riversidechamber" in html
    # Main navigation: the pages marked "show in menus", not the join page itself.
    nav = html.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/about/"' in nav
    assert 'href="/contact/"' in nav
    assert "Member login" in nav


def test_current_page_is_marked_in_the_navigation(client, demo_site):
    html = client.get("/about/").text
    assert 'href="/about/" aria-current="page"' in html


def test_inner_pages_have_breadcrumbs_canonical_links_and_one_h1(client, demo_site):
    html = client.get("/advocacy/").text
    assert 'aria-label="Breadcrumb"' in html
    assert '<link rel="canonical" href="http://testserver/advocacy/">' in html
    assert html.count("<h1") == 1


def test_unknown_url_gets_the_friendly_404_page(client, demo_site):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "404.html" in template_names(response)
    assert "We couldn't find that page" in response.text
    assert "Riverside Chamber of Commerce" in response.text


# Link previews and search engines -----------------------------------------------------------


def test_home_page_shares_its_hero_image_as_a_large_card(client, demo_site):
    home = HomePage.objects.get()
    head = head_of(client.get("/"))

    assert meta(head, "og:type") == "website"
    assert meta(head, "og:title") == home.seo_title
    assert meta(head, "og:description") == home.search_description
    assert meta(head, "description") == home.search_description
    assert meta(head, "og:url") == canonical(head) == home.get_full_url()
    assert meta(head, "og:site_name") == "Riverside Chamber of Commerce"

    rendition = home.hero_image.get_rendition(SOCIAL_IMAGE_SPEC)
    assert meta(head, "og:image") == f"http://testserver{rendition.url}"
    assert (meta(head, "og:image:width"), meta(head, "og:image:height")) == ("1200", "630")
    assert meta(head, "og:image:alt") == home.hero_image.default_alt_text
    assert meta(head, "twitter:card") == "summary_large_image"
    assert meta(head, "twitter:image") == meta(head, "og:image")
    assert meta(head, "twitter:title") == home.seo_title
    assert meta(head, "twitter:description") == home.search_description
    assert meta(head, "article:published_time") is None


def test_page_without_an_image_shares_the_chamber_logo_as_a_small_card(client, demo_site):
    about = StandardPage.objects.get(slug="about")
    assert about.image is None
    head = head_of(client.get("/about/"))

    assert meta(head, "og:title") == about.title
    assert meta(head, "og:description") == about.get_meta_description()
    assert meta(head, "og:url") == canonical(head) == "http://testserver/about/"
    logo = chamber_settings(demo_site).logo
    # The logo keeps its shape: no 1200x630 crop.
    rendition = logo.get_rendition("max-1200x630")
    assert meta(head, "og:image") == f"http://testserver{rendition.url}"
    assert meta(head, "og:image:width") == str(rendition.width)
    assert meta(head, "og:image:height") == str(rendition.height)
    assert meta(head, "og:image:alt") == logo.default_alt_text
    assert meta(head, "twitter:card") == "summary"
    assert meta(head, "twitter:image") == meta(head, "og:image")


def test_each_page_type_carries_each_tag_exactly_once(client, demo_site):
    directory = DirectoryPage.objects.live().get()
    business = Business.objects.publicly_listed().exclude(summary="").first()
    category = business.categories.first()
    deal = Deal.objects.shown().first()
    urls = [
        "/",
        "/about/",
        "/directory/",
        directory.url + directory.reverse_subpage("category_view", kwargs={"slug": category.slug}),
        directory.business_url(business),
        "/deals/",
        "/deals/" + deal.slug + "/",
        "/jobs/",
        "/jobs/" + JobPosting.objects.open().first().slug + "/",
    ]
    for url in urls:
        head = head_of(client.get(url))
        for attribute, key in ONCE:
            found = head.find_all("meta", attrs={attribute: key})
            assert len(found) == 1, f"{url}: {key} given {len(found)} times"
        assert meta(head, "og:url") == canonical(head), url

    head = head_of(client.get(directory.business_url(business)))
    assert meta(head, "og:type") == "business.business"
    assert meta(head, "og:title") == business.name
    assert meta(head, "description") == business.summary


def test_category_page_describes_the_category(client, demo_site):
    directory = DirectoryPage.objects.live().get()
    category = Business.objects.publicly_listed().first().categories.first()
    url = directory.url + directory.reverse_subpage("category_view", kwargs={"slug": category.slug})
    head = head_of(client.get(url))

    assert meta(head, "og:title") == f"{category.name} — {directory.title}"
    assert meta(head, "og:url") == canonical(head) == f"http://testserver{url}"
    assert meta(head, "description") == (category.description or directory.intro)


# Site search --------------------------------------------------------------------------------


def test_on_the_demo_site_pages_and_businesses_are_found_as_people_type(client, demo_site):
    response = client.get(SEARCH, {"q": "advoc"})
    assert "/advocacy/" in result_urls(response)
    businesses = client.get(SEARCH, {"q": "bak"}).context["businesses"]
    assert businesses.total >= 1
    assert all(card.url.startswith("/directory/") for card in businesses.cards)


# News ---------------------------------------------------------------------------------------


def test_demo_has_a_year_of_news_its_pages_and_a_full_home_page(client, demo_site):
    today = timezone.localdate()
    items = list(NewsPage.objects.live().public().prefetch_related("topics", "authors"))
    assert len(items) >= 12
    dates = sorted(item.date for item in items)
    assert (today - dates[0]).days >= 300
    assert (today - dates[-1]).days <= 30
    assert len({topic.pk for item in items for topic in item.topics.all()}) >= 4
    assert all(item.authors.all() for item in items)
    assert sum(1 for item in items if item.listing_image_id) * 2 >= len(items)
    scheduled = NewsPage.objects.get(live=False)
    assert scheduled.go_live_at > timezone.now()
    assert client.get(scheduled.url).status_code == 404

    for slug in ("about", "contact", "advocacy"):
        assert StandardPage.objects.live().filter(slug=slug).exists(), slug
    contact = client.get("/contact/").text
    assert '<aside class="card contact-card"' in contact
    assert 'href="tel:' in contact and 'href="mailto:' in contact

    news = client.get("/news/")
    assert len(card_titles(news.text)) == 12
    assert "page 1 of 2" in status(news)
    home = client.get("/").text
    for fragment in ("featured-members", "current-deals", "latest-news"):
        assert f'<section class="container {fragment}"' in home, fragment
    latest = home.split('<section class="container latest-news"', 1)[1].split("</section>", 1)[0]
    assert card_titles(latest) == card_titles(news.text)[:3]
    members = Member.objects.in_good_standing().count()
    assert f"Join {members:,} local businesses</h2>" in home


# The directory ------------------------------------------------------------------------------


def test_demo_directory_has_two_levels_of_categories_and_200_listings_in_five_towns():
    top_level = Category.objects.filter(parent=None)
    assert Category.objects.count() >= 25
    assert top_level.count() >= 5
    assert not Category.objects.filter(parent__parent__isnull=False).exists()
    assert all(category.description for category in Category.objects.all())
    assert not top_level.annotate(n=Count("children")).filter(n=0).exists()

    listings = Business.objects.all()
    assert listings.count() >= 200
    assert 4 <= listings.values("city").distinct().count() <= 6
    assert not listings.filter(categories=None).exists()
    # Listings sit under second-level categories only, one or two of them.
    assert not Business.categories.through.objects.filter(category__parent=None).exists()
    assert max(listings.annotate(n=Count("categories")).values_list("n", flat=True)) == 2
    for business in listings:
        assert LATITUDES[0] < business.latitude < LATITUDES[1]
        assert LONGITUDES[0] < business.longitude < LONGITUDES[1]
        assert business.city_slug == slugify(business.city)
        assert "555-01" in business.phone
        assert business.email.endswith(".example")
        assert business.latest_revision_id is not None
        if business.live:
            assert business.live_revision_id is not None
        business.full_clean()  # the demo data passes the admin's validation


def test_demo_gives_enhanced_listings_logos_and_basic_ones_none():
    enhanced = Business.objects.filter(member__level__listing_logo=True)
    basic = Business.objects.filter(member__level__listing_logo=False)
    assert enhanced.count() >= 30
    assert not enhanced.filter(logo=None).exists()
    assert not basic.exclude(logo=None).exists()
    assert Business.objects.filter(is_featured=True).exists()
    # The admin's "usage" of a logo counts the listing showing it.
    bakery = Business.objects.get(name="Riverbend Bakery")
    assert ReferenceIndex.get_references_to(bakery.logo).exists()


def test_demo_hides_lapsed_members_and_drafts_from_the_public():
    today = timezone.localdate()
    lapsed = Member.objects.filter(status=Member.Status.LAPSED, good_standing_until__lt=today)
    past_due = Member.objects.filter(status=Member.Status.PAST_DUE)
    assert lapsed.exists()
    assert past_due.in_good_standing().exists()
    assert Member.objects.filter(status=Member.Status.PENDING).exists()

    public = Business.objects.publicly_listed()
    assert not public.filter(member__in=lapsed).exists()
    assert public.filter(member__in=past_due).exists()
    assert not public.filter(live=False).exists()
    assert Business.objects.filter(live=False).exists()
    assert Business.objects.filter(live=True, has_unpublished_changes=True).exists()
    assert public.count() < Business.objects.count()


def test_the_demo_review_queue_shows_members_edits_and_new_listings(client, demo_site, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/review-queue/", {"kind": "listing"})
    assert response.status_code == 200
    rows = {
        row.find("a").get_text(strip=True): (row.find_all("td")[3].get_text(strip=True), row)
        for row in BeautifulSoup(response.content, "html.parser").select("table.listing tbody tr")
    }
    changes = [change for change, _row in rows.values()]
    assert changes.count("Summary") >= PENDING_EDITS
    assert changes.count("New listing, not yet published") >= NEW_DRAFTS
    demo_member_listing = Business.objects.get(
        latest_revision__content__summary=DEMO_MEMBER_DRAFT_SUMMARY
    )
    change, row = rows[demo_member_listing.name]
    assert change == "Summary"
    review = client.get(row.find("a")["href"])
    assert review.status_code == 200
    assert "paddleboard rental dock" in review.text


def test_demo_has_the_well_known_businesses_and_they_can_be_found():
    public = Business.objects.publicly_listed()
    for name in WELL_KNOWN_NAMES:
        assert public.filter(name=name).exists(), name
    bakery = Business.objects.get(name="Riverbend Bakery")
    assert bakery.city == "Riverside"
    assert bakery.keywords == "sourdough, cakes, pastries"
    assert bakery.categories.filter(slug="bakeries").exists()
    assert bakery in search("sourdough")
    assert bakery in search("bakery")
    assert Business.objects.get(name="Oak Harbor Marine Supply").is_featured
    assert index_entries(Business).count() == Business.objects.count()


# Members ------------------------------------------------------------------------------------


def test_the_demo_member_has_a_billing_contact_and_an_open_invitation(demo_site, client):
    primary = MemberContact.objects.get(user__email=DEMO_MEMBER_EMAIL)
    roles = dict(
        MemberContact.objects.filter(member=primary.member).values_list("user__email", "role")
    )
    assert roles == {DEMO_MEMBER_EMAIL: Role.PRIMARY, DEMO_BILLING_EMAIL: Role.BILLING}
    (invitation,) = ContactInvitation.objects.filter(member=primary.member)
    assert invitation.email == DEMO_INVITED_EMAIL
    assert invitation.is_open
    client.force_login(primary.user)
    html = main_html(client.get(CONTACTS))
    assert DEMO_BILLING_EMAIL in html and DEMO_INVITED_EMAIL in html


def test_the_demo_shows_a_voided_cheque_beside_the_one_kept(demo_site, client, admin_user):
    (void,) = Payment.objects.filter(kind=Payment.Kind.VOID)
    duplicate = void.corrects
    assert "Entered twice" in void.reason
    assert duplicate.effect().voided and not duplicate.effect().counts
    assert duplicate.member.paid_through == duplicate.period_end  # the kept cheque pays for it
    client.force_login(admin_user)
    receipt = client.get(f"/admin/snippets/membership/payment/receipt/{duplicate.pk}/")
    assert "VOID" in receipt.text


def test_a_demo_members_admin_record_looks_like_a_real_ones(demo_site, client, admin_user):
    """Contacts, years of payments with receipts, the reminders sent each year and the one due
    now, and the payments in the member's log; a few members have no contact, so the admin
    home counts reminders that could not be sent, as at a real office."""
    due = reminders.members_due().filter(~reminders.has_reminder_address())
    assert 0 < due.count() < 10
    member = (
        reminders.members_due()
        .filter(reminders.has_reminder_address(), payments__isnull=False)
        .order_by("pk")
        .first()
    )
    client.force_login(admin_user)
    response = client.get(f"/admin/snippets/membership/member/inspect/{member.pk}/")
    soup = BeautifulSoup(response.content, "html.parser")

    def rows(section):
        return soup.find(id=f"{section}-section").select("tbody tr")

    assert rows("contacts")
    assert len(rows("payments")) >= 2
    assert len(rows("reminders")) >= 2  # earlier years' and this year's
    assert "Due now" in soup.find(id="reminders-section").get_text()
    assert len(rows("log")) >= 2
    assert "Payment of" in soup.find(id="log-section").get_text()


# Building it again ---------------------------------------------------------------------------


def snapshot() -> dict[str, object]:
    """Everything the demo makes, counted, and the page tree's shape."""
    counted = (
        Page,
        Revision,
        Image,
        ChamberSettings,
        MembershipLevel,
        Member,
        MemberContact,
        ContactInvitation,
        Application,
        Payment,
        Category,
        Business,
        Deal,
        DealRedemption,
        JobPosting,
        Topic,
        Person,
        NewsPage,
        StandardPage,
    )
    return {
        **{model._meta.label: model.objects.count() for model in counted},
        "listing categories": Business.categories.through.objects.count(),
        "tree": list(Page.objects.order_by("path").values_list("path", "slug", "live")),
    }


def test_setup_site_demo_again_changes_nothing_and_keeps_editors_changes(demo_site):
    home = HomePage.objects.get()
    home.hero_heading = "Edited by the chamber's editor"
    home.save_revision().publish()
    first = snapshot()
    call_command("setup_site", "--demo", stdout=io.StringIO())
    assert snapshot() == first
    assert HomePage.objects.get().hero_heading == "Edited by the chamber's editor"
    assert NewsIndexPage.objects.count() == 1


def test_the_demo_job_board_has_a_dozen_believable_jobs(client, demo_site):
    from jobs.notifications import jobs_due_closing_notice

    jobs = JobPosting.objects.all()
    open_jobs = JobPosting.objects.open()
    assert 12 <= jobs.count() <= 16
    assert open_jobs.count() >= 10
    assert len({job.business_id for job in open_jobs}) >= 8  # across member businesses
    assert {job.employment_type for job in jobs} == set(JobPosting.EmploymentType.values)
    assert {job.workplace_type for job in jobs} == set(JobPosting.WorkplaceType.values)
    assert jobs.filter(filled=True, live=False).count() == 1
    assert jobs_due_closing_notice(timezone.localdate()).exists()
    member_jobs = jobs.filter(business__member__contacts__user__email="member@example.org")
    assert sorted(job.live for job in member_jobs) == [False, True]
    response = client.get("/jobs/")
    assert response.status_code == 200
    assert len(response.context["cards"]) == min(open_jobs.count(), 12)
