"""The member's own listing form: the fields every listing has, plus those its level allows.

Fields a level does not allow are not on the form at all, so posting them changes nothing. The
description is typed as plain text (paragraphs, "- " bullet lines) and stored as the rich text
the admin edits; whatever arrives is escaped, then cleaned like any description.
"""

import html
import re
from html.parser import HTMLParser

from django import forms
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from directory import rich_text
from directory.models import Business, Category
from membership.account.uploads import MAX_SIDE, logo_clean, max_bytes, member_logo_save

BASE_FIELDS = [
    "name",
    "summary",
    "categories",
    "keywords",
    "street",
    "city",
    "region",
    "postcode",
    "country",
    "phone",
    "phone_visibility",
    "email",
    "email_visibility",
    "website",
]
SOCIAL_FIELDS = ["facebook_url", "instagram_url", "linkedin_url", "x_url"]
# Level flag → the form fields it adds.
TIER_FIELDS = {
    "listing_logo": ["logo", "remove_logo"],
    "listing_description": ["description"],
    "listing_social_links": SOCIAL_FIELDS,
    "listing_opening_hours": ["opening_hours"],
}
MODEL_FIELDS = [*BASE_FIELDS, "description", *SOCIAL_FIELDS, "opening_hours"]
BULLET = re.compile(r"^[-*•]\s+")


class _DescriptionText(HTMLParser):
    """Stored description HTML → the plain text the member edits."""

    BLOCKS = {"p", "ul", "ol"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[list[str]] = []
        self.line: list[str] | None = None

    def _new_block(self):
        self._end_line()
        self.blocks.append([])

    def _end_line(self):
        if self.line is not None:
            if not self.blocks:
                self.blocks.append([])
            self.blocks[-1].append("".join(self.line).strip())
        self.line = None

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self._new_block()
        elif tag == "li":
            self._end_line()
            self.line = ["- "]
        elif tag == "br":
            self._end_line()
            self.line = []

    def handle_endtag(self, tag):
        if tag in self.BLOCKS or tag == "li":
            self._end_line()

    def handle_data(self, data):
        if self.line is None:
            self.line = []
        self.line.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        self._end_line()
        paragraphs = ["\n".join(line for line in block if line) for block in self.blocks]
        return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def description_text(stored: str) -> str:
    parser = _DescriptionText()
    parser.feed(stored or "")
    parser.close()
    return parser.text()


def description_html(text: str) -> str:
    """Plain text → description HTML: a blank line starts a paragraph; a paragraph whose lines
    all start with "- " becomes a bulleted list. Every character typed is escaped."""
    parts = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in paragraph.splitlines() if line.strip()]
        if not lines:
            continue
        if all(BULLET.match(line) for line in lines):
            items = "".join(f"<li>{html.escape(BULLET.sub('', line))}</li>" for line in lines)
            parts.append(f"<ul>{items}</ul>")
        else:
            parts.append(f"<p>{'<br/>'.join(html.escape(line) for line in lines)}</p>")
    return rich_text.clean_description("".join(parts))


class PlainTextField(forms.CharField):
    """A textarea's text with line endings made "\\n", so an unchanged description posted back
    by a browser ("\\r\\n") counts as unchanged."""

    widget = forms.Textarea

    def to_python(self, value):
        value = super().to_python(value)
        lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return "\n".join(line.rstrip() for line in lines)


def _formfield(db_field, **kwargs):
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return db_field.formfield(**kwargs)


class CategoryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ListingForm(forms.ModelForm):
    description = PlainTextField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Plain text. Leave a blank line between paragraphs; start lines with “- ” for a "
            "bulleted list."
        ),
    )
    logo = forms.FileField(
        label=_("Upload a new logo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)

    class Meta:
        model = Business
        fields = MODEL_FIELDS
        field_classes = {"categories": CategoryChoiceField}
        formfield_callback = _formfield
        widgets = {
            "categories": forms.CheckboxSelectMultiple,
            "phone_visibility": forms.RadioSelect,
            "email_visibility": forms.RadioSelect,
            "opening_hours": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "summary": _("Summary (one sentence)"),
            "phone": _("Phone number"),
            "email": _("E-mail address"),
        }

    def __init__(self, *args, level, **kwargs):
        super().__init__(*args, **kwargs)
        for flag, names in TIER_FIELDS.items():
            if not getattr(level, flag):
                for name in names:
                    self.fields.pop(name, None)
        if not self.instance.logo_id:
            self.fields.pop("remove_logo", None)
        if "logo" in self.fields:
            self.fields["logo"].help_text = _(
                "PNG, JPEG or WebP, up to %(size)s and %(side)s × %(side)s pixels."  # noqa: RUF001
            ) % {"size": filesizeformat(max_bytes()), "side": MAX_SIDE}
        if "description" in self.fields:
            self.initial["description"] = description_text(self.instance.description)
        self.fields["categories"].queryset = Category.objects.select_related("parent")

    def clean_description(self):
        return description_html(self.cleaned_data["description"])

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        return logo_clean(upload) if upload else None

    def category_groups(self) -> list[tuple[str, list]]:
        """The category checkboxes under their top-level category, in the directory's order."""
        groups: dict[int, tuple[Category, list]] = {}
        for checkbox in self["categories"]:
            category = checkbox.data["value"].instance
            top = category.parent or category
            groups.setdefault(top.pk, (top, []))[1].append((category, checkbox))
        ordered = sorted(groups.values(), key=lambda group: (group[0].sort_order, group[0].name))
        return [
            (
                top.name,
                [
                    checkbox
                    for category, checkbox in sorted(
                        members,
                        key=lambda pair: (pair[0].parent_id is not None, *_order(pair[0])),
                    )
                ],
            )
            for top, members in ordered
        ]

    def changes(self, *, user) -> dict:
        """What the member changed, as model values. An uploaded logo becomes a Wagtail image
        here, so call this only once the form is valid and the change is being saved."""
        changed = set(self.changed_data)
        values = {name: self.cleaned_data[name] for name in MODEL_FIELDS if name in changed}
        if "categories" in values:
            values["categories"] = list(values["categories"])
        if self.cleaned_data.get("logo"):
            name = self.cleaned_data.get("name") or self.instance.name
            values["logo"] = member_logo_save(
                self.cleaned_data["logo"], title=f"{name} logo", user=user
            )
        elif self.cleaned_data.get("remove_logo"):
            values["logo"] = None
        return values


def _order(category: Category) -> tuple[int, str]:
    return category.sort_order, category.name
