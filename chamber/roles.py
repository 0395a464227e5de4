"""The chamber's staff roles: Wagtail groups that `setup_site` creates and keeps exactly as declared
here and in each app's setup.py (issue #18).

- **Editors**: pages (add, edit, submit for approval), news topics and authors, images,
  documents. No membership data.
- **Page moderators** (Wagtail's "Moderators", renamed): what Editors do, and publish; they and
  Chamber staff approve the pages Editors submit (`ensure_page_moderation`).
- **Membership staff**: members, contacts, applications, payments, renewal reminders, levels,
  Stripe events.
- **Directory moderators**: listings, deals, categories, contact-form messages; they publish
  (approve) members' listing and deal changes. No membership data: they pick a listing's
  member by name in the member chooser, which directory/apps.py opens to them.
- **Chamber staff**: everything the roles above may do and the office's own settings, for the
  two or three people who run a small chamber. Computed as the union (`INCLUDES`), so it can
  never fall behind a role.

"Exactly": setup gives each group its declared permissions and takes away any other (model,
page and collection permissions alike), so a permission ticked in the admin's group editor
lasts until the next deployment. A chamber that wants another mix makes a group of its own,
which setup leaves alone.

Where a permission lives: the core declares admin access, pages, images, documents and its own
settings below; each app declares its models' permissions in its setup.py, under these names.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

EDITORS = "Editors"
PAGE_MODERATORS = "Page moderators"
MEMBERSHIP_STAFF = "Membership staff"
DIRECTORY_MODERATORS = "Directory moderators"
CHAMBER_STAFF = "Chamber staff"
ROLES = (EDITORS, PAGE_MODERATORS, MEMBERSHIP_STAFF, DIRECTORY_MODERATORS, CHAMBER_STAFF)

# Wagtail's migrations create "Editors" and "Moderators"; the second is renamed (with its users)
# so that no one mistakes it for the directory's moderators.
FORMER_NAMES = {PAGE_MODERATORS: "Moderators"}

# A role holds every permission of the roles it builds on, as well as its own.
INCLUDES = {
    PAGE_MODERATORS: (EDITORS,),
    CHAMBER_STAFF: (PAGE_MODERATORS, MEMBERSHIP_STAFF, DIRECTORY_MODERATORS),
}

# Who approves the pages Editors submit: the roles that may publish pages themselves.
PAGE_REVIEWERS = (PAGE_MODERATORS, CHAMBER_STAFF)

# On the home page and everything under it (the whole site; nobody edits the tree's root).
PAGE_PERMISSIONS = {
    EDITORS: ["add_page", "change_page"],
    PAGE_MODERATORS: ["publish_page", "lock_page", "unlock_page"],
}
# On the root collection, so on every image and document.
COLLECTION_PERMISSIONS = {
    EDITORS: [
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
    ],
    # Listing logos and deal pictures: choose one, or upload it.
    DIRECTORY_MODERATORS: ["wagtailimages.add_image", "wagtailimages.choose_image"],
}
ACCESS_ADMIN = "wagtailadmin.access_admin"
MODEL_PERMISSIONS = {
    EDITORS: [ACCESS_ADMIN],
    MEMBERSHIP_STAFF: [ACCESS_ADMIN],
    DIRECTORY_MODERATORS: [ACCESS_ADMIN],
    CHAMBER_STAFF: [
        "chamber.change_chambersettings",
        "chamber.view_jobheartbeat",  # the scheduled-jobs panel on the admin home
        # Outgoing e-mail: see what failed, and send it again (chamber/mail_admin.py).
        "django_tasks_database.view_dbtaskresult",
        "django_tasks_database.change_dbtaskresult",
        "wagtailredirects.add_redirect",
        "wagtailredirects.change_redirect",
        "wagtailredirects.delete_redirect",
        # Promoted search results: Wagtail checks these, not the permissions on its Query.
        "wagtailsearchpromotions.add_searchpromotion",
        "wagtailsearchpromotions.change_searchpromotion",
        "wagtailsearchpromotions.delete_searchpromotion",
    ],
}

PAGE_WORKFLOW = "Page approval"
WAGTAIL_WORKFLOW = "Moderators approval"  # the name Wagtail's migrations give workflow and task


@dataclass
class Grant:
    """Everything one role may do: "app_label.codename" model permissions, page permission
    codenames (on the home page) and "app_label.codename" collection permissions (on the root
    collection)."""

    permissions: set[str] = field(default_factory=set)
    page_permissions: set[str] = field(default_factory=set)
    collection_permissions: set[str] = field(default_factory=set)

    def add(self, other: "Grant") -> None:
        self.permissions |= other.permissions
        self.page_permissions |= other.page_permissions
        self.collection_permissions |= other.collection_permissions


def declared_roles(app_permissions: Iterable[Mapping[str, list[str]]] = ()) -> dict[str, Grant]:
    """Each role's grant: the core's declarations, the apps' `app_permissions`, and what the
    roles it builds on may do."""
    own = {name: Grant() for name in ROLES}
    for name, perms in MODEL_PERMISSIONS.items():
        own[name].permissions.update(perms)
    for name, codenames in PAGE_PERMISSIONS.items():
        own[name].page_permissions.update(codenames)
    for name, perms in COLLECTION_PERMISSIONS.items():
        own[name].collection_permissions.update(perms)
    for declarations in app_permissions:
        for name, perms in declarations.items():
            if name not in own:
                raise LookupError(f"{name!r} is not a role; roles are {', '.join(ROLES)}.")
            own[name].permissions.update(perms)

    def resolved(name: str) -> Grant:
        grant = Grant()
        grant.add(own[name])
        for included in INCLUDES.get(name, ()):
            grant.add(resolved(included))
        return grant

    return {name: resolved(name) for name in ROLES}


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


def _group(name: str) -> Group:
    group = Group.objects.filter(name=name).first()
    if group is None and name in FORMER_NAMES:
        group = Group.objects.filter(name=FORMER_NAMES[name]).first()
        if group is not None:
            group.name = name
            group.save(update_fields=["name"])
    return group or Group.objects.create(name=name)


def ensure_roles(home: Page, app_permissions: Iterable[Mapping[str, list[str]]] = ()) -> None:
    """Create the role groups, and give each exactly its declared permissions."""
    roles = declared_roles(app_permissions)
    permissions = _permissions(
        {dotted for grant in roles.values() for dotted in grant.permissions}
        | {dotted for grant in roles.values() for dotted in grant.collection_permissions}
        | {
            f"wagtailcore.{codename}"
            for grant in roles.values()
            for codename in grant.page_permissions
        }
    )
    root_collection = Collection.get_first_root_node()
    for name, grant in roles.items():
        group = _group(name)
        group.permissions.set([permissions[dotted] for dotted in grant.permissions])

        wanted_pages = {
            permissions[f"wagtailcore.{codename}"].pk for codename in grant.page_permissions
        }
        held_pages = GroupPagePermission.objects.filter(group=group)
        held_pages.exclude(page=home, permission_id__in=wanted_pages).delete()
        have = set(held_pages.filter(page=home).values_list("permission_id", flat=True))
        GroupPagePermission.objects.bulk_create(
            GroupPagePermission(group=group, page=home, permission_id=permission_id)
            for permission_id in sorted(wanted_pages - have)
        )

        wanted_collections = {permissions[dotted].pk for dotted in grant.collection_permissions}
        held = GroupCollectionPermission.objects.filter(group=group)
        held.exclude(collection=root_collection, permission_id__in=wanted_collections).delete()
        have = set(held.filter(collection=root_collection).values_list("permission_id", flat=True))
        GroupCollectionPermission.objects.bulk_create(
            GroupCollectionPermission(
                group=group, collection=root_collection, permission_id=permission_id
            )
            for permission_id in sorted(wanted_collections - have)
        )


def ensure_page_moderation(home: Page) -> GroupApprovalTask:
    """Pages Editors submit for approval go to the roles that may publish pages (Page moderators
    and Chamber staff), not to a group nobody in the chamber is in.

    The workflow is the one that applies to the home page (Wagtail's migrations attach
    "Moderators approval" to the tree's root); setup makes one if there is none, renames
    Wagtail's, and sets the reviewers of its first group-approval step. Further steps a chamber
    adds in the admin are left as they are.
    """
    link = (
        WorkflowPage.objects.filter(page__in=home.get_ancestors(inclusive=True))
        .select_related("workflow")
        .order_by("-page__depth")
        .first()
    )
    if link is None:
        workflow = Workflow.objects.create(name=PAGE_WORKFLOW)
        WorkflowPage.objects.create(page=Page.get_first_root_node(), workflow=workflow)
    else:
        workflow = link.workflow
        if workflow.name == WAGTAIL_WORKFLOW:
            workflow.name = PAGE_WORKFLOW
            workflow.save(update_fields=["name"])

    task = (
        GroupApprovalTask.objects.filter(workflow_tasks__workflow=workflow)
        .order_by("workflow_tasks__sort_order")
        .first()
    )
    if task is None:
        # The step setup made before, should the workflow have been deleted since.
        task = GroupApprovalTask.objects.filter(name=PAGE_WORKFLOW).first()
        task = task or GroupApprovalTask.objects.create(name=PAGE_WORKFLOW)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    elif task.name == WAGTAIL_WORKFLOW:
        task.name = PAGE_WORKFLOW
        task.save(update_fields=["name"])
    task.groups.set(Group.objects.filter(name__in=PAGE_REVIEWERS))
    return task
