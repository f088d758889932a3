"""Forms of the after-sale pages: parsing and validation only (the services decide)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from tisser.core import clock
from tisser.core.dates import format_day
from tisser.core.forms import DateInput
from tisser.core.validators import reject_nir
from tisser.sales.boxes import BOX_FATES
from tisser.sales.enums import ReturnedDeviceFate, ReturnOutcome
from tisser.sales.models import MAX_AMOUNT, MAX_QUANTITY
from tisser.sales.returns import REFUND_METHODS


def _text(label, *, required=True, help_text=None, message=None):
    return forms.CharField(
        label=label,
        help_text=help_text or _("Quelques mots, sans numéro de sécurité sociale."),
        max_length=500,
        required=required,
        validators=[reject_nir],
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": message or _("Écrivez-le en quelques mots.")},
    )


def _day(label, help_text):
    return forms.DateField(
        label=label,
        help_text=help_text,
        widget=DateInput,
        error_messages={
            "required": _("Indiquez la date, par exemple 01/03/2026."),
            "invalid": _("Écrivez une date, par exemple 01/03/2026."),
        },
    )


class BoxFilterForm(forms.Form):
    show = forms.ChoiceField(
        label=_("Afficher"),
        choices=[
            ("", _("Tous les abonnements")),
            ("overdue", _("Avec une mensualité en retard")),
            ("to_return", _("Box à récupérer")),
            ("closed", _("Clos (box rendue)")),
        ],
        required=False,
    )


class FeeMonthsForm(forms.Form):
    """Which unpaid due dates the person pays now (each a checkbox)."""

    months = forms.MultipleChoiceField(
        label=_("Échéances à payer"),
        help_text=_("Cochez les mois que la personne paie maintenant."),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Cochez au moins une échéance."),
            "invalid_choice": _("Cette échéance n'est plus à payer : rechargez la page."),
        },
    )

    def __init__(self, *args, unpaid: list[datetime.date], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["months"].choices = [(day.isoformat(), format_day(day)) for day in unpaid]

    def clean_months(self):
        return [datetime.date.fromisoformat(value) for value in self.cleaned_data["months"]]


class BoxEndForm(forms.Form):
    on = _day(_("Fin de l'abonnement"), _("Aujourd'hui en général ; au plus un mois en arrière."))
    reason = _text(
        _("Pourquoi l'abonnement s'arrête-t-il ?"),
        message=_("Écrivez pourquoi l'abonnement s'arrête."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"on": clock.localdate()})
        super().__init__(*args, **kwargs)


class BoxReturnForm(forms.Form):
    on = _day(_("Box rendue le"), _("Aujourd'hui en général ; au plus un mois en arrière."))
    fate = forms.ChoiceField(
        label=_("Que devient la box ?"),
        choices=[(fate.value, fate.label) for fate in BOX_FATES],
        widget=forms.RadioSelect,
        initial=ReturnedDeviceFate.TO_PROCESS,
        error_messages={"required": _("Choisissez : à traiter ou mise au rebut.")},
    )
    condition = _text(
        _("État de la box au retour"),
        help_text=_("Par exemple : « complète, avec son câble » ou « écran cassé »."),
        message=_("Décrivez l'état de la box rendue."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"on": clock.localdate()})
        super().__init__(*args, **kwargs)


class ReturnForm(forms.Form):
    """A return of one line of a paid sale."""

    line = forms.TypedChoiceField(
        label=_("Article rendu"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choisissez l'article rendu."),
            "invalid_choice": _("Cet article ne peut plus être rendu : rechargez la page."),
        },
    )
    quantity = forms.IntegerField(
        label=_("Quantité rendue"),
        help_text=_("1 pour un appareil."),
        min_value=1,
        max_value=MAX_QUANTITY,
        initial=1,
        error_messages={
            "required": _("Indiquez combien d'unités sont rendues."),
            "invalid": _("Écrivez un nombre entier, par exemple 1."),
            "min_value": _("Au moins une unité."),
            "max_value": _("Au plus %(limit_value)s unités."),
        },
    )
    outcome = forms.ChoiceField(
        label=_("Solution"),
        choices=ReturnOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez un remboursement ou un échange.")},
    )
    device_fate = forms.ChoiceField(
        label=_("Pour un appareil : que devient-il ?"),
        help_text=_("Sans objet pour un code ou une carte SIM."),
        choices=ReturnedDeviceFate.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    refund_method = forms.ChoiceField(
        label=_("Remboursé en"),
        help_text=_("Pour un remboursement seulement."),
        choices=[("", "—"), *[(m.value, m.label) for m in REFUND_METHODS]],
        required=False,
    )
    refund_amount = forms.DecimalField(
        label=_("Montant remboursé (€)"),
        help_text=_("Laissez vide pour rembourser le prix payé. Par exemple 12,50."),
        min_value=Decimal("0"),
        max_value=MAX_AMOUNT,
        decimal_places=2,
        required=False,
        localize=True,
        error_messages={
            "invalid": _("Écrivez un montant en euros, par exemple 12,50."),
            "min_value": _("Le montant ne peut pas être négatif."),
            "max_value": _("Montant trop grand."),
            "max_decimal_places": _("Deux chiffres après la virgule au plus."),
        },
    )
    reason = _text(
        _("Motif du retour"),
        help_text=_("Ce qui ne va pas, en quelques mots (sans donnée de santé)."),
        message=_("Écrivez le motif du retour."),
    )

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [
            (line.pk, f"{line.label} — {line.left} / {line.quantity}")
            for line in lines
            if line.left > 0
        ]

    def clean(self):
        data = super().clean()
        if data.get("outcome") == ReturnOutcome.REFUND and not data.get("refund_method"):
            self.add_error("refund_method", _("Choisissez comment la personne est remboursée."))
        return data
