"""The form of a figure from before Tisser: parsing and bounds; the rules are in
``services.historic_figure_save``. (DASH owns ``reporting/forms.py``.)"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tisser.accounts.models import Site
from tisser.core import clock
from tisser.core.ids import IdChoiceField
from tisser.core.validators import reject_nir
from tisser.reporting.historic import FIRST_YEAR, HISTORIC_INDICATORS, MAX_VALUE
from tisser.reporting.services import HISTORIC_FIELDS


class HistoricFigureForm(forms.Form):
    site = IdChoiceField(
        label=_("Espace"),
        queryset=None,
        empty_label=_("Choisissez un espace"),
        error_messages={
            "required": _("Choisissez l'espace dont vient ce chiffre."),
            "invalid_choice": _("Choisissez un espace de votre réseau dans la liste."),
        },
    )
    year = forms.IntegerField(
        label=_("Année"),
        help_text=_("L'année du chiffre, de 1990 à l'année en cours."),
        error_messages={
            "required": _("Indiquez l'année, par exemple 2018."),
            "invalid": _("Indiquez l'année en chiffres, par exemple 2018."),
        },
    )
    indicator = forms.ChoiceField(
        label=_("Indicateur"),
        choices=[("", _("Choisissez un indicateur")), *HISTORIC_INDICATORS.items()],
        error_messages={
            "required": _("Choisissez l'indicateur que ce chiffre compte."),
            "invalid_choice": _("Choisissez un indicateur de la liste."),
        },
    )
    value = forms.IntegerField(
        label=_("Valeur"),
        min_value=0,
        max_value=MAX_VALUE,
        help_text=_("Un nombre entier de personnes, de 0 à 10 000 000."),
        error_messages={
            "required": _("Indiquez le nombre de personnes, par exemple 1200."),
            "invalid": _("Indiquez un nombre entier, sans espace ni virgule."),
            "min_value": _("Indiquez un nombre positif ou nul."),
            "max_value": _("Indiquez un nombre d'au plus 10 000 000."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        validators=[reject_nir],
        help_text=_("D'où vient ce chiffre : rapport d'activité 2018, tableau de suivi…"),
        error_messages={
            "required": _(
                "Indiquez d'où vient ce chiffre, par exemple « Rapport d'activité 2018 »."
            ),
            "max_length": _("Écrivez la source en 300 caractères au plus."),
        },
    )

    def __init__(self, *args, membership, figure=None, **kwargs):
        if figure is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "site": figure.site_id,
                **{name: getattr(figure, name) for name in HISTORIC_FIELDS},
            }
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.filter(
            network_id=membership.organisation_id
        ).order_by("name")

    def clean_year(self):
        year = self.cleaned_data["year"]
        this_year = clock.localdate().year
        if not FIRST_YEAR <= year <= this_year:
            raise ValidationError(
                _("Indiquez une année entre %(first)s et %(last)s.")
                % {"first": FIRST_YEAR, "last": this_year}
            )
        return year

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in HISTORIC_FIELDS}
