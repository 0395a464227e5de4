"""The review queue (issue #18): members' drafts (listing edits, deals) that wait for staff to
approve or send back, and THE rule for what waits.

The core knows no listing or deal: each app registers a `ReviewKind` from its
`AppConfig.ready()` with `register(...)`. The queue itself is the admin's
(chamber/review_admin.py); the member's side (the reason on /account/, the e-mail) is the app's.

What waits is decided by Wagtail's revisions and log alone, so no state of its own can drift:
an object waits while it has unpublished changes and its latest revision has been neither
published (or scheduled) nor sent back. Every decision is a log entry that names the revision it
decided, so a member's next edit (a new latest revision) puts the object back in the queue and
takes the reason off their account page.
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.log_actions import registry as log_registry
from wagtail.models import Revision

APPROVED = "chamber.review_approved"
SENT_BACK = "chamber.review_sent_back"
LABELS = {
    APPROVED: _("Approved from the review queue"),
    SENT_BACK: _("Sent back to the member"),
}
# Log entries that settle a revision: once one names the latest revision, nothing waits.
DECIDED = (SENT_BACK, "wagtail.publish", "wagtail.publish.schedule")
REASON_MAX_LENGTH = 2000


@dataclass(frozen=True)
class ReviewKind:
    """One kind of object members submit for review (a listing, a deal)."""

    key: str  # in the queue's URLs and filter: "listing"
    model: type[models.Model]  # a snippet with DraftStateMixin and RevisionMixin
    label: str  # for staff: "listing"
    label_plural: str  # "listings"
    permission: str  # who may see and decide them: "directory.publish_business"
    member: Callable[[Any], Any]  # the member an object belongs to
    related: tuple[str, ...] = ()  # select_related for `member` ("business__member")
    # E-mails the member that `obj` was sent back with `reason`; returns the recipients.
    send_back_notice: Callable[..., list[str]] | None = None
    order: int = 100
    # Which of the model's objects are members' (a Q, built when asked): events staff draft in
    # the admin are pages like those members submit, and never wait in this queue.
    scope: Callable[[], Q] | None = None

    def may_review(self, user) -> bool:
        return user.has_perm(self.permission)


_kinds: dict[str, ReviewKind] = {}


def register(kind: ReviewKind) -> None:
    _kinds[kind.key] = kind


def kinds() -> list[ReviewKind]:
    return sorted(_kinds.values(), key=lambda kind: (kind.order, kind.key))


def kinds_for(user) -> list[ReviewKind]:
    """The kinds `user` may review (none: the queue is not theirs)."""
    return [kind for kind in kinds() if kind.may_review(user)]


def kind_named(key: str) -> ReviewKind | None:
    return _kinds.get(key)


def kind_of(obj) -> ReviewKind | None:
    return next((kind for kind in _kinds.values() if isinstance(obj, kind.model)), None)


def review_path(obj) -> str:
    """Where staff review `obj` (an object of a registered kind) in the admin."""
    return reverse("review_queue:review", args=[kind_of(obj).key, obj.pk])


# THE rule -------------------------------------------------------------------------------------


def log_model(model):
    """Where Wagtail logs what happens to `model`: PageLogEntry for pages (an event a member
    submitted), ModelLogEntry for snippets (listings, deals)."""
    return log_registry.get_log_model_for_model(model)


def _decided(model, actions=DECIDED):
    return log_model(model).objects.filter(
        revision_id=OuterRef("latest_revision_id"), action__in=actions
    )


def waiting_q(model) -> Q:
    """THE rule for an object (of `model`) waiting for review: unpublished changes whose latest
    revision no decision names. (A listing staff took down has unpublished changes too, but its
    latest revision is the one that was published: it does not wait.)"""
    return Q(has_unpublished_changes=True, latest_revision__isnull=False) & ~Q(
        Exists(_decided(model))
    )


def waiting(kind: ReviewKind):
    """The objects of `kind` waiting for review (`.count()` is one query)."""
    objects = kind.model._default_manager.filter(waiting_q(kind.model))
    return objects.filter(kind.scope()) if kind.scope else objects


def is_waiting(obj) -> bool:
    model = type(obj)
    return model._default_manager.filter(waiting_q(model), pk=obj.pk).exists()


# The queue ------------------------------------------------------------------------------------


def waiting_revisions(kinds_: Iterable[ReviewKind]):
    """The revisions waiting for review, of `kinds_`, oldest first, each with its object (its
    member, and what `changed_fields` reads) and author: a fixed number of queries for any page
    of them."""
    kinds_ = list(kinds_)
    wanted = Q(pk__in=[])
    for kind in kinds_:
        wanted |= Q(pk__in=waiting(kind).values("latest_revision_id"))
    objects = [
        kind.model._default_manager.select_related(*kind.related).prefetch_related(
            *(field.name for field in kind.model._meta.many_to_many)
        )
        for kind in kinds_
    ]
    return (
        Revision.objects.filter(wanted)
        .select_related("user")
        .prefetch_related(GenericPrefetch("content_object", objects))
        .order_by("created_at", "pk")
    )


def _as_json(data: dict) -> dict:
    """`serializable_data()` as a revision stores it (dates and decimals as text)."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _compared_fields(model) -> list[models.Field]:
    """The fields staff and members edit: the editable ones, relations to many included."""
    return [
        field
        for field in model._meta.get_fields()
        if (field.concrete or field.many_to_many)
        and not field.auto_created
        and getattr(field, "editable", False)
        and not field.primary_key
    ]


