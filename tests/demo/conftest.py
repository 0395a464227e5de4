"""The demo, built once for a whole test module: `setup_site --demo` takes seconds, and the
tests of the demo site only look at it. Each test runs inside its own savepoint (the `db`
fixture), so what one changes is gone for the next; the build itself is rolled back when the
module is done."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from wagtail.models import Site


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker, tmp_path_factory):
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo-media")),
        transaction.atomic(),
    ):
        call_command("setup_site", "--demo", stdout=io.StringIO())
        yield Site.objects.get(is_default_site=True)
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _media_root(request, settings, tmp_path):
    """The demo's images stay where the demo put them; other tests get a folder of their own."""
    if "demo_site" not in request.fixturenames:
        settings.MEDIA_ROOT = tmp_path / "media"
