"""Forms of the stock pages: filters, and the input of one stock service each."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tisser.core import clock
from tisser.core.forms import DateInput
from tisser.core.ids import IdChoiceField
from tisser.offers import selectors
from tisser.offers.counts import MAX_MISSING, parse_missing
from tisser.offers.enums import (
    DeviceStatus,
    DeviceType,
    Grade,
    MovementKind,
    Tracking,
    VoucherStatus,
)
from tisser.offers.models import MAX_QUANTITY

MAX_QUERY = 100
DURATIONS = [
    ("2", _("2 heures")),
    ("24", _("24 heures")),
    ("48", _("48 heures")),
    ("168", _("7 jours")),
    ("336", _("14 jours")),
]
DATE_HORIZON_DAYS = 3660


def _site_field(form, membership, *, required=False):
    """The site choice, for the roles that read several sites (else removed)."""
    if membership.role in selectors.NETWORK_WIDE:
        form.fields["site"].queryset = selectors.stock_sites(membership=membership)
        form.fields["site"].required = required
    else:
        del form.fields["site"]


def _offer_field(form, membership, *, trackings=None):
    offers = selectors.stock_offers(membership=membership)
    if trackings:
        offers = offers.filter(tracking__in=trackings)
    form.fields["offer"].queryset = offers


def _bounded_date(value):
    if value is None:
        return None
    today = clock.localdate()
    if abs((value - today).days) > DATE_HORIZON_DAYS:
        raise forms.ValidationError(_("Choisissez une date dans les dix ans autour d'aujourd'hui."))
    return value


class StockFilterForm(forms.Form):
    site = IdChoiceField(
        label=_("Espace"), required=False, queryset=None, empty_label=_("Tous les espaces")
    )
    offer = IdChoiceField(
        label=_("Offre"), required=False, queryset=None, empty_label=_("Toutes les offres")
    )
    low_only = forms.BooleanField(label=_("Seulement le stock bas"), required=False)

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        _site_field(self, membership)
        _offer_field(self, membership)

    def value(self, name):
        if not self.is_bound or not self.is_valid():
            return None
        found = self.cleaned_data.get(name)
        return getattr(found, "pk", found)


class DeviceSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Numéro d'inventaire, de série, IMEI, marque ou modèle"),
        required=False,
        max_length=MAX_QUERY,
        help_text=_("Par exemple STR-PC-26-0042, ou « Lenovo T480 »."),
    )
    device_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Tous les types")), *DeviceType.choices]
    )
    status = forms.ChoiceField(
        label=_("Statut"),
        required=False,
        choices=[("", _("Tous les statuts")), *DeviceStatus.choices],
    )
    grade = forms.ChoiceField(
        label=_("Grade"), required=False, choices=[("", _("Tous les grades")), *Grade.choices]
    )
    site = IdChoiceField(
        label=_("Espace"), required=False, queryset=None, empty_label=_("Tous les espaces")
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        _site_field(self, membership)

    def filters(self) -> selectors.DeviceFilters:
        if not self.is_bound or not self.is_valid():
            return selectors.DeviceFilters()
        data = self.cleaned_data
        return selectors.DeviceFilters(
            query=data.get("q") or "",
            device_type=data.get("device_type") or "",
            status=data.get("status") or "",
            grade=data.get("grade") or "",
            site_id=data["site"].pk if data.get("site") else None,
        )


class VoucherFilterForm(forms.Form):
    site = IdChoiceField(
        label=_("Espace"), required=False, queryset=None, empty_label=_("Tous les espaces")
    )
    offer = IdChoiceField(
        label=_("Offre"), required=False, queryset=None, empty_label=_("Toutes les offres")
    )
    status = forms.ChoiceField(
        label=_("Statut"),
        required=False,
        choices=[("", _("Tous les statuts")), *VoucherStatus.choices],
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        _site_field(self, membership)
        _offer_field(self, membership, trackings=[Tracking.VOUCHER])

    def values(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "site_id": data["site"].pk if data.get("site") else None,
            "offer_id": data["offer"].pk if data.get("offer") else None,
            "status": data.get("status") or "",
        }


class MovementFilterForm(forms.Form):
    site = IdChoiceField(
        label=_("Espace"), required=False, queryset=None, empty_label=_("Tous les espaces")
    )
    offer = IdChoiceField(
        label=_("Offre"), required=False, queryset=None, empty_label=_("Toutes les offres")
    )
    kind = forms.ChoiceField(
        label=_("Mouvement"),
        required=False,
        choices=[("", _("Tous les mouvements")), *MovementKind.choices],
    )
    date_from = forms.DateField(label=_("Du"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Au (inclus)"), required=False, widget=DateInput)

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        _site_field(self, membership)
        _offer_field(self, membership)

    def clean_date_from(self):
        return _bounded_date(self.cleaned_data.get("date_from"))

    def clean_date_to(self):
        return _bounded_date(self.cleaned_data.get("date_to"))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("La date de fin doit suivre la date de début."))
        return data

    def filters(self) -> selectors.MovementFilters:
        if not self.is_bound or not self.is_valid():
            return selectors.MovementFilters()
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        return selectors.MovementFilters(
            site_id=data["site"].pk if data.get("site") else None,
            offer_id=data["offer"].pk if data.get("offer") else None,
            kind=data.get("kind") or "",
            date_from=datetime.datetime.combine(data["date_from"], datetime.time(), tzinfo=zone)
            if data.get("date_from")
            else None,
            date_to=datetime.datetime.combine(
                data["date_to"] + datetime.timedelta(days=1), datetime.time(), tzinfo=zone
            )
            if data.get("date_to")
            else None,
        )


class SiteChoiceMixin:
    """Site-level actions: the site's own team acts on its site; a network admin picks one."""

    def acting_site(self, membership):
        if "site" in self.fields:
            return self.cleaned_data["site"]
        return selectors.stock_sites(membership=membership).first()


