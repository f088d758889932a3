"""Form of the daily cash closing: parsing and validation only (``sales.cash`` decides)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from tisser.core import clock
from tisser.core.forms import DateInput
from tisser.core.validators import reject_nir
from tisser.sales.enums import PaymentMethod
from tisser.sales.models import MAX_AMOUNT

AMOUNT_ERRORS = {
    "required": _("Indiquez le montant, 0 s'il n'y a rien."),
    "invalid": _("Écrivez un montant en euros, par exemple 12,50."),
    "min_value": _("Le montant ne peut pas être négatif."),
    "max_value": _("Montant trop grand."),
    "max_decimal_places": _("Deux chiffres après la virgule au plus."),
}


def _amount(label, help_text, *, required=True):
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        min_value=Decimal("0"),
        max_value=MAX_AMOUNT,
        decimal_places=2,
        required=required,
        localize=True,
        error_messages=AMOUNT_ERRORS,
    )


class ClosingDayForm(forms.Form):
    """The day whose expected amounts the page shows (``?day=``)."""

    day = forms.DateField(
        label=_("Journée"),
        widget=DateInput,
        error_messages={"invalid": _("Écrivez une date, par exemple 01/03/2026.")},
    )


class CashClosingForm(forms.Form):
    day = forms.DateField(
        label=_("Journée clôturée"),
        help_text=_("Aujourd'hui en général ; au plus un mois en arrière."),
        widget=DateInput,
        error_messages={
            "required": _("Indiquez la journée, par exemple 01/03/2026."),
            "invalid": _("Écrivez une date, par exemple 01/03/2026."),
        },
    )
    opening_float = _amount(
        _("Fond de caisse au début de la journée (€)"),
        _("Proposé : celui laissé à la dernière clôture."),
    )
    counted_cash = _amount(
        _("Espèces comptées dans la caisse (€)"),
        _("Tout l'argent liquide, fond de caisse compris."),
    )
    counted_cheque = _amount(_("Chèques (€)"), _("Le total des chèques reçus."))
    counted_card = _amount(_("Tickets de carte bancaire (€)"), _("Le total des tickets."))
    counted_pass_numerique = _amount(
        _("Chèques Pass numérique (€)"), _("La valeur des chèques Pass numérique reçus.")
    )
    bank_deposit = _amount(
        _("Espèces déposées en banque (€)"), _("Le reste des espèces devient le fond de caisse.")
    )
    comment = forms.CharField(
        label=_("Commentaire"),
        help_text=_("Obligatoire s'il y a un écart : ce qui l'explique."),
        max_length=500,
        required=False,
        validators=[reject_nir],
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"day": clock.localdate()})
        super().__init__(*args, **kwargs)

    def counted(self) -> dict[str, Decimal]:
        data = self.cleaned_data
        return {
            PaymentMethod.CASH: data["counted_cash"],
            PaymentMethod.CHEQUE: data["counted_cheque"],
            PaymentMethod.CARD: data["counted_card"],
            PaymentMethod.PASS_NUMERIQUE: data["counted_pass_numerique"],
        }
