from django import forms
from django.utils.translation import gettext_lazy as _

from chamber.forms import mark_optional
from membership.models.applications import APPLICANT_FIELDS, Application
from membership.models.members import MembershipLevel


class LevelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, level):
        return f"{level.name} — {level.annual_dues:,.2f} {level.currency.upper()} a year"


def normalise_email(value: str) -> str:
    return value.strip().lower()


class ApplicationForm(forms.ModelForm):
    """The join form. `website_url` is a honeypot: hidden from people, filled in by bots."""

    level = LevelChoiceField(
        queryset=MembershipLevel.objects.filter(active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        label=_("Membership level"),
    )
    website = forms.URLField(
        required=False,
        assume_scheme="https",
        label=_("Website"),
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    website_url = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = Application
        fields = APPLICANT_FIELDS
        widgets = {
            "message": forms.Textarea(attrs={"rows": 4}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "organisation_name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "street": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "region": forms.TextInput(attrs={"autocomplete": "address-level1"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "country": forms.TextInput(attrs={"autocomplete": "country-name"}),
        }
        labels = {"primary_category": _("What does your business do?")}
        help_texts = {
            "primary_category": _("The directory category that fits best; you can add more later."),
            "auto_renew": _(
                "Your card is charged once a year until you switch this off. Untick to pay "
                "for one year now and renew by hand."
            ),
            "message": _("Anything the chamber should know."),
        }

    def __init__(self, *args, online_payment: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = MembershipLevel.objects.filter(active=True)
        # The category is the directory's, named by the model's relation (no import of it):
        # "Parent / Child" labels, grouped under their parents.
        categories = self.fields["primary_category"]
        categories.queryset = categories.queryset.select_related("parent").order_by(
            "parent__name", "parent_id", "name"
        )
        categories.empty_label = _("Choose a category")
        if not online_payment:
            # Invoiced members pay each year by hand: there is nothing to renew automatically.
            del self.fields["auto_renew"]
            self.instance.auto_renew = False
        mark_optional(self, skip={"website_url"})
        self.is_spam = False

    @property
    def honeypot(self):
        return self["website_url"]

    def visible_fields(self):
        return [field for field in super().visible_fields() if field.name != "website_url"]

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])

    def clean_organisation_name(self):
        return " ".join(self.cleaned_data["organisation_name"].split())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website_url"):
            self.is_spam = True
        return cleaned
