"""The member's job form: a job at one of the member's own businesses, in a town of the
directory or remote, with an optional salary and a closing date at most 90 days ahead.

The description is typed as plain text and stored as the rich text the admin edits (every
character escaped, then cleaned), as deals' details are (chamber/rich_text.py).
"""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chamber.forms import DateInput
from chamber.rich_text import PlainTextField, plain_to_rich_text, rich_text_to_plain
from directory.facets import all_cities
from jobs.models.postings import DEFAULT_OPEN_DAYS, MAX_OPEN_DAYS, JobPosting
from jobs.submissions import JOB_FIELDS


class BusinessChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.city})" if obj.city else obj.name


def town_choices(*extra: str) -> list[tuple[str, str]]:
    """The directory's towns (those with public listings, A-Z), and `extra` ones (the job's
    own town, the member's business towns) so a form never loses what it shows."""
    names = {label for _slug, label, _count in all_cities()} | {name for name in extra if name}
    return [("", _("— No town: remote only —")), *((n, n) for n in sorted(names, key=str.casefold))]


class JobForm(forms.ModelForm):
    description = PlainTextField(
        label=_("Description"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "The role, what the person will do and what you look for. Plain text: leave a "
            "blank line between paragraphs; start lines with “- ” for a bulleted list."
        ),
    )
    town = forms.ChoiceField(label=_("Town"), required=False)
    closes_on = forms.DateField(
        label=_("Closing date"),
        widget=DateInput,
        help_text=_("The last day you take applications: at most 90 days from posting."),
    )

    class Meta:
        model = JobPosting
        fields = JOB_FIELDS
        field_classes = {"business": BusinessChoiceField}
        widgets = {
            "employment_type": forms.RadioSelect,
            "workplace_type": forms.RadioSelect,
        }
        labels = {"business": _("Employer")}
        help_texts = {
            "title": _("E.g. “Bookkeeper (part-time)”."),
            "salary_min": _("Optional. The salary, or the bottom of its range."),
            "salary_max": _("Optional. The top of the range."),
            "apply_url": _("Where to apply online (your careers page); or give an e-mail."),
            "apply_email": _("Shown on the page in a form that spam robots can't easily read."),
        }

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_new = self.instance.pk is None
        businesses = list(member.businesses.order_by("name"))
        field = self.fields["business"]
        field.queryset = member.businesses.order_by("name")
        if len(businesses) == 1:
            field.empty_label = None
        self.fields["town"].choices = town_choices(
            self.instance.town, *(business.city for business in businesses)
        )
        self.initial["description"] = rich_text_to_plain(self.instance.description)
        today = timezone.localdate()
        if self.is_new:
            self.initial["closes_on"] = today + datetime.timedelta(days=DEFAULT_OPEN_DAYS)
            if businesses:
                self.initial.setdefault("town", businesses[0].city)

    def clean_description(self):
        return plain_to_rich_text(self.cleaned_data["description"])

    def clean_closes_on(self):
        closes_on = self.cleaned_data["closes_on"]
        today = timezone.localdate()
        posted_on = today if self.is_new else self.instance.posted_on
        if closes_on < today:
            raise forms.ValidationError(_("The closing date has passed; choose today or later."))
        if closes_on > posted_on + datetime.timedelta(days=MAX_OPEN_DAYS):
            raise forms.ValidationError(
                _("A job stays open at most %(days)d days after posting (until %(last)s).")
                % {"days": MAX_OPEN_DAYS, "last": posted_on + datetime.timedelta(MAX_OPEN_DAYS)}
            )
        return closes_on

    def _post_clean(self):
        # A new job is posted the day it is sent (the model's rules compare the dates).
        if self.is_new:
            self.instance.posted_on = timezone.localdate()
        super()._post_clean()

    def values(self) -> dict:
        """Every field as model values, for a new job."""
        return {name: self.cleaned_data[name] for name in JOB_FIELDS}

    def changes(self) -> dict:
        """Only what the member changed, as model values, for a draft of an existing job."""
        changed = set(self.changed_data)
        return {name: self.cleaned_data[name] for name in JOB_FIELDS if name in changed}
