"""Media storage with a private side for uploads waiting for review.

A file whose name starts with `AWAITING_REVIEW` (members' logos until staff publish them, and
the renditions Wagtail makes of them, whose names start the same way) is kept in the
`private_media` storage: not under MEDIA_ROOT, never served by the web server, and its URL is
`/private-media/<name>`, a view that shows it only to those allowed (`may_read` and the rules
apps add with `register_reader`). Everything else goes to the `public_media` storage as before.

`make_public` moves an approved file to the public side under its name without the prefix, so
a logo is public from the moment its listing is published, and not a moment before.

Both sides are ordinary Django storages named in STORAGES (local files by default, S3 when
configured), so the routing works with any backend.
"""

import posixpath
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import transaction
from django.urls import reverse
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property

AWAITING_REVIEW = "awaiting-review--"

# Rules that may let a user read a private file: (user, image) -> bool. The view
# (chamber.views.private_media) allows the uploader and staff who may choose or edit the
# image; apps add their rules in ready().
Reader = Callable[[object, object], bool]
readers: list[Reader] = []


def register_reader(rule: Reader) -> None:
    if rule not in readers:
        readers.append(rule)


def is_private(name: str) -> bool:
    return posixpath.basename(name or "").startswith(AWAITING_REVIEW)


def private_name(filename: str) -> str:
    return AWAITING_REVIEW + filename


def public_name(name: str) -> str:
    folder, base = posixpath.split(name)
    return posixpath.join(folder, base.removeprefix(AWAITING_REVIEW))


@deconstructible
class PrivateFileSystemStorage(FileSystemStorage):
    """Local files under PRIVATE_MEDIA_ROOT, with no public URL of their own."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        return reverse("private_media", args=[name])


@deconstructible
class MediaStorage(Storage):
    """The default storage: each name goes to the public or the private side (see above)."""

    def __init__(self, public="public_media", private="private_media"):
        # Django makes new storages (this one included) when STORAGES changes.
        self.public_alias = public
        self.private_alias = private

    @cached_property
    def public(self) -> Storage:
        return storages[self.public_alias]

    @cached_property
    def private(self) -> Storage:
        return storages[self.private_alias]

    def side(self, name: str) -> Storage:
        return self.private if is_private(name) else self.public

    def _open(self, name, mode="rb"):
        return self.side(name).open(name, mode)

    def _save(self, name, content):
        return self.side(name).save(name, content)

    def get_available_name(self, name, max_length=None):
        return self.side(name).get_available_name(name, max_length=max_length)

    def delete(self, name):
        return self.side(name).delete(name)

    def exists(self, name):
        return self.side(name).exists(name)

    def listdir(self, path):
        return self.public.listdir(path)

    def size(self, name):
        return self.side(name).size(name)

    def url(self, name):
        if is_private(name):
            return reverse("private_media", args=[name])
        return self.public.url(name)

    def path(self, name):
        return self.side(name).path(name)

    def get_accessed_time(self, name):
        return self.side(name).get_accessed_time(name)

    def get_created_time(self, name):
        return self.side(name).get_created_time(name)

    def get_modified_time(self, name):
        return self.side(name).get_modified_time(name)


def make_public(image) -> bool:
    """Move an approved image's file to the public side (False when it is public already).

    The public copy is written and the row updated in the caller's transaction; the private
    original is deleted once it commits. Renditions of the private file are deleted (Wagtail
    removes their files and cache entries) and are made again, publicly, when next shown.
    """
    old = image.file.name
    if not is_private(old):
        return False
    storage = image.file.storage
    with storage.open(old, "rb") as original:
        content = original.read()
    image.file.name = storage.save(public_name(old), ContentFile(content))
    image.save(update_fields=["file"])
    for rendition in image.renditions.all():
        rendition.delete()
    transaction.on_commit(lambda: storage.delete(old))
    return True