class ReserveUnitsForm(SiteChoiceMixin, forms.Form):
    site = IdChoiceField(label=_("Espace"), queryset=None)
    offer = IdChoiceField(
        label=_("Offre"),
        queryset=None,
        help_text=_("Codes et cartes (les plus proches de leur expiration d'abord) ou quantités."),
    )
    quantity = forms.IntegerField(
        label=_("Quantité"), min_value=1, max_value=1000, initial=1, help_text=_("De 1 à 1000.")
    )
    duration = forms.ChoiceField(label=_("Réserver pendant"), choices=DURATIONS, initial="48")
    note = forms.CharField(
        label=_("Note (facultatif)"),
        required=False,
        max_length=200,
        help_text=_("Un repère pour l'équipe, sans donnée personnelle sensible."),
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        _site_field(self, membership, required=True)
        _offer_field(self, membership, trackings=[Tracking.VOUCHER, Tracking.QUANTITY])

    def until(self):
        return clock.now() + datetime.timedelta(hours=int(self.cleaned_data["duration"]))


class DeviceReserveForm(forms.Form):
    duration = forms.ChoiceField(label=_("Réserver pendant"), choices=DURATIONS, initial="48")
    note = forms.CharField(
        label=_("Note (facultatif)"),
        required=False,
        max_length=200,
        help_text=_("Un repère pour l'équipe, sans donnée personnelle sensible."),
    )

    def until(self):
        return clock.now() + datetime.timedelta(hours=int(self.cleaned_data["duration"]))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif"),
        max_length=300,
        required=False,
        help_text=_("Quelques mots : ce qui s'est passé."),
    )


class RequiredReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif"),
        max_length=300,
        help_text=_("Obligatoire : perte, casse, vol, panne… en quelques mots."),
    )


class DeviceStatusForm(forms.Form):
    to_status = forms.ChoiceField(choices=DeviceStatus.choices, widget=forms.HiddenInput)
    grade = forms.ChoiceField(
        label=_("Grade"),
        required=False,
        choices=[("", _("Choisir")), *Grade.choices],
        help_text=_(
            "Demandé quand le traitement se termine ; la suggestion vient des caractéristiques."
        ),
    )
    reason = forms.CharField(
        label=_("Motif"),
        required=False,
        max_length=300,
        help_text=_("Demandé pour une sortie du stock ou un retour en arrière."),
    )


STOCK_OUT_CHOICES = [
    ("write_off", _("Sortie du stock (perte, casse, vol)")),
    ("adjustment", _("Ajustement (erreur de comptage, + ou −)")),
]


