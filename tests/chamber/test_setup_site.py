import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from wagtail.images.models import Image
from wagtail.models import (
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Revision,
    Site,
)

from chamber import roles
from chamber.models import ChamberSettings
from home.models import HomePage, StandardPage
from membership.models import JoinPage

pytestmark = pytest.mark.django_db


def run_setup(*args: str) -> str:
    out = io.StringIO()
    call_command("setup_site", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, object]:
    """Everything setup_site may create, counted, plus the page tree's shape."""
    return {
        "pages": Page.objects.count(),
        "tree": list(Page.objects.order_by("path").values_list("path", "slug", "live")),
        "sites": list(Site.objects.values_list("hostname", "port", "root_page_id")),
        "groups": sorted(Group.objects.values_list("name", flat=True)),
        "group_permissions": Permission.objects.filter(group__isnull=False).count(),
        "page_permissions": GroupPagePermission.objects.count(),
        "collection_permissions": GroupCollectionPermission.objects.count(),
        "images": Image.objects.count(),
        "revisions": Revision.objects.count(),
        "settings": ChamberSettings.objects.count(),
    }


def test_setup_site_twice_changes_nothing():
    run_setup()
    first = snapshot()
    run_setup()
    assert snapshot() == first


def test_setup_site_replaces_wagtails_placeholder_with_the_home_page(migrated_database):
    assert Page.objects.filter(title__startswith="Welcome to your new Wagtail site").exists()
    run_setup()
    site = Site.objects.get()
    assert site.is_default_site
    assert isinstance(site.root_page.specific, HomePage)
    assert site.root_page.url_path == "/home/"
    assert not Page.objects.filter(title__startswith="Welcome to your new Wagtail site").exists()
    assert ChamberSettings.for_site(site).membership_grace_days == 30


def test_setup_site_creates_staff_groups_with_site_wide_page_rights():
    run_setup()
    staff = Group.objects.get(name="Chamber staff")
    home = HomePage.objects.get()
    granted = set(
        GroupPagePermission.objects.filter(group=staff, page=home).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_page", "change_page", "publish_page"} <= granted
    codenames = set(staff.permissions.values_list("codename", flat=True))
    assert {"access_admin", "change_chambersettings"} <= codenames
    # Wagtail's "Editors" and "Moderators" (renamed), and the chamber's roles (test_roles.py).
    assert set(Group.objects.values_list("name", flat=True)) == set(roles.ROLES)


def test_demo_on_a_new_database_builds_the_riverside_chamber_with_local_images(migrated_database):
    # One demo build for these checks: it takes seconds.
    output = run_setup("--demo", "--demo-only-if-new")
    site = Site.objects.get()
    chamber = ChamberSettings.for_site(site)
    assert chamber.name == "Riverside Chamber of Commerce"
    assert chamber.logo is not None
    assert chamber.address_lines[0] == "120 Main Street, Suite 2"
    home = HomePage.objects.get()
    assert home.hero_image is not None
    assert home.primary_cta_page.slug == "join"
    slugs = set(StandardPage.objects.child_of(home).live().values_list("slug", flat=True))
    assert {"about", "advocacy", "contact"} <= slugs
    assert JoinPage.objects.child_of(home).live().get().slug == "join"
    assert "Demo: 3 editorial page(s) created." in output
    # The demo's pictures are drawn here, never downloaded, and are valid images.
    for image in Image.objects.all():
        assert image.width > 0
        assert image.height > 0
        with image.open_file() as handle:
            assert handle.read(4) in (b"\x89PNG", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xdb")


def test_demo_only_if_new_leaves_an_existing_site_alone():
    run_setup()
    output = run_setup("--demo", "--demo-only-if-new")
    assert not StandardPage.objects.exists()
    assert "demo content left as it is" in output
