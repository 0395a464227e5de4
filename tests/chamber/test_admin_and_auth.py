import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

from chamber.models import ChamberSettings

pytestmark = pytest.mark.django_db


def test_admin_login_page_renders(client):
    assert client.get("/admin/login/").status_code == 200


def test_superuser_logs_in_to_the_admin_and_sees_the_dashboard(client, admin_user, site_tree):
    response = client.post(
        "/admin/login/",
        {"username": "admin", "password": "correct horse battery"},
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/admin/"
    assert response.wsgi_request.user == admin_user
    assert client.get(f"/admin/pages/{site_tree.home.pk}/").status_code == 200


def test_wrong_password_does_not_log_in(client, admin_user):
    response = client.post("/admin/login/", {"username": "admin", "password": "nope"})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


def test_staff_edit_chamber_settings_in_the_admin(client, admin_user, site_tree):
    client.force_login(admin_user)
    url = f"/admin/settings/chamber/chambersettings/{site_tree.site.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "Lakeview Chamber",
            "tagline": "",
            "street": "1 Shore Rd",
            "city": "Lakeview",
            "region": "",
            "postcode": "",
            "country": "",
            "phone": "",
            "email": "info@lakeview.example",
            "facebook_url": "",
            "instagram_url": "",
            "linkedin_url": "",
            "x_url": "",
            "youtube_url": "",
            "membership_grace_days": "14",
        },
    )
    assert response.status_code == 302
    chamber = ChamberSettings.for_site(site_tree.site)
    assert chamber.name == "Lakeview Chamber"
    assert chamber.membership_grace_days == 14
    assert chamber.new_listings_need_approval is False  # unchecked box submitted
    assert "Lakeview Chamber" in client.get("/").text


def test_chamber_staff_member_can_reach_the_admin(client, site_tree):
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user("sam", "sam@example.org", "a long passphrase")
    user.groups.add(Group.objects.get(name="Chamber staff"))
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
    assert client.get(f"/admin/pages/add/home/standardpage/{site_tree.home.pk}/").status_code == 200


def test_chamber_staff_can_open_every_list_in_the_admin(staff_client):
    """Each snippet the project registers (listings, members, contacts, invitations, payments,
    deals ...) is part of running the chamber: its list opens for the staff group too."""
    from wagtail.snippets.models import get_snippet_models

    ours = {"chamber", "directory", "membership", "deals", "home"}
    models = [model for model in get_snippet_models() if model._meta.app_label in ours]
    assert len(models) >= 8
    for model in models:
        url = f"/admin/snippets/{model._meta.app_label}/{model._meta.model_name}/"
        assert staff_client.get(url).status_code == 200, url


def test_ensure_superuser_uses_admin_password_and_never_resets_it(monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", "river-valley-2026")
    call_command("ensure_superuser", stdout=io.StringIO())
    monkeypatch.setenv("ADMIN_PASSWORD", "something-else-entirely")
    out = io.StringIO()
    call_command("ensure_superuser", stdout=out)
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password("river-valley-2026")
    assert "password unchanged" in out.getvalue()


def test_ensure_superuser_prints_a_generated_password_once(monkeypatch):
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    out = io.StringIO()
    call_command("ensure_superuser", stdout=out)
    password = next(
        line.split("password:", 1)[1].strip()
        for line in out.getvalue().splitlines()
        if "password:" in line
    )
    assert len(password) >= 12
    assert get_user_model().objects.get(username="admin").check_password(password)


def test_member_login_page_and_password_reset_email(client, site_tree, django_user_model):
    django_user_model.objects.create_user("pat", "pat@example.org", "a long passphrase")
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert '<label for="id_username"' in response.text
    response = client.post("/accounts/password_reset/", {"email": "pat@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


def test_login_keeps_the_username_and_shows_an_error(client, site_tree, django_user_model):
    django_user_model.objects.create_user("pat", "pat@example.org", "a long passphrase")
    response = client.post("/accounts/login/", {"username": "pat", "password": "wrong"})
    assert response.status_code == 200
    assert 'value="pat"' in response.text
    assert 'role="alert"' in response.text


def test_logout_is_a_post_from_the_header(client, site_tree, django_user_model):
    user = django_user_model.objects.create_user("pat", "pat@example.org", "a long passphrase")
    client.force_login(user)
    html = client.get("/").text
    assert 'action="/accounts/logout/"' in html
    assert "csrfmiddlewaretoken" in html
    client.post("/accounts/logout/")
    assert "Member login" in client.get("/").text


def test_the_admin_calls_no_outside_service(client, admin_user, site_tree):
    """Issue #22.6: staff browsers fetched Gravatar avatars (sending a hash of their e-mail)
    and asked releases.wagtail.org for updates. Every address the dashboard and the account
    page name for the browser to load is the site's own."""
    client.force_login(admin_user)
    for url in ("/admin/", "/admin/account/"):
        html = client.get(url).text
        assert "gravatar" not in html.lower(), url
        assert 'data-controller="w-upgrade' not in html, url  # asks releases.wagtail.org
        loaded = re.findall(r'src="([^"]+)"', html)
        assert loaded, url
        assert [address for address in loaded if re.match(r"(https?:)?//", address)] == [], url
