from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordMixin
from django.utils.translation import gettext_lazy as _

from membership.models.members import MemberContact

ROLE_HELP = _(
    "Primary contacts manage the membership and its contacts; billing contacts pay dues and "
    "receive receipts; staff edit the listings."
)


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=MemberContact.Role.choices,
        initial=MemberContact.Role.STAFF,
        help_text=ROLE_HELP,
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MemberContact.Role.choices)


class InvitationSignUpForm(SetPasswordMixin, forms.Form):
    """The invited person's new account: their name and a password; the e-mail address is
    the invitation's."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    password1, password2 = SetPasswordMixin.create_password_fields(label2=_("Password again"))

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned_data = super().clean()
        self.validate_passwords()
        # The validators compare the password with the name and address too.
        user = get_user_model()(
            username=self.email,
            email=self.email,
            first_name=cleaned_data.get("first_name", ""),
            last_name=cleaned_data.get("last_name", ""),
        )
        self.validate_password_for_user(user)
        return cleaned_data
