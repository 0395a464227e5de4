"""Images members upload (logos today): checked by their content, then re-encoded into a clean
file.

Only JPEG, PNG and WebP are taken, whatever the file is called; SVG (which can carry scripts)
and everything else are refused. The size in bytes and pixels is checked before the image is
decoded, so a small file that would unpack into a huge bitmap is refused unread. What is stored
is a fresh encoding of the pixels alone: metadata (EXIF, GPS, comments) and anything appended
after the image data are gone.
"""

import io
import secrets
import struct
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from PIL import Image, ImageOps, UnidentifiedImageError
from wagtail.images import get_image_model
from wagtail.models import Collection

from chamber.storage import private_name

MAX_SIDE = 4000
# Pillow format → file extension, and the modes each format stores as they are.
FORMATS = {
    "JPEG": ("jpg", {"RGB", "L"}),
    "PNG": ("png", {"RGB", "RGBA", "L", "LA", "P"}),
    "WEBP": ("webp", {"RGB", "RGBA"}),
}
# What Pillow raises on malformed or hostile input, depending on the format and where it breaks.
UNREADABLE = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    struct.error,
)
ACCEPTED = "Please upload a PNG, JPEG or WebP image."


def max_bytes() -> int:
    return settings.MEMBER_LOGO_MAX_BYTES


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    format: str
    width: int
    height: int

    @property
    def extension(self) -> str:
        return FORMATS[self.format][0]


def _looks_like_svg(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return b"<svg" in text or (text.startswith(b"<?xml") and b"svg" in text)


def clean_image(upload) -> CleanImage:
    """The upload re-encoded, or a ValidationError that says what is wrong with it."""
    limit = max_bytes()
    if upload.size > limit:
        raise ValidationError(
            "This file is %(size)s; logos may be %(limit)s at most.",
            code="too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:  # the reported size was wrong
        raise ValidationError(
            "Logos may be %(limit)s at most.",
            code="too_large",
            params={"limit": filesizeformat(limit)},
        )
    if _looks_like_svg(data[:1024]):
        raise ValidationError(f"SVG images aren't accepted. {ACCEPTED}", code="svg")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))  # reads the header only
            if image.format not in FORMATS:
                raise ValidationError(
                    "%(format)s images aren't accepted. " + ACCEPTED,
                    code="format",
                    params={"format": image.format},
                )
            width, height = image.size
            if width > MAX_SIDE or height > MAX_SIDE:
                raise ValidationError(
                    "This image is %(width)s × %(height)s pixels; logos may be "  # noqa: RUF001
                    "%(max)s × %(max)s at most.",  # noqa: RUF001
                    code="too_many_pixels",
                    params={"width": width, "height": height, "max": MAX_SIDE},
                )
            image.verify()
            # verify() leaves the image unusable: decode it afresh.
            image = Image.open(io.BytesIO(data))
            image.load()
            return _reencode(image, image_format=image.format)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(
            "This image has too many pixels; logos may be %(max)s × %(max)s at most.",  # noqa: RUF001
            code="too_many_pixels",
            params={"max": MAX_SIDE},
        ) from error
    except UNREADABLE as error:
        raise ValidationError(
            f"This file isn't an image we can read. {ACCEPTED}", code="unreadable"
        ) from error


def _reencode(image: Image.Image, *, image_format: str) -> CleanImage:
    image = ImageOps.exif_transpose(image)  # a phone photo's rotation, before EXIF goes
    # Pillow writes some of what it read back out (a JPEG's comment): keep nothing but a
    # palette's transparency, which is part of the pixels.
    image.info = {key: value for key, value in image.info.items() if key == "transparency"}
    modes = FORMATS[image_format][1]
    if image.mode not in modes:
        has_alpha = "A" in image.getbands() or "transparency" in image.info
        image = image.convert("RGBA" if has_alpha and "RGBA" in modes else "RGB")
    options = {
        "JPEG": {"quality": 90, "optimize": True},
        "PNG": {"optimize": True},
        "WEBP": {"quality": 90},
    }[image_format]
    out = io.BytesIO()
    # No exif=, pnginfo= or comment=: Pillow writes the pixels, not the metadata it read.
    image.save(out, format=image_format, **options)
    return CleanImage(
        content=out.getvalue(), format=image_format, width=image.width, height=image.height
    )


def collection_named(name: str) -> Collection:
    """The top-level image collection called `name`, made the first time."""
    existing = Collection.objects.filter(name=name).first()
    if existing:
        return existing
    return Collection.get_first_root_node().add_child(name=name)


def save_image(clean: CleanImage, *, title: str, collection: str, user=None, awaiting_review=False):
    """A Wagtail image from a cleaned upload, in the collection called `collection`.

    `awaiting_review`: the file is kept private (chamber/storage.py) until `make_public`.
    """
    image = get_image_model()(
        title=title[:255], collection=collection_named(collection), uploaded_by_user=user
    )
    # A random part: no address anyone can guess, before or after review.
    filename = f"{slugify(title)[:50] or 'image'}-{secrets.token_hex(8)}.{clean.extension}"
    if awaiting_review:
        filename = private_name(filename)
    image.file.save(filename, ImageFile(io.BytesIO(clean.content), name=filename), save=False)
    image._set_image_file_metadata()
    image.save()
    return image
