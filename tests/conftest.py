import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from chamber.site_setup import site_setup
from directory.models import DirectoryPage
from membership import stripe_gateway
from membership.models import JoinPage, Member
from tests.factories import (
    BusinessFactory,
    CategoryFactory,
    EnhancedLevelFactory,
    MemberFactory,
    MembershipLevelFactory,
    account_member,
    two_level_categories,
)
from tests.mail import committed
from tests.membership.helpers import STAFF_INBOX, WEBHOOK_SECRET
from tests.stripe_double import FakeStripe

# Helper modules with assert-based checks (`assert_every_block_rendered`) get pytest's detailed
# failure messages, as test modules and conftests do.
pytest.register_assert_rewrite("tests.home.helpers")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached rows must not outlive their database."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _mail_through_the_queue(settings):
    """pytest-django sets EMAIL_BACKEND to locmem; put the site's queue back, as production
    has it (test settings deliver after each commit, to locmem: `mail.outbox`)."""
    settings.EMAIL_BACKEND = "chamber.mail.QueuedEmailBackend"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded and generated files go to a per-test folder, never the developer's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as an installed site has it: after the migrations, the structure
    `setup_site` builds (home page, Site, fixed pages, staff groups), committed once for the
    session rather than built again inside each of the hundreds of tests that need it (0.4 s
    each on SQLite).

    Transactional tests with `serialized_rollback` come back to that state (they run last, and
    each refills the database from the copy taken here); a test that needs the database as the
    migrations leave it asks for `migrated_database`.
    """
    with django_db_blocker.unblock():
        connection._migrated_contents = connection.creation.serialize_db_to_string()
        site_setup(demo=False, log=lambda line: None)
        connection._test_serialized_contents = connection.creation.serialize_db_to_string()


@pytest.fixture
def migrated_database(db):
    """The database exactly as the migrations leave it (Wagtail's placeholder page, no site
    structure), for one test: emptied and refilled, inside the test's transaction, from the copy
    `django_db_setup` took before setting the site up; rolled back with the test."""
    call_command(
        "flush", interactive=False, inhibit_post_migrate=True, reset_sequences=False, verbosity=0
    )
    connection.creation.deserialize_db_from_string(connection._migrated_contents)


@pytest.fixture
def site_tree(db):
    """The bare structure `setup_site` builds: home page, Site, groups. Already there (see
    `django_db_setup`) unless a transactional test flushed it: setup is idempotent, and costs
    a few milliseconds when there is nothing to do."""
    return site_setup(demo=False, log=lambda line: None)


@pytest.fixture
def admin_user(db, django_user_model):
    return django_user_model.objects.create_superuser(
        username="admin", email="admin@example.org", password="correct horse battery"
    )


@pytest.fixture(params=["superuser", "chamber staff"])
def staff_client(request, client, site_tree):
    """A client logged in as a superuser, then as a plain member of the "Chamber staff" group."""
    if request.param == "superuser":
        user = get_user_model().objects.create_superuser(
            "admin", "admin@example.org", "correct horse battery"
        )
    else:
        user = get_user_model().objects.create_user("sam", "sam@example.org", "a long passphrase")
        user.groups.add(Group.objects.get(name="Chamber staff"))
    client.force_login(user)
    return client


@pytest.fixture
def directory(site_tree) -> DirectoryPage:
    """The /directory/ page. This fixture, `categories` and `listings` are shared by
    tests/directory, tests/e2e and others, so they live here rather than in a folder's conftest."""
    return DirectoryPage.objects.get()


@pytest.fixture
def categories(db):
    return two_level_categories()


