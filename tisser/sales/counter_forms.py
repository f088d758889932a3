"""Forms of the counter: add to the cart, confirm (with a manager's override), pay (mixed
methods, change for cash), cancel, filter the site's sales, the network's counter settings.

Ids in these forms are choices built from the actor's scope (never a model lookup of a
raw value): an id out of scope or absurd is "not one of the choices", a French error.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tisser.core import clock
from tisser.offers.enums import Grade, Tracking
from tisser.sales.counter import PaymentInput
from tisser.sales.enums import PaymentMethod, SaleStatus
from tisser.sales.models import MAX_AMOUNT, MAX_QUANTITY, CounterSettings

DAY_HORIZON_DAYS = 366 * 10


def _money_field(label, help_text=""):
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0.01"),
        max_value=MAX_AMOUNT,
        max_digits=7,
        decimal_places=2,
        localize=True,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "invalid": gettext_lazy("Écrivez un montant en euros, par exemple 12,50."),
            "min_value": gettext_lazy("Écrivez un montant positif, ou laissez vide."),
            "max_value": gettext_lazy("Le montant dépasse 99 999,99 €."),
            "max_decimal_places": gettext_lazy("Un montant se donne au centime près."),
            "max_digits": gettext_lazy("Le montant dépasse 99 999,99 €."),
        },
    )


class AddForm(forms.Form):
    """One offer into the cart: a device by inventory id or grade, or a quantity."""

    offer = forms.ChoiceField(
        label=gettext_lazy("Offre"),
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": gettext_lazy("Cette offre n'est pas en stock à cet espace."),
            "required": gettext_lazy("Choisissez une offre."),
        },
    )
    quantity = forms.IntegerField(
        label=gettext_lazy("Quantité"),
        required=False,
        min_value=1,
        max_value=MAX_QUANTITY,
        help_text=gettext_lazy("Un nombre entre 1 et 1000."),
        error_messages={
            "invalid": gettext_lazy("Écrivez un nombre entier, par exemple 1."),
            "min_value": gettext_lazy("Au moins 1."),
            "max_value": gettext_lazy("Au plus 1000."),
        },
    )
    grade = forms.ChoiceField(
        label=gettext_lazy("Grade"),
        required=False,
        help_text=gettext_lazy("Le premier appareil prêt de ce grade."),
        error_messages={"invalid_choice": gettext_lazy("Choisissez un grade de la liste.")},
    )
    inventory_id = forms.CharField(
        label=gettext_lazy("ou numéro d'inventaire"),
        required=False,
        max_length=24,
        help_text=gettext_lazy("Par exemple STR-PC-26-0042 (laissez vide pour le grade)."),
        error_messages={
            "max_length": gettext_lazy("Un numéro d'inventaire a 24 caractères au plus.")
        },
    )

    def __init__(self, *args, offers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.offers = {str(row.offer.pk): row.offer for row in offers}
        self.fields["offer"].choices = [(key, offer.name) for key, offer in self.offers.items()]
        self.fields["grade"].choices = [("", gettext_lazy("Indifférent")), *Grade.choices]

    def clean(self):
        data = super().clean()
        offer = self.offers.get(data.get("offer") or "")
        data["offer_obj"] = offer
        if offer is None:
            return data
        if offer.tracking == Tracking.DEVICE or not data.get("quantity"):
            data["quantity"] = 1
        data["inventory_id"] = (data.get("inventory_id") or "").strip().upper()
        return data


class ConfirmForm(forms.Form):
    """A site manager may let this sale pass a quota, with the reason written down."""

    override = forms.BooleanField(
        label=gettext_lazy("Accorder une dérogation au quota pour cette vente"),
        required=False,
    )
    reason = forms.CharField(
        label=gettext_lazy("Motif de la dérogation"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Par exemple : ordinateur volé, plainte déposée le 3 mai."),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": gettext_lazy("500 caractères au plus.")},
    )

    def clean(self):
        data = super().clean()
        if data.get("override") and not " ".join((data.get("reason") or "").split()):
            self.add_error("reason", _("Écrivez pourquoi le quota est dépassé cette fois."))
        return data


PASS_SPLIT = re.compile(r"[\s,;]+")


class PayForm(forms.Form):
    """Every method in one form: fill what the person (or the third party) pays with."""

    cash = _money_field(
        gettext_lazy("Espèces gardées (€)"), gettext_lazy("Ce qui reste dans la caisse.")
    )
    cash_handed = _money_field(
        gettext_lazy("Espèces remises par la personne (€)"),
        gettext_lazy("Facultatif : pour calculer la monnaie à rendre."),
    )
    card = _money_field(gettext_lazy("Carte bancaire (€)"))
    card_reference = forms.CharField(
        label=gettext_lazy("Numéro d'autorisation de la carte"), required=False, max_length=60
    )
    cheque = _money_field(gettext_lazy("Chèque (€)"))
    cheque_number = forms.CharField(
        label=gettext_lazy("Numéro du chèque"), required=False, max_length=60
    )
    third_party = _money_field(gettext_lazy("Tiers payeur (€)"))
    payer = forms.ChoiceField(
        label=gettext_lazy("Organisme qui paie"),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choisissez un partenaire de la liste.")},
    )
    third_party_reference = forms.CharField(
        label=gettext_lazy("Numéro de bon de commande du tiers"), required=False, max_length=60
    )
    pass_numerique = _money_field(gettext_lazy("Chèques Pass numérique (€)"))
    pass_numbers = forms.CharField(
        label=gettext_lazy("Numéros des chèques Pass numérique"),
        required=False,
        max_length=2000,
        help_text=gettext_lazy("Un numéro par ligne, ou séparés par des espaces."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    credit = _money_field(gettext_lazy("Avoir d'un retour (€)"))
    credit_return = forms.ChoiceField(
        label=gettext_lazy("Avoir utilisé"),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choisissez un avoir de la liste.")},
    )

    def __init__(self, *args, total: Decimal, partners=(), credits=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.total = total
        self.partners = {str(partner.pk): partner for partner in partners}
        self.credits = {str(row.pk): row for row in credits}
        self.fields["payer"].choices = [("", "—")] + [
            (key, partner.name) for key, partner in self.partners.items()
        ]
        self.fields["credit_return"].choices = [("", "—")] + [
            (key, _("Retour n° %(id)s (reste %(left)s €)") % {"id": key, "left": row.left})
            for key, row in self.credits.items()
        ]
        if not self.credits:
            del self.fields["credit"]
            del self.fields["credit_return"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        payments = []
        if data.get("cash"):
            handed = data.get("cash_handed")
            if handed is not None and handed < data["cash"]:
                self.add_error(
                    "cash_handed", _("La personne doit remettre au moins les espèces gardées.")
                )
            payments.append(PaymentInput(method=PaymentMethod.CASH, amount=data["cash"]))
        elif data.get("cash_handed"):
            self.add_error("cash", _("Indiquez aussi les espèces gardées."))
        if data.get("card"):
            payments.append(
                PaymentInput(
                    method=PaymentMethod.CARD,
                    amount=data["card"],
                    reference=data.get("card_reference", ""),
                )
            )
        if data.get("cheque"):
            if not data.get("cheque_number"):
                self.add_error("cheque_number", _("Écrivez le numéro du chèque."))
            payments.append(
                PaymentInput(
                    method=PaymentMethod.CHEQUE,
                    amount=data["cheque"],
                    reference=data.get("cheque_number", ""),
                )
            )
        if data.get("third_party"):
            payer = self.partners.get(data.get("payer") or "")
            if payer is None:
                self.add_error("payer", _("Choisissez l'organisme qui paie."))
            payments.append(
                PaymentInput(
                    method=PaymentMethod.THIRD_PARTY,
                    amount=data["third_party"],
                    payer=payer,
                    reference=data.get("third_party_reference", ""),
                )
            )
        if data.get("pass_numerique"):
            numbers = [n for n in PASS_SPLIT.split(data.get("pass_numbers") or "") if n]
            if not numbers:
                self.add_error("pass_numbers", _("Écrivez le numéro de chaque chèque."))
            payments.append(
                PaymentInput(
                    method=PaymentMethod.PASS_NUMERIQUE,
                    amount=data["pass_numerique"],
                    pass_numbers=numbers,
                )
            )
        if data.get("credit"):
            credit = self.credits.get(data.get("credit_return") or "")
            if credit is None:
                self.add_error("credit_return", _("Choisissez l'avoir utilisé."))
            payments.append(
                PaymentInput(method=PaymentMethod.CREDIT, amount=data["credit"], credit_from=credit)
            )
        if not payments and self.total > 0:
            raise forms.ValidationError(_("Indiquez au moins un montant payé."))
        paid = sum((p.amount for p in payments), Decimal("0"))
        if paid != self.total:
            raise forms.ValidationError(
                _("Les montants font %(paid)s €, le total à payer est %(total)s €.")
                % {
                    "paid": f"{paid:.2f}".replace(".", ","),
                    "total": f"{self.total:.2f}".replace(".", ","),
                }
            )
        data["payments"] = payments
        if data.get("cash") and data.get("cash_handed"):
            data["change"] = data["cash_handed"] - data["cash"]
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Pourquoi annuler cette vente ?"),
        max_length=500,
        help_text=gettext_lazy("Par exemple : la personne a changé d'avis."),
        error_messages={
            "required": gettext_lazy("Écrivez pourquoi la vente est annulée."),
            "max_length": gettext_lazy("500 caractères au plus."),
        },
    )


class SaleFilterForm(forms.Form):
    day = forms.DateField(
        label=gettext_lazy("Jour"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Laissez vide pour toutes les ventes."),
        error_messages={"invalid": gettext_lazy("Choisissez une date, par exemple 04/05/2026.")},
    )
    status = forms.ChoiceField(
        label=gettext_lazy("État"),
        required=False,
        choices=[("", gettext_lazy("Tous")), *list(SaleStatus.choices)],
        error_messages={"invalid_choice": gettext_lazy("Choisissez un état de la liste.")},
    )

    def clean_day(self):
        day = self.cleaned_data.get("day")
        if day is not None:
            today = clock.localdate()
            if abs((day - today).days) > DAY_HORIZON_DAYS or day > today + datetime.timedelta(
                days=1
            ):
                raise forms.ValidationError(_("Choisissez un jour passé des dix dernières années."))
        return day


class CounterSettingsForm(forms.ModelForm):
    class Meta:
        model = CounterSettings
        fields = [
            "legal_name",
            "siret",
            "address",
            "vat_regime",
            "receipt_footer",
            "hold_minutes",
            "return_days",
        ]
        help_texts = {
            "legal_name": gettext_lazy("Le nom imprimé en tête des tickets."),
            "siret": gettext_lazy("14 chiffres, sans espace."),
            "vat_regime": gettext_lazy(
                "La mention imprimée sur chaque ticket ; un ticket déjà émis garde la sienne."
            ),
            "hold_minutes": gettext_lazy("Entre 5 et 1440 minutes."),
            "return_days": gettext_lazy("Entre 0 et 90 jours."),
        }

    def clean_siret(self):
        siret = "".join((self.cleaned_data.get("siret") or "").split())
        if siret and not re.fullmatch(r"\d{14}", siret):
            raise forms.ValidationError(_("Le SIRET compte 14 chiffres."))
        return siret
