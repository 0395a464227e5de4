"""Issue #18: the staff roles `setup_site` makes and keeps exactly as declared (chamber/roles.py
and each app's setup.py), and where the pages Editors submit for approval go."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.management import call_command
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowState,
)

from chamber import roles
from chamber.site_setup import registered
from home.models import HomePage, StandardPage
from tests.admin_actions import posted_form
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def run_setup() -> None:
    call_command("setup_site", stdout=io.StringIO())


def declared() -> dict[str, roles.Grant]:
    return roles.declared_roles([setup.group_permissions for setup in registered()])


def held(name: str) -> dict[str, set]:
    """What the group may do, as stored, with where each page or collection permission
    applies."""
    group = Group.objects.get(name=name)
    return {
        "permissions": {
            f"{app_label}.{codename}"
            for app_label, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        },
        "page_permissions": set(
            GroupPagePermission.objects.filter(group=group).values_list(
                "page__url_path", "permission__codename"
            )
        ),
        "collection_permissions": {
            (collection, f"{app_label}.{codename}")
            for collection, app_label, codename in GroupCollectionPermission.objects.filter(
                group=group
            ).values_list(
                "collection__name", "permission__content_type__app_label", "permission__codename"
            )
        },
    }


def expected(grant: roles.Grant) -> dict[str, set]:
    """`grant` as `held` reads it: pages on the home page, images and documents on the root
    collection."""
    return {
        "permissions": grant.permissions,
        "page_permissions": {("/home/", codename) for codename in grant.page_permissions},
        "collection_permissions": {("Root", dotted) for dotted in grant.collection_permissions},
    }


def snapshot() -> dict[str, object]:
    return {
        "groups": sorted(Group.objects.values_list("pk", "name")),
        "roles": {name: held(name) for name in roles.ROLES},
        "page_permission_rows": sorted(GroupPagePermission.objects.values_list("pk", flat=True)),
        "collection_permission_rows": sorted(
            GroupCollectionPermission.objects.values_list("pk", flat=True)
        ),
        "workflows": sorted(Workflow.objects.values_list("pk", "name", "active")),
        "reviewers": sorted(
            GroupApprovalTask.objects.values_list("pk", "name", "groups__name").order_by()
        ),
    }


def user_in(*group_names: str, **fields):
    user = UserFactory(**fields)
    user.groups.add(*Group.objects.filter(name__in=group_names))
    return user


# The groups --------------------------------------------------------------------------------


def test_each_role_holds_exactly_what_is_declared(site_tree):
    for name, grant in declared().items():
        assert held(name) == expected(grant), name


def test_roles_have_what_their_work_needs_and_nothing_of_the_others():
    roles_ = declared()
    editors, membership, directory = (
        roles_[roles.EDITORS],
        roles_[roles.MEMBERSHIP_STAFF],
        roles_[roles.DIRECTORY_MODERATORS],
    )
    # Editors: news topics and authors, which they could not add before; pages; no members.
    assert {"home.add_topic", "home.add_person", "home.change_person"} <= editors.permissions
    assert {"add_page", "change_page"} == editors.page_permissions
    assert "wagtailimages.add_image" in editors.collection_permissions
    # Nobody but Membership staff (and Chamber staff) holds a membership permission.
    for grant in (editors, directory, roles_[roles.PAGE_MODERATORS]):
        assert not {p for p in grant.permissions if p.startswith("membership.")}
    assert {
        "membership.view_payment",
        "membership.add_payment",
        "membership.change_application",
        "membership.view_stripeevent",
        "membership.view_renewalreminder",
        "membership.view_contactinvitation",
        "membership.change_membershiplevel",
    } <= membership.permissions
    assert not membership.page_permissions and not membership.collection_permissions
    # Directory moderators review (publish) listing and deal changes.
    assert {"directory.publish_business", "deals.publish_deal"} <= directory.permissions
    assert "directory.view_contactmessage" in directory.permissions
    assert not directory.page_permissions
    # Page moderators publish pages; Editors do not.
    assert "publish_page" in roles_[roles.PAGE_MODERATORS].page_permissions
    assert "publish_page" not in editors.page_permissions


def test_chamber_staff_may_do_all_the_other_roles_do_and_run_the_office():
    roles_ = declared()
    staff = roles_[roles.CHAMBER_STAFF]
    for name in (roles.PAGE_MODERATORS, roles.MEMBERSHIP_STAFF, roles.DIRECTORY_MODERATORS):
        grant = roles_[name]
        assert grant.permissions <= staff.permissions, name
        assert grant.page_permissions <= staff.page_permissions, name
        assert grant.collection_permissions <= staff.collection_permissions, name
    assert {
        "chamber.change_chambersettings",
        "wagtailsearchpromotions.add_searchpromotion",
        "django_tasks_database.change_dbtaskresult",
    } <= staff.permissions - roles_[roles.MEMBERSHIP_STAFF].permissions


def test_an_unknown_role_in_an_apps_declaration_is_an_error():
    with pytest.raises(LookupError, match="'Moderators' is not a role"):
        roles.declared_roles([{"Moderators": ["home.add_topic"]}])


def test_setup_twice_changes_nothing(site_tree):
    run_setup()
    first = snapshot()
    run_setup()
    assert snapshot() == first


def test_setup_takes_back_what_was_given_by_hand_and_restores_what_was_taken(site_tree):
    editors = Group.objects.get(name=roles.EDITORS)
    editors.permissions.add(Permission.objects.get(codename="view_payment"))
    editors.permissions.remove(Permission.objects.get(codename="add_topic"))
    GroupPagePermission.objects.create(
        group=editors,
        page=Page.get_first_root_node(),
        permission=Permission.objects.get(codename="publish_page"),
    )
    GroupPagePermission.objects.filter(group=editors, permission__codename="change_page").delete()
    GroupCollectionPermission.objects.create(
        group=editors,
        collection=Collection.get_first_root_node(),
        permission=Permission.objects.get(codename="delete_image"),
    )
    assert held(roles.EDITORS) != expected(declared()[roles.EDITORS])

    run_setup()
    assert held(roles.EDITORS) == expected(declared()[roles.EDITORS])


def test_wagtails_groups_become_the_chambers_and_keep_their_users(migrated_database):
    moderators = Group.objects.get(name="Moderators")
    senior = user_in("Moderators")
    editor = user_in("Editors")
    # Wagtail's migrations grant pages at the tree's root, and image and document
    # permissions that Wagtail no longer reads (its collections' permissions count).
    assert GroupPagePermission.objects.filter(group__name="Editors", page__depth=1).exists()

    run_setup()

    page_moderators = Group.objects.get(name=roles.PAGE_MODERATORS)
    assert page_moderators.pk == moderators.pk
    assert not Group.objects.filter(name="Moderators").exists()
    assert set(senior.groups.values_list("name", flat=True)) == {roles.PAGE_MODERATORS}
    assert set(editor.groups.values_list("name", flat=True)) == {roles.EDITORS}
    for name, grant in declared().items():
        assert held(name) == expected(grant), name


def test_editors_add_news_topics_and_authors(client, site_tree):
    client.force_login(user_in(roles.EDITORS))
    response = client.post(
        "/admin/snippets/home/topic/add/",
        {"name": "Parking", "slug": "parking", "description": ""},
    )
    assert response.status_code == 302
    response = client.post(
        "/admin/snippets/home/person/add/", {"name": "Rosa Baker", "role": "President"}
    )
    assert response.status_code == 302
    assert client.get("/admin/snippets/home/person/").status_code == 200


# Page moderation ---------------------------------------------------------------------------


def page_task() -> GroupApprovalTask:
    home = HomePage.objects.get()
    return GroupApprovalTask.objects.get(workflow_tasks__workflow=home.get_workflow())


def test_pages_are_approved_by_page_moderators_and_chamber_staff(site_tree):
    task = page_task()
    assert task.name == "Page approval"
    assert task.workflow_tasks.get().workflow.name == "Page approval"
    assert set(task.groups.values_list("name", flat=True)) == {
        roles.PAGE_MODERATORS,
        roles.CHAMBER_STAFF,
    }


def test_setup_puts_the_reviewers_back_and_makes_a_missing_workflow(site_tree):
    task = page_task()
    task.groups.set(Group.objects.filter(name=roles.EDITORS))
    run_setup()
    assert set(page_task().groups.values_list("name", flat=True)) == set(roles.PAGE_REVIEWERS)

    WorkflowPage.objects.all().delete()
    Workflow.objects.all().delete()
    run_setup()
    workflow = HomePage.objects.get().get_workflow()
    assert WorkflowPage.objects.get().page.depth == 1  # on the tree's root, as Wagtail has it
    assert workflow.name == "Page approval"
    assert set(page_task().groups.values_list("name", flat=True)) == set(roles.PAGE_REVIEWERS)
    run_setup()
    assert Workflow.objects.count() == 1 and GroupApprovalTask.objects.count() == 1


def test_a_page_an_editor_submits_goes_to_the_chambers_reviewers(client, site_tree):
    home = site_tree.home
    page = home.add_child(instance=StandardPage(title="About the chamber", slug="about"))
    editor = user_in(roles.EDITORS, email="eddie@chamber.example")
    reviewer = user_in(roles.CHAMBER_STAFF, email="sam@chamber.example")
    senior = user_in(roles.PAGE_MODERATORS, email="pat@chamber.example")
    clerk = user_in(roles.MEMBERSHIP_STAFF, email="meg@chamber.example")

    client.force_login(editor)
    url = f"/admin/pages/{page.pk}/edit/"
    data = posted_form(client.get(url).text, form_id="page-edit-form")
    data["title"] = "About Riverside Chamber"
    data["body-count"] = "0"  # the body's blocks are drawn by script: it has none
    data["action-submit"] = "action-submit"
    assert client.post(url, dict(data.lists())).status_code == 302

    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    notified = {address for message in mail.outbox for address in message.to}
    assert {reviewer.email, senior.email} <= notified
    assert not {editor.email, clerk.email} & notified
    task_state = state.current_task_state
    action = f"/admin/pages/workflow/action/{page.pk}/approve/{task_state.pk}/"

    for refused in (editor, clerk):
        client.force_login(refused)
        client.post(action)
        task_state.refresh_from_db()
        assert task_state.status == task_state.STATUS_IN_PROGRESS

    client.force_login(reviewer)
    assert client.post(action).status_code in (200, 302)
    page.refresh_from_db()
    assert page.live and page.title == "About Riverside Chamber"
