from django import forms
from django.utils.translation import gettext_lazy as _


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


class WalkInForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    email = forms.EmailField(label=_("E-mail (optional)"), required=False)
    organisation = forms.CharField(label=_("Organisation (optional)"), required=False)
