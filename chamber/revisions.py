"""Drafts members submit (listing and deal changes) for staff to publish."""

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
