"""StreamField blocks for editorial pages. Each renders with its own template."""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock


def _refuse(field: str, message: str):
    """Reject a struct block's value, with `message` shown under its `field`."""
    raise StructBlockValidationError(block_errors={field: ErrorList([ValidationError(message)])})


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=120)
    level = blocks.ChoiceBlock(
        choices=[("h2", _("Section heading (H2)")), ("h3", _("Sub-heading (H3)"))],
        default="h2",
        label=_("Level"),
    )

    class Meta:
        icon = "title"
        template = "components/blocks/heading_block.html"
        preview_value = {"text": "Why businesses join the chamber", "level": "h2"}


# Block previews of an image or a document need a real one: the newest in the library, looked
# up when the preview is shown (a callable `preview_value`); with none, the block shows nothing.
def _preview_image():
    from wagtail.images import get_image_model

    return get_image_model().objects.order_by("-created_at").first()


def _preview_document():
    from wagtail.documents import get_document_model

    return get_document_model().objects.order_by("-created_at").first()


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "components/blocks/image_block.html"
        description = _("A picture across the text column, with an optional caption")
        preview_value = staticmethod(
            lambda: {"image": _preview_image(), "caption": "Main Street on a market day"}
        )


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False, max_length=120)

    class Meta:
        icon = "openquote"
        template = "components/blocks/quote_block.html"
        preview_value = {
            "quote": "Joining the chamber put us in front of every business in town.",
            "attribution": "Maria Lopez, Riverbend Bakery",
        }


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    text = blocks.TextBlock(label=_("Text"), required=False)
    button_label = blocks.CharBlock(label=_("Button label"), max_length=40)
    page = blocks.PageChooserBlock(label=_("Link to a page"), required=False)
    url = blocks.URLBlock(label=_("…or to an address"), required=False)

    class Meta:
        icon = "pick"
        template = "components/blocks/call_to_action_block.html"
        preview_value = {
            "heading": "Grow with the chamber",
            "text": "Member businesses get listed, promoted and heard at city hall.",
            "button_label": "Become a member",
            "url": "https://example.org/join/",
        }

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            _refuse("url", _("Choose either a page or an address for the button, not both."))
        return value


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(
        label=_("Link text"),
        required=False,
        max_length=120,
        help_text=_("Leave empty to use the document's title."),
    )
    description = blocks.CharBlock(label=_("Description"), required=False, max_length=250)

    class Meta:
        icon = "doc-full"
        template = "components/blocks/document_block.html"
        description = _("A document to download, with its file type and size")
        preview_value = staticmethod(
            lambda: {
                "document": _preview_document(),
                "title": "Download the policy brief",
                "description": "Two pages, for members and councillors.",
            }
        )


class TableBlockWithCaption(TableBlock):
    class Meta:
        icon = "table"
        template = "components/blocks/table_block.html"
        description = _("A table of data, with a caption and a header row or column")
        preview_value = {
            "first_row_is_table_header": True,
            "first_col_is_header": False,
            "table_caption": "Parking occupancy on Main Street",
            "data": [
                ["Time", "Weekdays", "Saturdays"],
                ["9 am", "41%", "55%"],
                ["1 pm", "87%", "96%"],
                ["5 pm", "72%", "64%"],
            ],
        }


class RelatedLinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Link text"), required=False, max_length=120)
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.URLBlock(label=_("…or an address"), required=False)

    class Meta:
        icon = "link"

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            _refuse("url", _("Choose either a page or an address, not both."))
        if value.get("url") and not value.get("title"):
            _refuse("title", _("Give the link a text when it points to an address."))
        return value


class RelatedLinksBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), default="Related links", max_length=80)
    links = blocks.ListBlock(RelatedLinkBlock(), label=_("Links"), min_num=1)

    class Meta:
        icon = "list-ul"
        template = "components/blocks/related_links_block.html"
        description = _("A short list of links to pages or other sites")
        preview_value = {
            "heading": "Read more",
            "links": [
                {"title": "City of Riverside: parking study", "url": "https://example.org/"},
                {"title": "Downtown plan (PDF)", "url": "https://example.org/plan.pdf"},
            ],
        }


class BodyStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul", "document-link"],
        template="components/blocks/paragraph_block.html",
        icon="pilcrow",
        preview_value=(
            "<p>The chamber speaks for <b>local business</b> on parking, permits and "
            "the downtown plan.</p>"
        ),
    )
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    document = DocumentBlock()
    table = TableBlockWithCaption()
    related_links = RelatedLinksBlock()
