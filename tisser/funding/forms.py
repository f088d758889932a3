"""Forms of the funding pages: parsing and bounds only; the rules are in the services."""

import datetime
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tisser.accounts.models import Funder, Site
from tisser.core import clock
from tisser.core.forms import DateInput
from tisser.core.ids import IdChoiceField, IdMultipleChoiceField
from tisser.funding import selectors
from tisser.funding.enums import DonorKind, LotUnit, OfferFamily, OrganismeQuality, ValuationMethod
from tisser.funding.models import MAX_AMOUNT, MAX_LOT_QUANTITY
from tisser.funding.services import LOT_FIELDS

MIN_YEAR, MAX_YEAR = 2000, 2100


def _bounded_date(label, *, help_text="", required=True):
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        help_text=help_text,
        error_messages={"required": _("Indiquez la date (jour, mois, année).")},
    )


def _check_year(value: datetime.date | None) -> None:
    if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationError(_("Indiquez une date entre 2000 et 2100."))


def _digits(value: str, length: int, label: str) -> str:
    value = re.sub(r"\s", "", value or "")
    if value and (not value.isdigit() or len(value) != length):
        raise ValidationError(
            _("%(label)s compte %(length)s chiffres.") % {"label": label, "length": length}
        )
    return value


def _amount_field(label, *, required=True, help_text=""):
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0"),
        max_value=MAX_AMOUNT,
        max_digits=10,
        decimal_places=2,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        error_messages={"required": _("Indiquez un montant en euros, par exemple 1500,00.")},
    )


# --- donors ----------------------------------------------------------------------------


