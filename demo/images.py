"""Demo pictures drawn locally with Pillow, so a first run never downloads anything."""

import hashlib
import io

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.images.models import Image

PALETTE = ["#0b4f6c", "#01717a", "#2d6a4f", "#7b2d26", "#5f4b8b", "#9c4f00", "#1d3557", "#6b4226"]


def _font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # very old Pillow without scalable default font
        return ImageFont.load_default()


def _colour_for(text: str) -> str:
    digest = hashlib.sha256(text.encode()).digest()
    return PALETTE[digest[0] % len(PALETTE)]


def initials(name: str) -> str:
    words = [word for word in name.replace("&", " ").split() if word[:1].isalnum()]
    return "".join(word[0] for word in words[:2]).upper() or "?"


def draw_logo(name: str, *, size: int = 400) -> bytes:
    """A square badge with the organisation's initials on a colour derived from its name."""
    image = PILImage.new("RGB", (size, size), _colour_for(name))
    draw = ImageDraw.Draw(image)
    inset = size // 12
    draw.ellipse((inset, inset, size - inset, size - inset), outline="#ffffff", width=size // 40)
    draw.text(
        (size / 2, size / 2), initials(name), fill="#ffffff", font=_font(size // 3), anchor="mm"
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def draw_skyline(*, width: int = 1600, height: int = 1000, seed: str = "riverside") -> bytes:
    """A stylised small-town main street at dusk: sky gradient, river, rows of storefronts."""
    digest = hashlib.sha256(seed.encode()).digest()
    image = PILImage.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    top, bottom = (11, 79, 108), (244, 162, 97)
    for y in range(height):
        t = y / height
        colour = tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    x = 0
    index = 0
    while x < width:
        building_width = 90 + digest[index % len(digest)] % 120
        building_height = 260 + digest[(index + 7) % len(digest)] % 360
        shade = 30 + digest[(index + 3) % len(digest)] % 40
        draw.rectangle(
            [x, height - 180 - building_height, x + building_width, height - 180],
            fill=(shade, shade + 10, shade + 25),
        )
        for wy in range(height - 160 - building_height, height - 220, 60):
            for wx in range(x + 18, x + building_width - 24, 34):
                lit = (wx + wy + index) % 3 != 0
                draw.rectangle(
                    [wx, wy, wx + 14, wy + 24], fill=(255, 214, 120) if lit else (60, 70, 90)
                )
        x += building_width + 6
        index += 1
    draw.rectangle([0, height - 180, width, height], fill=(20, 90, 120))
    for y in range(height - 170, height, 22):
        draw.line([(0, y), (width, y + 6)], fill=(60, 140, 170), width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82)
    return buffer.getvalue()


def get_or_create_image(*, title: str, filename: str, draw) -> Image:
    """Return the Wagtail image with this title, drawing and saving it the first time."""
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    image = Image(title=title)
    image.file.save(filename, ImageFile(io.BytesIO(draw()), name=filename), save=False)
    image.save()
    return image
