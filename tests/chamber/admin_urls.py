"""Every URL pattern of the Wagtail admin, enumerated from the site's URLconf, and a concrete
URL for each, its path arguments filled with real objects (for test_admin_access_matrix.py).

A pattern is known by its key: its URL name ("wagtailsnippets_membership_payment:list"), or
its route when it has none ("admin/test404/"). One pattern may give several URLs, each with its
own key, "key@variant": the bulk-action view gives one per registered action
("wagtail_bulk_action@membership.payment.delete"), the editing-session ping one per kind of
object, and each snippet listing its CSV export ("wagtailsnippets_membership_payment:list@csv").
"""

import re
from collections import Counter
from dataclasses import dataclass, replace

from django.contrib.admin.utils import quote
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from wagtail.admin.views.bulk_action.registry import bulk_action_registry

ADMIN_PREFIX = "admin/"
ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")
SNIPPET_NAMESPACE = re.compile(r"^wagtailsnippet(?:s|choosers)_(\w+?)_(\w+)$")


@dataclass(frozen=True)
class AdminPattern:
    route: str  # "admin/snippets/membership/payment/edit/<int:pk>/"
    name: str | None  # "wagtailsnippets_membership_payment:edit", with its namespaces
    shared_name: bool = False  # another pattern has the same name

    @property
    def key(self) -> str:
        """The name; for a name two patterns share, with the arguments that tell them apart
        ("wagtailsettings:edit@app_name/model_name/pk")."""
        if self.shared_name:
            return f"{self.name}@{'/'.join(self.arguments)}"
        return self.name or self.route

    @property
    def namespace(self) -> str:
        return self.name.rsplit(":", 1)[0] if self.name and ":" in self.name else ""

    @property
    def arguments(self) -> list[str]:
        return [a or b for a, b in ARGUMENT.findall(self.route)]


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name
            if name and namespace:
                name = f"{namespace}:{name}"
            yield AdminPattern(route=prefix + str(pattern.pattern), name=name)


def admin_patterns(urlconf: str = "chamber.urls") -> list[AdminPattern]:
    """Every pattern under /admin/, recursively, in URLconf order."""
    patterns = [
        pattern
        for pattern in _walk(get_resolver(urlconf).url_patterns)
        if pattern.route.startswith(ADMIN_PREFIX)
    ]
    names = Counter(pattern.name for pattern in patterns if pattern.name)
    return [
        replace(pattern, shared_name=True) if names[pattern.name] > 1 else pattern
        for pattern in patterns
    ]


class Objects(dict):
    """Fixture objects by label: "membership.payment", "page", "revision:directory.business",
    ... A missing label is a KeyError naming what the URL needed."""


def _model_label(pattern: AdminPattern) -> str | None:
    """The model a snippet viewset's or chooser's URL is about ("membership.payment")."""
    match = SNIPPET_NAMESPACE.match(pattern.namespace)
    return f"{match[1]}.{match[2]}" if match else None


# What `pk` names in the admin's own (non-snippet) viewsets, by URL namespace; "task" for the
# workflow views whose URL name ends in "_task".
PK_OBJECTS = {
    "outgoing_mail": "mail",
    "wagtailsites": "wagtailcore.site",
    "wagtailusers_users": "auth.user",
    "wagtailusers_groups": "auth.group",
    "wagtailadmin_collections": "wagtailcore.collection",
    "wagtailsettings": "chamber.chambersettings",
    "wagtailadmin_api:pages": "page",
    "wagtailadmin_api:documents": "wagtaildocs.document",
    "wagtailadmin_api:images": "wagtailimages.image",
    "wagtaildocs_chooser": "wagtaildocs.document",
    "wagtailimages_chooser": "wagtailimages.image",
    "review_queue": "directory.business",  # with kind "listing"
}