class DonorForm(forms.Form):
    """A donor's identity as printed on a tax receipt."""

    name = forms.CharField(
        label=_("Nom ou raison sociale"),
        max_length=200,
        required=False,
        help_text=_("Tel qu'il figurera sur le reçu fiscal. Vide : le nom du financeur."),
    )
    siren = forms.CharField(
        label=_("SIREN (entreprise)"), max_length=11, required=False, help_text=_("9 chiffres.")
    )
    address = forms.CharField(label=_("Adresse"), max_length=255, required=False)
    postal_code = forms.CharField(label=_("Code postal"), max_length=5, required=False)
    city = forms.CharField(label=_("Commune"), max_length=120, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(self, *args, donor=None, **kwargs):
        if donor is not None:
            kwargs.setdefault(
                "initial",
                {
                    name: getattr(donor, name)
                    for name in ("name", "siren", "address", "postal_code", "city", "email")
                },
            )
        super().__init__(*args, **kwargs)
        self.donor = donor

    def clean_siren(self):
        return _digits(self.cleaned_data.get("siren"), 9, _("Le SIREN"))

    def clean_postal_code(self):
        return _digits(self.cleaned_data.get("postal_code"), 5, _("Le code postal"))

    def clean_name(self):
        name = self.cleaned_data.get("name", "").strip()
        if self.donor is not None and not name:
            raise ValidationError(_("Indiquez le nom tel qu'il figurera sur le reçu fiscal."))
        return name

    def changes(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("name", "siren", "address", "postal_code", "city", "email")
        }


class DonorCreateForm(DonorForm):
    kind = forms.ChoiceField(
        label=_("Type de donateur"),
        choices=DonorKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez une organisation ou un particulier.")},
    )
    funder = IdChoiceField(
        label=_("Financeur donateur"),
        queryset=None,
        required=False,
        help_text=_(
            "Pour une organisation : un financeur du réseau marqué « fait des dons en nature »."
        ),
    )
    field_order = ["kind", "funder", "name", "siren", "address", "postal_code", "city", "email"]

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = selectors.donor_funder_choices(membership=membership)

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == DonorKind.ORGANISATION and not cleaned.get("funder"):
            self.add_error("funder", _("Choisissez le financeur qui fait ce don en nature."))
        if kind == DonorKind.INDIVIDUAL and not cleaned.get("name"):
            self.add_error("name", _("Indiquez le nom et le prénom du donateur."))
        return cleaned


# --- conventions and dotations ---------------------------------------------------------


class ConventionForm(forms.Form):
    funder = IdChoiceField(
        label=_("Financeur ou donateur"),
        queryset=None,
        error_messages={"required": _("Choisissez le financeur signataire.")},
    )
    reference = forms.CharField(
        label=_("Référence"),
        max_length=50,
        error_messages={"required": _("Indiquez la référence de la convention.")},
    )
    title = forms.CharField(
        label=_("Intitulé"),
        max_length=200,
        error_messages={"required": _("Indiquez l'intitulé de la convention.")},
    )
    starts_on = _bounded_date(_("Début"))
    ends_on = _bounded_date(_("Fin"))
    sites = IdMultipleChoiceField(
        label=_("Espaces couverts"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins un espace.")},
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, membership, convention=None, **kwargs):
        if convention is not None:
            kwargs.setdefault(
                "initial",
                {
                    "funder": convention.funder_id,
                    "reference": convention.reference,
                    "title": convention.title,
                    "starts_on": convention.starts_on,
                    "ends_on": convention.ends_on,
                    "sites": [site.pk for site in convention.sites.all()],
                    "notes": convention.notes,
                },
            )
        super().__init__(*args, **kwargs)
        network_id = selectors.network_id_of(membership)
        self.fields["funder"].queryset = Funder.objects.filter(network_id=network_id).order_by(
            "name"
        )
        self.fields["sites"].queryset = Site.objects.filter(network_id=network_id).order_by("name")
        if convention is not None:
            self.fields["funder"].disabled = True

    def clean_starts_on(self):
        _check_year(self.cleaned_data.get("starts_on"))
        return self.cleaned_data.get("starts_on")

    def clean_ends_on(self):
        _check_year(self.cleaned_data.get("ends_on"))
        return self.cleaned_data.get("ends_on")

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("La fin doit être après le début."))
        return cleaned

    def changes(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("reference", "title", "starts_on", "ends_on", "notes")
        }


class DotationForm(forms.Form):
    year = forms.IntegerField(
        label=_("Année"),
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        error_messages={"required": _("Indiquez l'année de la dotation, par exemple 2026.")},
    )
    families = forms.MultipleChoiceField(
        label=_("Familles d'offres"),
        choices=OfferFamily.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins une famille d'offres.")},
    )
    budget_units = forms.IntegerField(
        label=_("Budget en unités"),
        required=False,
        min_value=1,
        max_value=MAX_LOT_QUANTITY * 10,
        help_text=_("Appareils, cartes ou codes prévus. Laissez vide si le budget est en euros."),
    )
    budget_amount = _amount_field(
        _("Budget en euros"),
        required=False,
        help_text=_("Valeur prévue. Laissez vide si le budget est en unités."),
    )
    reporting_starts_on = _bounded_date(_("Période de compte rendu : début"))
    reporting_ends_on = _bounded_date(_("Période de compte rendu : fin"))

    def __init__(self, *args, dotation=None, **kwargs):
        if dotation is not None:
            kwargs.setdefault(
                "initial", {name: getattr(dotation, name) for name in self.changes_fields()}
            )
        super().__init__(*args, **kwargs)

    @staticmethod
    def changes_fields():
        return (
            "year",
            "families",
            "budget_units",
            "budget_amount",
            "reporting_starts_on",
            "reporting_ends_on",
        )

    def clean_reporting_starts_on(self):
        _check_year(self.cleaned_data.get("reporting_starts_on"))
        return self.cleaned_data.get("reporting_starts_on")

    def clean_reporting_ends_on(self):
        _check_year(self.cleaned_data.get("reporting_ends_on"))
        return self.cleaned_data.get("reporting_ends_on")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("budget_units") is None and cleaned.get("budget_amount") is None:
            self.add_error(
                "budget_units", _("Indiquez un budget en unités, en euros, ou les deux.")
            )
        starts, ends = cleaned.get("reporting_starts_on"), cleaned.get("reporting_ends_on")
        if starts and ends and ends < starts:
            self.add_error("reporting_ends_on", _("La fin doit être après le début."))
        return cleaned

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changes_fields()}


