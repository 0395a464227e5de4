"""The member's deal form: offered by one of the member's own businesses, dates as whole days.

The details are typed as plain text, like a listing's description, and stored as the rich text
the admin edits (every character escaped, then cleaned). Dates are days in the chamber's time
zone: a deal runs from the start of its first day to the end (23:59:59) of its last.
"""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chamber.forms import DateInput
from chamber.rich_text import PlainTextField, plain_to_rich_text, rich_text_to_plain
from deals.models.deals import Deal
from deals.submissions import DEAL_FIELDS
from directory.forms import CategoryCheckboxes, CategoryChoiceField

END_OF_DAY = datetime.time(23, 59, 59)
FORM_FIELDS = [*DEAL_FIELDS, "categories"]


class BusinessChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.city})" if obj.city else obj.name


def start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, END_OF_DAY))


class DealForm(CategoryCheckboxes, forms.ModelForm):
    details = PlainTextField(
        label=_("Details"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "The offer itself. Plain text: leave a blank line between paragraphs; start lines "
            "with “- ” for a bulleted list. On a members-only deal, only members read this."
        ),
    )
    valid_from = forms.DateField(label=_("First day"), widget=DateInput)
    valid_until = forms.DateField(
        label=_("Last day"),
        required=False,
        widget=DateInput,
        help_text=_("Leave empty for an ongoing offer."),
    )

    class Meta:
        model = Deal
        fields = FORM_FIELDS
        field_classes = {"business": BusinessChoiceField, "categories": CategoryChoiceField}
        widgets = {
            "audience": forms.RadioSelect,
            "categories": forms.CheckboxSelectMultiple,
            "terms": forms.Textarea(attrs={"rows": 4}),
            "redemption_instructions": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"business": _("Offered by"), "summary": _("Summary (one line)")}
        help_texts = {
            "title": _("E.g. “10% off office printing”."),
            "code": _("Optional. Shown to those who take up the deal."),
        }

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_new = self.instance.pk is None
        businesses = member.businesses.order_by("name")
        field = self.fields["business"]
        field.queryset = businesses
        if len(businesses) == 1:
            field.empty_label = None
        self.fields["categories"].required = False
        self.initial["details"] = rich_text_to_plain(self.instance.details)
        if self.is_new:
            self.initial["valid_from"] = timezone.localdate()
            self.initial.pop("valid_until", None)
        else:
            self.initial["valid_from"] = timezone.localdate(self.instance.valid_from)
            if self.instance.valid_until:
                self.initial["valid_until"] = timezone.localdate(self.instance.valid_until)

    def clean_details(self):
        return plain_to_rich_text(self.cleaned_data["details"])

    def clean_valid_from(self):
        return start_of_day(self.cleaned_data["valid_from"])

    def clean_valid_until(self):
        day = self.cleaned_data.get("valid_until")
        if day is None:
            return None
        until = end_of_day(day)
        if self.is_new and until < timezone.now():
            raise forms.ValidationError(_("The last day has passed; choose today or later."))
        return until

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("valid_from"), cleaned.get("valid_until")
        if starts and ends and ends < starts:
            self.add_error("valid_until", _("The last day must be on or after the first day."))
        return cleaned

    def values(self) -> dict:
        """Every field as model values, for a new deal."""
        values = {name: self.cleaned_data[name] for name in FORM_FIELDS}
        values["categories"] = list(values["categories"])
        return values

    def changes(self) -> dict:
        """Only what the member changed, as model values, for a draft of an existing deal."""
        changed = set(self.changed_data)
        values = {name: self.cleaned_data[name] for name in FORM_FIELDS if name in changed}
        if "categories" in values:
            values["categories"] = list(values["categories"])
        return values
