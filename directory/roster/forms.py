"""The admin upload page's forms: the file and how to read it; then, on the preview, what to do
with each possible duplicate and how to write (drafts, welcome e-mails)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.roster import cells
from directory.roster.presets import PRESETS
from directory.roster.preview import DECISIONS, SKIP

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # 50,000 rows of a wide roster fit several times over


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file"),
        help_text=_("CSV (any delimiter; UTF-8 or Windows-1252) or an Excel workbook (.xlsx)."),
    )
    preset = forms.ChoiceField(
        label=_("Exported from"),
        required=False,
        choices=[("", _("This portal, or our template's columns"))]
        + [(key, preset.label) for key, preset in PRESETS.items()],
    )
    date_order = forms.ChoiceField(
        label=_("Dates like 03/04/2024 are"),
        choices=[
            (cells.DAY_FIRST, _("Day first: 3 April 2024")),
            (cells.MONTH_FIRST, _("Month first: March 4, 2024")),
        ],
        initial=cells.DAY_FIRST,
    )
    create_categories = forms.BooleanField(
        label=_("Create missing categories"),
        required=False,
        help_text=_("Add the directory categories the file names that do not exist yet."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


class ConfirmForm(forms.Form):
    """One decision field per duplicate row ("row_12"), and the writing options."""

    drafts = forms.BooleanField(
        label=_("Create listings as drafts"),
        required=False,
        help_text=_("Unticked: listings are published at once."),
    )
    send_welcome = forms.BooleanField(
        label=_("Send welcome e-mails"),
        required=False,
        help_text=_(
            "E-mail each new contact a link to set their password. Unticked: accounts are "
            "made without a password and nobody is e-mailed."
        ),
    )

    def __init__(self, *args, duplicate_rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.duplicate_rows = list(duplicate_rows)
        for number in self.duplicate_rows:
            self.fields[f"row_{number}"] = forms.ChoiceField(
                label=_("Row %(number)s") % {"number": number},
                choices=list(DECISIONS.items()),
                initial=SKIP,
                widget=forms.RadioSelect,
            )

    def decisions(self) -> dict[int, str]:
        return {number: self.cleaned_data[f"row_{number}"] for number in self.duplicate_rows}

    def decision_field(self, number: int):
        return self[f"row_{number}"]
