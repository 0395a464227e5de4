"""Builds the structure every chamber site needs: home page, Site record, staff roles (groups)
and the page approval workflow.

The shared core names no app: each app registers what it adds, from its `AppConfig.ready()`,
with `register(AppSetup(...))`:

- ``root_page``: makes (or finds) the site's home page; exactly one app provides it (home);
- ``ensure_pages(*, home)``: the app's fixed pages (e.g. /directory/), made in ``order``,
  which is their order in the menu;
- ``group_permissions``: ``{role: ["app_label.codename", ...]}`` for its models, where a role
  is one of the names in chamber/roles.py (``roles.EDITORS``, ...);
- ``build_demo(*, home, site, log)``: demo content (the demo app, for ``setup_site --demo``).

The Site record takes its host and port from SITE_URL: run setup again after changing it.

Every step looks things up by a natural key (slug, title, name) before creating them, so running
setup again changes nothing.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from chamber import roles
from chamber.models import ChamberSettings
from chamber.site_url import site_address


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
    """The staff roles (chamber/roles.py), with the permissions the apps declare, and the
    page workflow that sends pages Editors submit to the roles that may publish them."""
    roles.ensure_roles(home, [setup.group_permissions for setup in registered()])
    roles.ensure_page_moderation(home)


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
