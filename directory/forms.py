"""Form pieces other apps' forms share: choosing directory categories; and the public
"Contact this business" form.

A form with a `categories` field of `CategoryChoiceField` (checkboxes) mixes in
`CategoryCheckboxes` so its template can show them under their top-level category, in the
directory's order (templates/components/category_checkboxes.html).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models.listings import Category


class CategoryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class CategoryCheckboxes:
    """For a ModelForm with a `categories` field: every category offered, read in one query."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = Category.objects.select_related("parent")

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


def _order(category: Category) -> tuple[int, str]:
    return category.sort_order, category.name


# Control characters a visitor's text has no use for (tabs and line breaks are kept).
_CONTROL = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 127])


class ContactForm(forms.Form):
    """A visitor's message to a listing ("Contact this business"). `website_url` is a honeypot:
    hidden from people, filled in by bots; a post with it is dropped without a word."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,  # what the log's column holds
        help_text=_("The business answers you here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    website_url = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def honeypot(self):
        return self["website_url"]

    def visible_fields(self):
        return [field for field in super().visible_fields() if field.name != "website_url"]

    def error_links(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) for each field error: the error summary's links."""
        return [
            (field.id_for_label, field.label, error)
            for field in self.visible_fields()
            for error in field.errors
        ]

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website_url"))

    def clean_name(self):
        # One line: the name is shown in the e-mail, never in a header, but stays plain.
        return " ".join(self.cleaned_data["name"].translate(_CONTROL).split())

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def clean_message(self):
        message = self.cleaned_data["message"].translate(_CONTROL).replace("\r\n", "\n").strip()
        if not message:
            raise forms.ValidationError(_("Please write a message."), code="required")
        return message