def _value(pattern: AdminPattern, argument: str, objects: Objects):
    model = _model_label(pattern)
    name = pattern.name or ""
    if argument == "pk":
        if model:
            return quote(objects[model].pk)
        if pattern.namespace == "wagtailadmin_workflows":
            return objects["task" if name.endswith("_task") else "workflow"].pk
        if pattern.namespace == "wagtailadmin_pages":
            return objects["page"].pk
        return quote(objects[PK_OBJECTS[pattern.namespace]].pk)
    if argument == "revision_id":
        return objects[f"revision:{model}" if model else "revision:page"].pk
    fixed = {
        "revision_id_a": "earliest",
        "revision_id_b": "latest",
        "filter_spec": "original",
        "action_name": "approve",
        "uidb64": "MQ",
        "token": "set-password",
        "content_type_app_name": "home",
        "content_type_model_name": "standardpage",
        "kind": "listing",  # the review queue's
    }
    if argument in fixed:
        if name == "wagtailadmin_api:pages:action":
            return "copy"
        return fixed[argument]
    if argument in ("app_label", "model_name", "app_name"):
        app, model_name = {
            "wagtailadmin_workflows:add_task": ("wagtailcore", "groupapprovaltask"),
            "wagtailadmin_pages:choose_parent": ("home", "standardpage"),
            "wagtailadmin_tag_model_autocomplete": ("taggit", "tag"),
            "wagtailsettings:edit": ("chamber", "chambersettings"),
            "wagtailsettings:preview_on_edit": ("chamber", "chambersettings"),
        }[name]
        return model_name if argument == "model_name" else app
    by_name = {
        "page_id": "page",
        "parent_page_id": "page",
        "page_to_move_id": "page",
        "page_pk": "page",
        "destination_id": "home",
        "workflow_pk": "workflow",
        "task_id": "task",
        "task_state_id": "task_state",
        "workflow_state_id": "workflow_state",
        "document_id": "wagtaildocs.document",
        "doc_id": "wagtaildocs.document",
        "image_id": "wagtailimages.image",
        "uploaded_file_id": "upload",
        "collection_id": "wagtailcore.collection",
        "redirect_id": "wagtailredirects.redirect",
        "query_id": "wagtailsearchpromotions.query",
        "session_id": "editing_session",
        "event_pk": "events.eventpage",
    }
    return objects[by_name[argument]].pk


def _reverse(pattern: AdminPattern, kwargs: dict) -> str:
    if pattern.name:
        return reverse(pattern.name, kwargs=kwargs)
    # The admin's few unnamed patterns take no arguments, except the catch-all.
    if pattern.route == "admin/^.*/$":
        return "/admin/no-such-admin-page/"
    assert not kwargs, pattern
    return "/" + pattern.route


def concrete_urls(pattern: AdminPattern, objects: Objects) -> list[tuple[str, str]]:
    """(key, URL) pairs for `pattern`: usually one."""
    if pattern.name == "wagtail_bulk_action":
        return _bulk_action_urls(pattern, objects)
    if pattern.name == "wagtailadmin_editing_sessions:ping":
        return _ping_urls(pattern, objects)
    kwargs = {argument: _value(pattern, argument, objects) for argument in pattern.arguments}
    url = _reverse(pattern, kwargs)
    urls = [(pattern.key, url)]
    if _model_label(pattern) and pattern.name.endswith(":list"):
        urls.append((f"{pattern.key}@csv", f"{url}?export=csv"))
    return urls


def _bulk_action_urls(pattern, objects):
    bulk_action_registry._scan_for_bulk_actions()
    urls = []
    for app_label, models in sorted(bulk_action_registry.actions.items()):
        for model_name, actions in sorted(models.items()):
            label = f"{app_label}.{model_name}"
            target = objects.get(label) or (objects["page"] if app_label == "wagtailcore" else None)
            if target is None:
                raise KeyError(f"no fixture object for bulk actions on {label}")
            for action in sorted(actions):
                url = reverse(
                    pattern.name,
                    kwargs={"app_label": app_label, "model_name": model_name, "action": action},
                )
                urls.append((f"{pattern.name}@{label}.{action}", f"{url}?id={target.pk}"))
    return urls


PING_OBJECTS = ("page", "membership.member", "directory.business")


def _ping_urls(pattern, objects):
    urls = []
    for label in PING_OBJECTS:
        target = objects[label]
        meta = target._meta
        app_label, model_name = (
            ("wagtailcore", "page") if label == "page" else (meta.app_label, meta.model_name)
        )
        url = reverse(
            pattern.name,
            kwargs={
                "app_label": app_label,
                "model_name": model_name,
                "object_id": str(target.pk),
                "session_id": objects["editing_session"].pk,
            },
        )
        urls.append((f"{pattern.name}@{label}", url))
    return urls