# --- lots ------------------------------------------------------------------------------


class LotDetailsForm(forms.Form):
    """What a lot is: date, family, quantity, value, certificates. Used alone to correct a
    recorded lot (its donor, site and dotation stay)."""

    received_on = _bounded_date(_("Reçu le"))
    family = forms.ChoiceField(
        label=_("Famille"),
        choices=OfferFamily.choices,
        error_messages={"required": _("Choisissez ce qui a été donné.")},
    )
    quantity = forms.IntegerField(
        label=_("Quantité"),
        min_value=1,
        max_value=MAX_LOT_QUANTITY,
        error_messages={"required": _("Indiquez combien d'unités le lot compte.")},
    )
    unit = forms.ChoiceField(label=_("Unité"), choices=LotUnit.choices)
    valuation_method = forms.ChoiceField(
        label=_("Méthode de valorisation"),
        choices=ValuationMethod.choices,
        help_text=_("Elle doit pouvoir être justifiée : elle figure sur le reçu fiscal."),
    )
    valuation_amount = _amount_field(
        _("Valeur totale du lot (€)"), help_text=_("Pour tout le lot, par exemple 1500,00.")
    )
    refurbisher = forms.CharField(
        label=_("Reconditionneur"),
        max_length=200,
        required=False,
        help_text=_("Obligatoire pour du matériel."),
    )
    erasure_certificate = forms.CharField(
        label=_("Référence du certificat d'effacement des données"),
        max_length=100,
        required=False,
        help_text=_("Obligatoire pour du matériel."),
    )
    reference = forms.CharField(
        label=_("Référence du bon de livraison"), max_length=100, required=False
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("received_on", clock.localdate())

    def clean_received_on(self):
        day = self.cleaned_data.get("received_on")
        _check_year(day)
        if day and day > clock.localdate():
            raise ValidationError(_("La date de réception ne peut pas être dans le futur."))
        return day

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in LOT_FIELDS if name in self.fields}


