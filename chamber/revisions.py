"""Drafts members submit (listing, deal and job changes) for staff to publish."""

from collections.abc import Callable
from typing import Any

from wagtail.models import Revision


def store_revision(content, *, user, waiting: bool) -> Revision:
    """Store `content` (an unsaved state of a `RevisionMixin` object) as the object's latest
    revision. The row learns only the pointer (and whether changes wait for staff), so nothing
    public changes and nothing is re-indexed from `content`."""
    revision = Revision.objects.create(
        content_object=content,
        base_content_type=content.get_base_content_type(),
        user=user,
        content=content.serializable_data(),
        object_str=str(content),
    )
    type(content)._default_manager.filter(pk=content.pk).update(
        latest_revision=revision, has_unpublished_changes=waiting
    )
    return revision


def waiting_value(obj, name: str, parse: Callable[[str], Any]):
    """Field `name` as staff would publish it: read with `parse` from the stored content of
    `obj`'s latest revision (with `latest_revision` selected, a list of a member's drafts loads
    no revision objects), or `obj`'s own value without one; None when empty."""
    revision = obj.latest_revision
    if revision is None:
        return getattr(obj, name)
    value = revision.content.get(name)
    return parse(value) if value else None
