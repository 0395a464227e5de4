"""Builds the structure every chamber site needs: home page, Site record and staff groups.

The shared core names no app: each app registers what it adds, from its `AppConfig.ready()`,
with `register(AppSetup(...))`:

- ``root_page``: makes (or finds) the site's home page; exactly one app provides it (home);
- ``ensure_pages(*, home)``: the app's fixed pages (e.g. /directory/), made in ``order``,
  which is their order in the menu;
- ``group_permissions``: ``{"Group name": ["app_label.codename", ...]}`` for its models;
- ``build_demo(*, home, site, log)``: demo content (the demo app, for ``setup_site --demo``).

The Site record takes its host and port from SITE_URL: run setup again after changing it.

Every step looks things up by a natural key (slug, title, name) before creating them, so running
setup again changes nothing.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site

from chamber.models import ChamberSettings
from chamber.site_url import site_address

# Wagtail's own migrations create the "Editors" and "Moderators" groups with page, image and
# document permissions; "Chamber staff" runs the whole site, membership included, so it gets
# the pages under home plus whatever each app grants.
PAGE_PERMISSIONS = {
    "Chamber staff": ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
IMAGE_AND_DOCUMENT_PERMISSIONS = [
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
]
GROUP_PERMISSIONS = {
    "Chamber staff": [
        "wagtailadmin.access_admin",
        "chamber.change_chambersettings",
        "chamber.view_jobheartbeat",  # the scheduled-jobs panel on the admin home
        # Outgoing e-mail: see what failed, and send it again (chamber/mail_admin.py).
        "django_tasks_database.view_dbtaskresult",
        "django_tasks_database.change_dbtaskresult",
        "wagtailredirects.add_redirect",
        "wagtailredirects.change_redirect",
        "wagtailredirects.delete_redirect",
        "wagtailsearchpromotions.add_query",
        "wagtailsearchpromotions.change_query",
        "wagtailsearchpromotions.delete_query",
    ],
}
COLLECTION_PERMISSIONS = {"Chamber staff": IMAGE_AND_DOCUMENT_PERMISSIONS}


@dataclass(frozen=True)
class AppSetup:
    """What one app adds to the site's setup (see the module docstring)."""

    label: str
    order: int = 100
    root_page: Callable[[], tuple[Page, bool]] | None = None
    ensure_pages: Callable[..., None] | None = None
    group_permissions: Mapping[str, list[str]] = field(default_factory=dict)
    build_demo: Callable[..., None] | None = None


_registry: dict[str, AppSetup] = {}


def register(setup: AppSetup) -> None:
    """Add an app's setup (again under the same label replaces it)."""
    _registry[setup.label] = setup


def registered() -> list[AppSetup]:
    return sorted(_registry.values(), key=lambda setup: (setup.order, setup.label))


@dataclass
class SetupResult:
    home: Page
    site: Site
    created_home: bool
    log: list[str] = field(default_factory=list)


def _permissions(dotted_names: set[str]) -> dict[str, Permission]:
    """The permissions named "app_label.codename", in one query."""
    wanted = Q()
    for dotted in dotted_names:
        app_label, codename = dotted.split(".", 1)
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    found = {
        f"{permission.content_type.app_label}.{permission.codename}": permission
        for permission in Permission.objects.filter(wanted).select_related("content_type")
    }
    missing = sorted(dotted_names - found.keys())
    if missing:
        raise LookupError(f"Permissions {missing} do not exist; are their models migrated?")
    return found


def add_fixed_page(parent: Page, page: Page) -> Page:
    """Add `page` under `parent`, live: the pages setup makes (home, directory, join, deals,
    news) go live as they are, without the revision and publish steps an editor's page takes
    (a third of the queries), since no one reviews them. Editing one in the admin starts its
    revision history."""
    page.live = True
    page.first_published_at = page.last_published_at = timezone.now()
    parent.add_child(instance=page)
    return page


def add_root_page(page: Page) -> Page:
    """Add `page` (a new home page) at the top of the page tree, live.

    Wagtail's migrations leave a placeholder "Welcome" page (and a Site pointing at it) under
    the tree's root; it holds the "home" slug, so it goes before the new page takes its place.
    """
    root = Page.get_first_root_node()
    page_type = ContentType.objects.get_for_model(Page)
    for placeholder in root.get_children().filter(content_type=page_type, slug="home"):
        Site.objects.filter(root_page=placeholder).update(root_page=root)
        placeholder.delete()
        root.refresh_from_db()
    return add_fixed_page(root, page)


def ensure_root_page() -> tuple[Page, bool]:
    """The site's home page from the one app that provides it, and whether it was made now."""
    providers = [setup for setup in registered() if setup.root_page is not None]
    if len(providers) != 1:
        raise ImproperlyConfigured(
            f"Exactly one app must provide the home page; found {len(providers)}."
        )
    return providers[0].root_page()


def ensure_site(home: Page) -> Site:
    """The default Site, at SITE_URL's host and port (page URLs, and with them canonical links
    and the pages' sitemap, come from it), with `home` as its root page."""
    address = site_address()
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    if site is None:
        site = Site.objects.create(
            hostname=address.hostname, port=address.port, root_page=home, is_default_site=True
        )
    elif (site.root_page_id, site.is_default_site, site.hostname, site.port) != (
        home.pk,
        True,
        address.hostname,
        address.port,
    ):
        site.root_page = home
        site.is_default_site = True
        site.hostname, site.port = address.hostname, address.port
        site.save()
    ChamberSettings.for_site(site)  # created with defaults on first access
    return site


def ensure_groups(home: Page) -> None:
    group_permissions = {name: list(perms) for name, perms in GROUP_PERMISSIONS.items()}
    for setup in registered():
        for name, perms in setup.group_permissions.items():
            group_permissions.setdefault(name, []).extend(perms)

    root_collection = Collection.get_first_root_node()
    page_content_type = ContentType.objects.get_for_model(Page)
    permissions = _permissions(
        {dotted for perms in group_permissions.values() for dotted in perms}
        | {dotted for perms in COLLECTION_PERMISSIONS.values() for dotted in perms}
    )
    for name, perms in group_permissions.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*(permissions[dotted] for dotted in perms))
        for codename in PAGE_PERMISSIONS.get(name, []):
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=home,
                permission=Permission.objects.get(
                    content_type=page_content_type, codename=codename
                ),
            )
        for dotted in COLLECTION_PERMISSIONS.get(name, []):
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=permissions[dotted]
            )


@transaction.atomic
def site_setup(*, demo: bool, demo_only_if_new: bool = False, log: Callable[[str], None] = print):
    home, created_home = ensure_root_page()
    site = ensure_site(home)
    for setup in registered():
        if setup.ensure_pages is not None:
            setup.ensure_pages(home=home)
    ensure_groups(home)
    log(f"Site structure ready: {site} -> {home.title}")

    if demo and (created_home or not demo_only_if_new):
        builders = [setup.build_demo for setup in registered() if setup.build_demo is not None]
        if not builders:
            raise ImproperlyConfigured("No demo content: the demo app is not installed.")
        for build_demo in builders:
            build_demo(home=home, site=site, log=log)
    elif demo:
        log("Existing site found: demo content left as it is.")
    return SetupResult(home=home, site=site, created_home=created_home)
