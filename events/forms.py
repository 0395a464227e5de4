from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chamber.rich_text import PlainTextField
from events.models import EventKind


class RegistrationForm(forms.Form):
    """Registering for an event: a ticket and who is coming. A logged-in member's name and
    e-mail are filled in from their account."""

    ticket = forms.TypedChoiceField(label=_("Ticket"), coerce=int, widget=forms.RadioSelect)
    name = forms.CharField(label=_("Your name"), max_length=120)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    organisation = forms.CharField(label=_("Organisation"), max_length=160, required=False)
    interested_in_membership = forms.BooleanField(
        label=_("I'm interested in joining the chamber"), required=False
    )

    def __init__(self, *args, offers, show_membership_interest: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ticket"].choices = [
            (offer.ticket.pk, self.ticket_label(offer)) for offer in offers
        ]
        if len(offers) == 1:
            self.fields["ticket"].initial = offers[0].ticket.pk
        if not show_membership_interest:
            del self.fields["interested_in_membership"]
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"

    @staticmethod
    def ticket_label(offer) -> str:
        if offer.price == 0:
            return f"{offer.ticket.name}: free"
        return f"{offer.ticket.name}: {offer.price} {offer.ticket.event.currency.upper()}"


class GuestForm(forms.Form):
    """Someone else coming on the same booking: a name for the badge and the door list, and an
    e-mail only if they should hear from us themselves."""

    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    email = forms.EmailField(
        label=_("E-mail (optional)"),
        max_length=254,
        required=False,
        help_text=_("Their own confirmation and calendar file; otherwise we write to you."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs["autocomplete"] = "off"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("email") and not cleaned.get("name"):
            self.add_error("name", _("Give the name of the person coming."))
        return cleaned


class BaseGuestFormSet(forms.BaseFormSet):
    def __init__(self, *args, booker_email: str = "", **kwargs):
        self.booker_email = booker_email
        super().__init__(*args, **kwargs)

    def guests(self) -> list[dict]:
        """The named guests, in the order typed (blank rows left out)."""
        return [
            {"name": form.cleaned_data["name"], "email": form.cleaned_data.get("email", "")}
            for form in self.forms
            if form.cleaned_data.get("name")
        ]

    def clean(self):
        if any(self.errors):
            return
        seen = {self.booker_email.lower()} if self.booker_email else set()
        for form in self.forms:
            email = (form.cleaned_data.get("email") or "").lower()
            if email and email in seen:
                form.add_error("email", _("Each person needs their own e-mail address."))
            seen.add(email)


def guest_formset(event, *, data=None, booker_email: str = ""):
    """Up to `places_per_order - 1` guests beside the booker, as fixed rows (no script needed
    to add one); an event with one place per booking has none."""
    extra = max(event.places_per_order - 1, 0)
    formset_class = forms.formset_factory(
        GuestForm, formset=BaseGuestFormSet, extra=extra, max_num=extra, validate_max=True
    )
    return formset_class(data, prefix="guests", booker_email=booker_email)


class WalkInForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    email = forms.EmailField(label=_("E-mail (optional)"), required=False)
    organisation = forms.CharField(label=_("Organisation (optional)"), required=False)


class EventSubmissionForm(forms.Form):
    """An event a member business organises, sent from /account/events/new/ for review. Times
    are the chamber's local time (the time zone every event page shows)."""

    organiser = forms.ModelChoiceField(
        label=_("Organised by"), queryset=None, empty_label=None, widget=forms.Select
    )
    title = forms.CharField(label=_("Title"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind of event"), choices=EventKind.choices)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=250,
        help_text=_("One or two sentences for the events list."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    venue_name = forms.CharField(label=_("Venue"), max_length=120, required=False)
    street = forms.CharField(label=_("Street address"), max_length=200, required=False)
    city = forms.CharField(label=_("Town"), max_length=100, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=20, required=False)
    online_url = forms.URLField(
        label=_("Online link"),
        required=False,
        assume_scheme="https",
        help_text=_("For online events: shown only to people who register."),
    )
    capacity = forms.IntegerField(
        label=_("Places"), min_value=1, required=False, help_text=_("Empty: no limit.")
    )
    member_price = forms.DecimalField(
        label=_("Price for members"), min_value=0, max_digits=8, decimal_places=2, required=False
    )
    non_member_price = forms.DecimalField(
        label=_("Price for others"), min_value=0, max_digits=8, decimal_places=2, required=False
    )
    description = PlainTextField(
        label=_("Description"),
        required=False,
        max_length=5000,
        help_text=_("Plain text; a blank line starts a new paragraph."),
    )

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = member.businesses.order_by("name", "pk")

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and starts <= timezone.now():
            self.add_error("starts_at", _("The event must start in the future."))
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        if not (cleaned.get("city") or cleaned.get("online_url")):
            self.add_error("city", _("Give the town where it happens, or an online link."))
        member, other = cleaned.get("member_price"), cleaned.get("non_member_price")
        if member is not None and other is not None and member > other:
            self.add_error("member_price", _("Members should not pay more than others."))
        return cleaned

    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value is not None}