class LotCorrectionForm(LotDetailsForm):
    """Correct a recorded lot. Its family and unit stay: the devices and codes received
    under it are of that family (a lot of the wrong family is a lot to record anew)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["family"], self.fields["unit"]


class LotForm(LotDetailsForm):
    """A new lot: who gave it, for which dotation, received where, and its details."""

    field_order = ("donor", "dotation", "site")

    donor = IdChoiceField(
        label=_("Donateur"),
        queryset=None,
        error_messages={"required": _("Choisissez le donateur.")},
    )
    dotation = IdChoiceField(
        label=_("Dotation"),
        queryset=None,
        required=False,
        empty_label=_("Hors dotation"),
        help_text=_("La dotation du donateur que ce lot consomme, s'il y en a une."),
    )
    site = IdChoiceField(
        label=_("Reçu à"),
        queryset=None,
        empty_label=None,
        error_messages={"required": _("Choisissez l'espace qui a reçu le lot.")},
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donor"].queryset = selectors.donor_choices(membership=membership)
        self.fields["dotation"].queryset = selectors.dotation_choices(membership=membership)
        self.fields["site"].queryset = selectors.site_choices(membership=membership)
        self.fields["dotation"].label_from_instance = lambda d: f"{d.convention.funder.name} · {d}"


class LotFilterForm(forms.Form):
    donor = IdChoiceField(label=_("Donateur"), queryset=None, required=False, empty_label=_("Tous"))
    year = forms.TypedChoiceField(label=_("Année"), required=False, coerce=int, empty_value=None)
    site = IdChoiceField(label=_("Espace"), queryset=None, required=False, empty_label=_("Tous"))

    def __init__(self, *args, membership, **kwargs):
        from tisser.accounts.enums import Role
        from tisser.funding.models import Donor

        super().__init__(*args, **kwargs)
        network_id = selectors.network_id_of(membership)
        self.fields["donor"].queryset = Donor.objects.filter(network_id=network_id).order_by(
            "name", "pk"
        )
        self.fields["year"].choices = [("", _("Toutes"))] + [
            (year, str(year)) for year in selectors.lot_years(membership=membership)
        ]
        if membership is not None and membership.role == Role.NETWORK_ADMIN:
            self.fields["site"].queryset = Site.objects.filter(network_id=network_id).order_by(
                "name"
            )
        else:
            del self.fields["site"]

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        if self.cleaned_data.get("donor"):
            queryset = queryset.filter(donor=self.cleaned_data["donor"])
        if self.cleaned_data.get("year"):
            queryset = queryset.filter(received_on__year=self.cleaned_data["year"])
        if self.cleaned_data.get("site"):
            queryset = queryset.filter(site=self.cleaned_data["site"])
        return queryset


# --- tax receipts ----------------------------------------------------------------------


class TaxReceiptSettingsForm(forms.Form):
    issues_tax_receipts = forms.BooleanField(
        label=_("Le réseau émet des reçus fiscaux pour les dons en nature"), required=False
    )
    legal_name = forms.CharField(label=_("Nom de l'organisme"), max_length=200, required=False)
    siren = forms.CharField(
        label=_("SIREN"), max_length=11, required=False, help_text=_("9 chiffres.")
    )
    rna = forms.CharField(
        label=_("Numéro RNA"), max_length=10, required=False, help_text=_("W suivi de 9 chiffres.")
    )
    address = forms.CharField(label=_("Adresse"), max_length=255, required=False)
    postal_code = forms.CharField(label=_("Code postal"), max_length=5, required=False)
    city = forms.CharField(
        label=_("Commune"),
        max_length=120,
        required=False,
        help_text=_("Aussi le lieu où les reçus sont faits."),
    )
    object = forms.CharField(label=_("Objet de l'organisme"), max_length=300, required=False)
    quality = forms.ChoiceField(label=_("Qualité de l'organisme"), choices=OrganismeQuality.choices)
    ifi_eligible = forms.BooleanField(
        label=_(
            "Les dons des particuliers ouvrent droit à la réduction d'IFI (article 978 du CGI)"
        ),
        required=False,
    )
    signatory_name = forms.CharField(label=_("Nom du signataire"), max_length=150, required=False)
    signatory_title = forms.CharField(
        label=_("Qualité du signataire"),
        max_length=150,
        required=False,
        help_text=_("Par exemple : présidente."),
    )

    def clean_siren(self):
        return _digits(self.cleaned_data.get("siren"), 9, _("Le SIREN"))

    def clean_postal_code(self):
        return _digits(self.cleaned_data.get("postal_code"), 5, _("Le code postal"))

    def clean_rna(self):
        value = re.sub(r"\s", "", self.cleaned_data.get("rna") or "").upper()
        if value and not re.fullmatch(r"W\d{9}", value):
            raise ValidationError(_("Le numéro RNA est un W suivi de 9 chiffres."))
        return value

    def changes(self) -> dict:
        return dict(self.cleaned_data)


class TaxReceiptIssueForm(forms.Form):
    donor = IdChoiceField(label=_("Donateur"), queryset=None, widget=forms.HiddenInput)
    year = forms.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR, widget=forms.HiddenInput)

    def __init__(self, *args, membership, **kwargs):
        from tisser.funding.models import Donor

        super().__init__(*args, **kwargs)
        self.fields["donor"].queryset = Donor.objects.visible_to(membership)


class TaxReceiptCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de l'annulation"),
        min_length=5,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Par exemple : erreur sur la valeur d'un lot. Le numéro reste attribué."),
        error_messages={"required": _("Indiquez pourquoi vous annulez ce reçu.")},
    )