def changed_fields(obj, revision: Revision) -> list[str]:
    """The labels of the fields `revision` changes on the live `obj` (none for an object never
    published: all of it is new), read from the stored content, without building either
    version's related objects."""
    if not obj.live:
        return []
    pending = revision.content
    live = _as_json(obj.serializable_data())
    changed = []
    for field in _compared_fields(type(obj)):
        before, after = live.get(field.name), pending.get(field.name)
        if field.many_to_many:
            before, after = sorted(before or []), sorted(after or [])
        if before != after:
            changed.append(str(capfirst(field.verbose_name)))
    return changed


@dataclass(frozen=True)
class Decision:
    """A log entry deciding a revision: its reason (sent back), who and when."""

    entry: Any  # a ModelLogEntry, or a PageLogEntry for a page

    @property
    def reason(self) -> str:
        return (self.entry.data or {}).get("reason", "")

    @property
    def at(self):
        return self.entry.timestamp

    @property
    def user(self):
        return self.entry.user


def sent_back_notes(objects: Iterable) -> dict[Any, Decision]:
    """{pk: Decision} for the objects whose waiting draft staff sent back (one query): what the
    member sees on their account page until their next edit makes a new draft. The objects are
    of one model."""
    objects = list(objects)
    revision_ids = {
        obj.latest_revision_id: obj.pk
        for obj in objects
        if obj.has_unpublished_changes and obj.latest_revision_id
    }
    if not revision_ids:
        return {}
    entries = log_model(type(objects[0])).objects.filter(
        action=SENT_BACK, revision_id__in=revision_ids
    )
    return {
        revision_ids[entry.revision_id]: Decision(entry)
        for entry in entries.order_by("timestamp", "pk")
    }


def sent_back_note(obj) -> Decision | None:
    return sent_back_notes([obj]).get(obj.pk)


# Decisions ------------------------------------------------------------------------------------


class ReviewRefused(Exception):
    """The decision was not taken (the message says why, for staff); nothing changed."""


def _lock_waiting(kind: ReviewKind, *, pk, revision_id: int, user):
    """The object, locked for the decision, if `revision_id` is still its waiting draft."""
    if not kind.may_review(user):
        raise PermissionDenied
    obj = kind.model._default_manager.select_for_update().filter(pk=pk).first()
    if obj is None:
        raise ReviewRefused(_("It no longer exists."))
    if obj.locked and obj.locked_by_id != user.pk:
        raise ReviewRefused(
            _("%(object)s is locked by another user; try again once they unlock it.")
            % {"object": obj}
        )
    if obj.latest_revision_id != revision_id:
        raise ReviewRefused(
            _("%(object)s changed since you opened it: look at the changes again.")
            % {"object": obj}
        )
    if not is_waiting(obj):
        raise ReviewRefused(_("Nothing waits for review on %(object)s.") % {"object": obj})
    return obj


@transaction.atomic
def review_approve(*, kind: ReviewKind, pk, revision_id: int, user):
    """Publish the waiting draft, through Wagtail's own publishing (its `published` signal:
    the apps' logos, caches and e-mails follow), and log the approval first."""
    obj = _lock_waiting(kind, pk=pk, revision_id=revision_id, user=user)
    revision = obj.latest_revision
    log(instance=obj, action=APPROVED, user=user, revision=revision)
    revision.publish(user=user)
    obj.refresh_from_db()
    return obj


@transaction.atomic
def review_send_back(*, kind: ReviewKind, pk, revision_id: int, user, reason: str):
    """Send the waiting draft back to the member with `reason`: logged on the object (the
    member's account shows it until their next edit), the draft kept for them to fix, and the
    member e-mailed by the app. Returns (object, recipients)."""
    reason = reason.strip()
    if not reason:
        raise ReviewRefused(_("Say why the changes are sent back."))
    obj = _lock_waiting(kind, pk=pk, revision_id=revision_id, user=user)
    revision = obj.latest_revision
    log(
        instance=obj,
        action=SENT_BACK,
        user=user,
        revision=revision,
        data={"reason": reason[:REASON_MAX_LENGTH]},
    )
    recipients = []
    if kind.send_back_notice is not None:
        recipients = kind.send_back_notice(obj=obj, revision=revision, reason=reason, user=user)
    return obj, recipients
