"""Forms of the enrolment pages (helper E): the drop-out, and the choice of a cohort."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from tisser.core import clock
from tisser.core.ids import parse_id
from tisser.core.validators import reject_nir
from tisser.training.enrolments import DROP_BACKDATE_DAYS, NOTE_MAX
from tisser.training.enums import DropReason


class DropForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Pourquoi la personne arrête-t-elle ?"),
        choices=DropReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez un motif dans la liste.")},
    )
    note = forms.CharField(
        label=_("Précision (facultative)"),
        help_text=_("Quelques mots, 300 signes au plus, sans numéro de sécurité sociale."),
        max_length=NOTE_MAX,
        required=False,
        validators=[reject_nir],
    )
    on = forms.DateField(
        label=_("Date de l'abandon"),
        help_text=_("Aujourd'hui, ou un jour passé. Exemple : 30/11/2026."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Indiquez la date de l'abandon."),
            "invalid": _("Écrivez une date, par exemple 30/11/2026."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = clock.localdate()

    def clean_on(self):
        value = self.cleaned_data["on"]
        today = clock.localdate()
        if value > today:
            raise forms.ValidationError(_("La date de l'abandon ne peut pas être dans le futur."))
        if value < today - datetime.timedelta(days=DROP_BACKDATE_DAYS):
            raise forms.ValidationError(_("Cette date est trop ancienne (plus d'un an)."))
        return value


class IdChoiceForm(forms.Form):
    """One id posted by a button of a list (a file, a referral, a cohort)."""

    id = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={"required": _("Choisissez une ligne de la liste.")},
    )

    def clean_id(self):
        value = parse_id(self.cleaned_data["id"])
        if value is None:
            raise forms.ValidationError(_("Choisissez une ligne de la liste."))
        return value
