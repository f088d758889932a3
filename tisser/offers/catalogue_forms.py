"""The catalogue's offer form: French amounts (« 12,50 »), family-driven fields."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from tisser.accounts.models import Site
from tisser.core.ids import IdMultipleChoiceField
from tisser.funding.enums import OfferFamily
from tisser.offers.enums import Grade
from tisser.offers.models import MAX_PRICE


class EuroField(forms.CharField):
    """An amount in euros typed the French way: « 12,50 », « 12.50 », « 1 200 € »."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:.2f}".replace(".", ",")
        return value

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        cleaned = re.sub(r"[\s\u00a0\u202f€]", "", text).replace(",", ".")
        if not re.fullmatch(r"\d{1,5}(\.\d{1,2})?", cleaned):
            raise forms.ValidationError(
                _("Écrivez un montant en euros, par exemple 12,50."), code="invalid"
            )
        try:
            amount = Decimal(cleaned)
        except InvalidOperation as exc:
            raise forms.ValidationError(
                _("Écrivez un montant en euros, par exemple 12,50.")
            ) from exc
        if amount > MAX_PRICE:
            raise forms.ValidationError(_("Le montant ne peut pas dépasser 99 999,99 €."))
        return amount.quantize(Decimal("0.01"))


class OfferForm(forms.Form):
    family = forms.ChoiceField(
        label=_("Famille"),
        choices=OfferFamily.choices,
        help_text=_("La famille décide du suivi en stock : appareils numérotés ou codes."),
        error_messages={"required": _("Choisissez la famille de l'offre.")},
    )
    name = forms.CharField(
        label=_("Nom de l'offre"),
        max_length=120,
        help_text=_(
            "Tel que les personnes le liront, par exemple « Ordinateur portable reconditionné »."
        ),
        error_messages={"required": _("Donnez un nom à l'offre.")},
    )
    description = forms.CharField(
        label=_("Description en mots simples (facultatif)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    solidarity_price = EuroField(
        label=_("Prix solidaire (€)"),
        help_text=_("Ce que paie la personne, par exemple 12,50."),
        error_messages={"required": _("Indiquez le prix solidaire, par exemple 12,50.")},
    )
    market_price = EuroField(
        label=_("Prix de référence du marché (€)"),
        help_text=_("Au moins le prix solidaire."),
        error_messages={"required": _("Indiquez le prix du marché, par exemple 350,00.")},
    )
    monthly_price = EuroField(
        label=_("Abonnement mensuel (€)"),
        required=False,
        help_text=_("Box internet et clé 4G seulement (prêtées, rendues à la fin)."),
    )
    face_value = EuroField(
        label=_("Valeur faciale (€)"), required=False, help_text=_("Recharges seulement.")
    )
    data_gb = forms.IntegerField(
        label=_("Données (Go, facultatif)"),
        required=False,
        min_value=0,
        max_value=10_000,
        error_messages={"invalid": _("Écrivez un nombre entier de Go, par exemple 20.")},
    )
    allowed_grades = forms.MultipleChoiceField(
        label=_("Grades acceptés (appareils)"),
        choices=Grade.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    warranty_months = forms.IntegerField(
        label=_("Garantie (mois)"),
        min_value=0,
        max_value=60,
        required=False,
        help_text=_("12 mois par défaut pour un appareil ; 0 pour une recharge ou une carte."),
        error_messages={"invalid": _("Écrivez un nombre de mois, par exemple 12.")},
    )
    requires_access_right = forms.BooleanField(
        label=_("Sur orientation d'un partenaire (droit d'accès nécessaire)"),
        required=False,
        initial=True,
    )
    sites = IdMultipleChoiceField(
        label=_("Espaces qui la proposent"),
        queryset=Site.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    active_from = forms.DateField(
        label=_("Proposée à partir du (facultatif)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Écrivez une date, par exemple 01/09/2026.")},
    )
    active_until = forms.DateField(
        label=_("Proposée jusqu'au (facultatif)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Écrivez une date, par exemple 31/12/2026.")},
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = Site.objects.filter(
            network_id=membership.organisation_id, is_active=True
        ).order_by("name")

    def clean(self):
        from tisser.offers.catalogue import WARRANTY_BY_FAMILY, offer_rules

        cleaned = super().clean()
        if cleaned.get("warranty_months") is None and cleaned.get("family"):
            cleaned["warranty_months"] = WARRANTY_BY_FAMILY[cleaned["family"]]
        for field, message in offer_rules(cleaned).items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned

    def data_for_service(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "sites"}
        data["description"] = data.get("description") or ""
        return data
