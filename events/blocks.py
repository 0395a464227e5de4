"""The blocks of an event page's body. Events sit below home in the app layers, so they keep
their own small set rather than the editorial pages' (home/blocks.py)."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class EventBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("Heading"), max_length=120, icon="title", template="events/blocks/heading.html"
    )
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"), features=["bold", "italic", "link", "ul", "ol"]
    )
    image = ImageBlock(label=_("Image"), template="events/blocks/image.html")
    agenda = blocks.ListBlock(
        blocks.StructBlock(
            [
                ("time", blocks.CharBlock(label=_("Time"), max_length=20)),
                ("item", blocks.CharBlock(label=_("What happens"), max_length=200)),
            ]
        ),
        label=_("Agenda"),
        icon="list-ul",
        template="events/blocks/agenda.html",
    )

    class Meta:
        block_counts = {}
