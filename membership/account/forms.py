from django import forms
from django.utils.translation import gettext_lazy as _

from membership.models.members import MembershipLevel


class PayForm(forms.Form):
    class Choice:
        ONCE = "once"
        AUTO = "auto"

    choice = forms.ChoiceField(
        label=_("How would you like to pay?"),
        choices=[
            (Choice.ONCE, _("Pay for one year now")),
            (Choice.AUTO, _("Renew automatically every year by card")),
        ],
        widget=forms.RadioSelect,
        initial=Choice.AUTO,
    )


class LevelChangeForm(forms.Form):
    level = forms.ModelChoiceField(
        label=_("The level you would like"),
        queryset=MembershipLevel.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("Anything the chamber office should know (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = MembershipLevel.objects.filter(active=True).exclude(
            pk=member.level_id
        )
