import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from wagtail.models import Site

from chamber.site_setup import site_setup


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached rows must not outlive their database."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded and generated files go to a per-test folder, never the developer's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def site_tree(db):
    """The bare structure `setup_site` builds: home page, Site, groups."""
    return site_setup(demo=False, log=lambda line: None)


@pytest.fixture
def demo_site(db):
    """The full demo, exactly as `make run` creates it."""
    call_command("setup_site", "--demo", stdout=io.StringIO())
    return Site.objects.get(is_default_site=True)


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
