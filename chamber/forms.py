"""Small helpers every app's public forms share."""

from django import forms
from django.forms.utils import pretty_name
from django.utils.translation import gettext_lazy as _

OPTIONAL = _("(optional)")


def mark_optional(form: forms.BaseForm, *, skip=()) -> None:
    """Say "(optional)" after the label of each field that may be left empty, so a form that
    says "all fields are required unless marked" tells the truth. Tick boxes are left alone
    (leaving one unticked is an answer, not an omission)."""
    for name, field in form.fields.items():
        if name in skip or field.required or isinstance(field.widget, forms.CheckboxInput):
            continue
        if field.label is None:
            field.label = pretty_name(name)
        field.label = f"{field.label} {OPTIONAL}"


class DateInput(forms.DateInput):
    """The browser's date picker; it sends and shows ISO dates (YYYY-MM-DD)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
