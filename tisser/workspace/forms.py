"""Forms of the staff area: searching the audit journal."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tisser.accounts.models import Site
from tisser.core import clock
from tisser.core.forms import DateInput
from tisser.core.ids import IdChoiceField
from tisser.workspace import selectors


class JournalSearchForm(forms.Form):
    """Every criterion is optional; an empty form lists the whole journal, newest first."""

    action = forms.CharField(
        label=_("Code d'action"),
        required=False,
        max_length=64,
        help_text=_("Début du code, par exemple « member » ou « member.invited »."),
    )
    actor_email = forms.EmailField(label=_("E-mail de l'auteur"), required=False)
    object_type = forms.CharField(
        label=_("Type d'objet"),
        required=False,
        max_length=64,
        help_text=_("Par exemple « accounts.site »."),
    )
    object_id = forms.CharField(label=_("Identifiant de l'objet"), required=False, max_length=64)
    site = IdChoiceField(
        label=_("Espace"),
        required=False,
        queryset=Site.objects.none(),
        empty_label=_("Tous les espaces"),
    )
    date_from = forms.DateField(label=_("Du"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Au"), required=False, widget=DateInput())

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = selectors.journal_sites(membership=membership)

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error(
                "date_to", _("La date de fin doit être le même jour que la date de début ou après.")
            )
        return cleaned


AGENDA_HORIZON_DAYS = 400  # a year and a bit either way: the booking horizon and last year


class AgendaForm(forms.Form):
    """Which day, day or week, and whose appointments (everyone's by default)."""

    jour = forms.DateField(
        label=_("Jour"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Indiquez une date valide, par exemple 14/03/2026.")},
    )
    vue = forms.ChoiceField(
        label=_("Affichage"),
        required=False,
        choices=(("day", _("Jour")), ("week", _("Semaine"))),
    )
    mediateur = IdChoiceField(
        label=_("Médiateur"),
        required=False,
        queryset=None,
        empty_label=_("Toute l'équipe"),
        error_messages={"invalid_choice": _("Choisissez une personne de l'équipe.")},
    )

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediateur"].queryset = team
        self.fields["mediateur"].label_from_instance = lambda u: u.get_full_name() or u.email

    def clean_jour(self):
        day = self.cleaned_data.get("jour")
        if day is not None:
            today = clock.localdate()
            if abs((day - today).days) > AGENDA_HORIZON_DAYS:
                raise forms.ValidationError(_("Choisissez une date à moins d'un an d'aujourd'hui."))
        return day