class StockOutForm(SiteChoiceMixin, forms.Form):
    site = IdChoiceField(label=_("Espace"), queryset=None)
    offer = IdChoiceField(label=_("Offre"), queryset=None)
    operation = forms.ChoiceField(label=_("Opération"), choices=STOCK_OUT_CHOICES)
    quantity = forms.IntegerField(
        label=_("Quantité"),
        required=False,
        min_value=-MAX_QUANTITY,
        max_value=MAX_QUANTITY,
        help_text=_(
            "Offres suivies en quantité : combien sortent, ou l'écart d'un ajustement (3 ou -2)."
        ),
    )
    serial = forms.CharField(
        label=_("Numéro de série du code ou de la carte"),
        required=False,
        max_length=40,
        help_text=_("Codes et cartes : un par un. Un appareil se sort depuis sa page."),
    )
    reason = forms.CharField(
        label=_("Motif"), max_length=300, help_text=_("Obligatoire, en quelques mots.")
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        _site_field(self, membership, required=True)
        _offer_field(self, membership, trackings=[Tracking.VOUCHER, Tracking.QUANTITY])

    def clean(self):
        data = super().clean()
        offer = data.get("offer")
        if offer is None:
            return data
        if offer.tracking == Tracking.VOUCHER:
            if data.get("operation") != "write_off":
                self.add_error("operation", _("Un code ou une carte se sort du stock, un par un."))
            if not (data.get("serial") or "").strip():
                self.add_error("serial", _("Indiquez le numéro de série du code ou de la carte."))
        elif data.get("quantity") in (None, 0):
            self.add_error("quantity", _("Indiquez une quantité non nulle."))
        elif data.get("operation") == "write_off" and data["quantity"] < 0:
            self.add_error("quantity", _("Une sortie se compte en positif : 2 pour deux unités."))
        return data


class ReturnForm(SiteChoiceMixin, forms.Form):
    site = IdChoiceField(label=_("Espace qui reçoit le retour"), queryset=None)
    inventory_id = forms.CharField(
        label=_("Numéro d'inventaire de l'appareil"),
        required=False,
        max_length=24,
        help_text=_("Pour un appareil : il repart « à traiter » (à effacer de nouveau)."),
    )
    offer = IdChoiceField(
        label=_("Ou l'offre rendue (quantités)"),
        required=False,
        queryset=None,
        empty_label=_("Choisir"),
    )
    quantity = forms.IntegerField(label=_("Quantité"), min_value=1, max_value=1000, initial=1)
    after_sales = forms.BooleanField(
        label=_("Retour sous garantie (SAV) plutôt que remise en stock"), required=False
    )
    reason = forms.CharField(
        label=_("Motif du retour"), max_length=300, help_text=_("Obligatoire, en quelques mots.")
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        _site_field(self, membership, required=True)
        _offer_field(self, membership, trackings=[Tracking.QUANTITY])

    def clean(self):
        data = super().clean()
        if not (data.get("inventory_id") or "").strip() and not data.get("offer"):
            self.add_error(
                "inventory_id", _("Indiquez le numéro d'inventaire, ou choisissez l'offre rendue.")
            )
        return data


class CountStartForm(SiteChoiceMixin, forms.Form):
    site = IdChoiceField(label=_("Espace"), queryset=None)

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        _site_field(self, membership, required=True)


class CountEntryForm(forms.Form):
    """One field per line: the quantity counted; for devices and codes, the ones not found."""

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            tracked = line.offer.tracking != Tracking.QUANTITY
            self.fields[f"counted_{line.pk}"] = forms.IntegerField(
                label=_("%(offer)s : quantité trouvée") % {"offer": line.offer.name},
                required=False,
                min_value=0,
                max_value=MAX_QUANTITY,
                initial=line.counted,
                help_text=_("Laissez vide si vous nommez les manquants ci-dessous.")
                if tracked
                else _("Ce que vous comptez sur les étagères."),
            )
            if tracked:
                self.fields[f"missing_{line.pk}"] = forms.CharField(
                    label=_("%(offer)s : numéros introuvables") % {"offer": line.offer.name},
                    required=False,
                    max_length=MAX_MISSING * 26,
                    initial="\n".join(line.missing or []),
                    widget=forms.Textarea(attrs={"rows": 2}),
                    help_text=_("Un numéro d'inventaire ou de série par ligne."),
                )

    def entries(self):
        from tisser.offers.counts import Entry

        found = {}
        for line in self.lines:
            counted = self.cleaned_data.get(f"counted_{line.pk}")
            missing = parse_missing(self.cleaned_data.get(f"missing_{line.pk}") or "")
            if counted is None and not missing and line.offer.tracking == Tracking.QUANTITY:
                continue
            if counted is None and not missing and line.counted is None:
                # A tracked line left blank: everything was found.
                found[line.pk] = Entry(line.expected, ())
                continue
            found[line.pk] = Entry(counted, missing)
        return found


class ThresholdForm(forms.Form):
    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for offer, threshold in rows:
            self.fields[f"threshold_{offer.pk}"] = forms.IntegerField(
                label=offer.name,
                min_value=0,
                max_value=MAX_QUANTITY,
                initial=threshold,
                help_text=_("Alerte quand il en reste ce nombre ou moins (0 : jamais)."),
            )

    def changes(self):
        return [
            (offer, self.cleaned_data[f"threshold_{offer.pk}"])
            for offer, threshold in self.rows
            if self.cleaned_data[f"threshold_{offer.pk}"] != threshold
        ]
