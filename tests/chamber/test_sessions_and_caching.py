"""Issue #23: a log-in that ends with the browser also ends on the server after two idle hours
(the member log-in and the Wagtail admin's), and a response to a logged-in user is never
stored by a shared cache."""

import datetime

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.utils import timezone

from tests.factories import BusinessFactory, MemberContactFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a long passphrase"


def logged_in(client) -> bool:
    return SESSION_KEY in client.session


def at(hours: float):
    return time_machine.travel(timezone.now() + datetime.timedelta(hours=hours), tick=False)


@pytest.fixture
def member_user(site_tree):
    contact = MemberContactFactory(user__username="ada@aspen.example")
    return contact.user


def test_a_browser_session_ends_after_two_idle_hours(client, member_user):
    client.post("/accounts/login/", {"username": member_user.username, "password": PASSWORD})
    assert logged_in(client)
    with at(1.5):  # active within the two hours: the clock starts again
        assert client.get("/account/").status_code == 200
    with at(3.4):
        assert client.get("/account/").status_code == 200
    with at(5.5):
        response = client.get("/account/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not logged_in(client)


def test_keep_me_logged_in_is_not_cut_short(client, member_user):
    client.post(
        "/accounts/login/",
        {"username": member_user.username, "password": PASSWORD, "remember_me": "on"},
    )
    with at(24 * 5):
        assert client.get("/account/").status_code == 200


def test_the_admin_log_in_without_remember_me_times_out_too(client, admin_user):
    client.post("/admin/login/", {"username": "admin", "password": "correct horse battery"})
    assert client.get("/admin/").status_code == 200
    with at(2.1):
        assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("path", ["/", "/directory/", "/deals/", "listing"])
def test_pages_for_a_logged_in_user_are_private(client, member_user, path):
    # (A listing with its contact form carries a CSRF token: private even when anonymous.)
    listing = BusinessFactory(name="Aspen Bakery", accepts_messages=False)
    url = f"/directory/{listing.slug}/" if path == "listing" else path
    anonymous = client.get(url)
    assert anonymous.status_code == 200
    assert "private" not in anonymous.get("Cache-Control", "")

    client.force_login(member_user)
    response = client.get(url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_anonymous_pages_say_what_may_be_cached(client, site_tree):
    page = client.get("/directory/")
    assert page["Cache-Control"] == "public, max-age=0"
    form = client.get("/accounts/login/")  # a CSRF token: this visitor's alone
    assert "private" in form["Cache-Control"]
