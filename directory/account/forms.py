"""The member's own listing form: the fields every listing has, plus those its level allows.

Fields a level does not allow are not on the form at all, so posting them changes nothing. The
description is typed as plain text (paragraphs, "- " bullet lines) and stored as the rich text
the admin edits; whatever arrives is escaped, then cleaned like any description.
"""

from django import forms
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from chamber.rich_text import PlainTextField, plain_to_rich_text, rich_text_to_plain
from chamber.uploads import MAX_SIDE, clean_image, max_bytes, save_image
from directory.forms import CategoryCheckboxes, CategoryChoiceField
from directory.models.listings import Business
from directory.services import LOGO_COLLECTION

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
# On the form but not part of a draft: the member's switch takes effect at once
# (directory/services.py `listing_set_accepts_messages`).
SWITCH_FIELDS = ["accepts_messages"]


def _formfield(db_field, **kwargs):
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return db_field.formfield(**kwargs)


class ListingForm(CategoryCheckboxes, forms.ModelForm):
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
        fields = [*MODEL_FIELDS, *SWITCH_FIELDS]
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
            "accepts_messages": _("Show a “Contact this business” form on the listing"),
        }
        help_texts = {
            "accepts_messages": _(
                "Visitors' messages come to the e-mail address above, which they never see; "
                "you answer them directly. Switching it takes effect at once."
            ),
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
            self.initial["description"] = rich_text_to_plain(self.instance.description)

    def clean_description(self):
        return plain_to_rich_text(self.cleaned_data["description"])

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        return clean_image(upload) if upload else None

    def changes(self, *, user) -> dict:
        """What the member changed, as model values. An uploaded logo becomes a Wagtail image
        here, so call this only once the form is valid and the change is being saved."""
        changed = set(self.changed_data)
        values = {name: self.cleaned_data[name] for name in MODEL_FIELDS if name in changed}
        if "categories" in values:
            values["categories"] = list(values["categories"])
        if self.cleaned_data.get("logo"):
            name = self.cleaned_data.get("name") or self.instance.name
            values["logo"] = save_image(
                self.cleaned_data["logo"],
                title=f"{name} logo",
                collection=LOGO_COLLECTION,
                user=user,
                awaiting_review=True,
            )
        elif self.cleaned_data.get("remove_logo"):
            values["logo"] = None
        return values