@pytest.fixture
def listings(directory, categories):
    """A small town: what each test expects to find is named here (a featured bakery, a cafe,
    a plumber, a lapsed member's listing and a draft)."""
    basic = MembershipLevelFactory(name="Community")
    enhanced = EnhancedLevelFactory(name="Leadership")
    lapsed_member = MemberFactory(
        status=Member.Status.LAPSED,
        paid_through=timezone.localdate() - datetime.timedelta(days=90),
        level=basic,
    )
    return {
        "bakery": BusinessFactory(
            name="Riverbend Bakery",
            summary="Sourdough and pastries baked daily.",
            keywords="sourdough, cakes",
            member=MemberFactory(level=enhanced),
            categories=[categories["bakeries"]],
            city="Riverside",
            opening_hours="Mon-Sat 7am-3pm",
            instagram_url="https://instagram.example/riverbend",
        ),
        "cafe": BusinessFactory(
            name="Millbrook Coffee House",
            summary="Coffee, cake and a big table for meetings.",
            member=MemberFactory(level=basic),
            categories=[categories["cafes"], categories["bakeries"]],
            city="Millbrook",
        ),
        "plumber": BusinessFactory(
            name="Cedar Falls Plumbing",
            summary="Leaks, boilers and bathrooms.",
            member=MemberFactory(level=basic),
            categories=[categories["plumbing"]],
            city="Cedar Falls",
            phone_visibility="members",
        ),
        "lapsed": BusinessFactory(
            name="Lapsed Bakery Outlet",
            member=lapsed_member,
            categories=[categories["bakeries"]],
            city="Riverside",
        ),
        "draft": BusinessFactory(
            name="Draft Bakery",
            live=False,
            member=MemberFactory(level=basic),
            categories=[categories["bakeries"]],
            city="Riverside",
        ),
    }


@pytest.fixture
def levels(db):
    """Two dues levels: Community (a basic listing) and Leadership (everything, deals)."""
    return {
        "community": MembershipLevelFactory(name="Community", annual_dues=195),
        "leadership": EnhancedLevelFactory(name="Leadership", annual_dues=995),
    }


@pytest.fixture
def join_page(site_tree) -> JoinPage:
    return JoinPage.objects.get()


@pytest.fixture
def fake_stripe(settings, monkeypatch) -> FakeStripe:
    """Stripe switched on, with the real `stripe` library talking to a local double."""
    settings.STRIPE_SECRET_KEY = "sk_test_chamber"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    fake = FakeStripe()
    monkeypatch.setattr(stripe_gateway, "HTTP_CLIENT", fake)
    return fake


@pytest.fixture
def staff_inbox(settings) -> str:
    """Staff notifications (new applications, listing changes, ...) go to one inbox."""
    settings.STAFF_NOTIFICATION_EMAILS = [STAFF_INBOX]
    return STAFF_INBOX


@pytest.fixture(autouse=True)
def requests_commit(monkeypatch):
    """Each test-client request ends like a real one: its on-commit work (e-mail delivery,
    cache drops) runs.

    pytest-django wraps a test in a transaction that never commits; this runs the callbacks
    that a request's committed transactions registered (rolled-back ones are dropped, as in
    production).
    """
    original = Client.request

    def request(self, **kwargs):
        with committed():
            return original(self, **kwargs)

    monkeypatch.setattr(Client, "request", request)


# The account area's members (tests of /account/ in membership, directory and deals) ----------


@pytest.fixture
def bakeries(db):
    return CategoryFactory(name="Bakeries", slug="bakeries")


@pytest.fixture
def member_a(site_tree, levels, bakeries):
    """Aspen Bakery: active, Leadership level (enhanced listing, 5 deals), one published
    listing; Ada is its primary contact."""
    return account_member(
        "Aspen Bakery", levels["leadership"], "ada@aspen.example", categories=[bakeries]
    )


@pytest.fixture
def member_b(site_tree, levels):
    """Birch Books: active, Community level (basic listing, no deals); Ben is its primary
    contact."""
    return account_member("Birch Books", levels["community"], "ben@birch.example")


@pytest.fixture
def lapsed_member(site_tree, levels):
    """Cedar Cafe: lapsed long ago; Cy still logs in."""
    member = account_member("Cedar Cafe", levels["community"], "cy@cedar.example")
    member.status = Member.Status.LAPSED
    member.paid_through = timezone.localdate() - datetime.timedelta(days=400)
    member.save()
    return member


@pytest.fixture
def ada(client, member_a):
    """The test client, logged in as Ada (member A's primary contact)."""
    client.force_login(member_a.user)
    return client


@pytest.fixture
def staff_user(site_tree):
    """Sam, of the chamber office: in the "Chamber staff" group."""
    user = get_user_model().objects.create_user("sam", "sam@chamber.example", "a long passphrase")
    user.groups.add(Group.objects.get(name="Chamber staff"))
    return user
