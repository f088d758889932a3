"""Forms of the flow pages: stock imports, transfers, hub orders (parsing only, no writes)."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from tisser.accounts.enums import Role
from tisser.accounts.models import Site
from tisser.core.ids import IdChoiceField
from tisser.core.tabular import MAX_FILE_BYTES
from tisser.funding.models import DonationLot
from tisser.offers.enums import DeviceStatus, Grade, Tracking
from tisser.offers.models import Offer
from tisser.offers.receipts import SITE_RECEIPT_STATUSES, network_id_of


def network_sites(membership):
    return Site.objects.filter(network_id=network_id_of(membership), is_active=True).order_by(
        "name"
    )


def network_offers(membership):
    return Offer.objects.filter(network_id=network_id_of(membership), is_active=True).order_by(
        "family", "name"
    )


class StockImportUploadForm(forms.Form):
    site = IdChoiceField(
        label=_("Espace qui reçoit le stock"),
        queryset=Site.objects.none(),
        empty_label=_("Choisissez un espace"),
        error_messages={"required": _("Choisissez l'espace qui reçoit ce stock.")},
    )
    kind = forms.ChoiceField(
        label=_("Le fichier contient"),
        choices=[
            (Tracking.DEVICE, _("des appareils")),
            (Tracking.VOUCHER, _("des codes ou cartes")),
        ],
        widget=forms.RadioSelect,
        initial=Tracking.DEVICE,
        error_messages={"required": _("Dites si le fichier contient des appareils ou des codes.")},
    )
    offer = IdChoiceField(
        label=_("Offre"),
        queryset=Offer.objects.none(),
        empty_label=_("Choisissez l'offre"),
        help_text=_("Tous les appareils ou codes du fichier seront rangés dans cette offre."),
        error_messages={"required": _("Choisissez l'offre des appareils ou des codes du fichier.")},
    )
    lot = IdChoiceField(
        label=_("Lot de dons (facultatif)"),
        queryset=DonationLot.objects.none(),
        required=False,
        empty_label=_("Aucun lot : achat ou autre origine"),
    )
    device_status = forms.ChoiceField(
        label=_("Statut des appareils à la réception"),
        choices=[
            ("", _("Prêt à distribuer (à l'atelier : À traiter)")),
            *[(status, DeviceStatus(status).label) for status in SITE_RECEIPT_STATUSES[1:]],
        ],
        required=False,
        help_text=_("À l'atelier, les appareils reçus sont toujours « À traiter »."),
    )
    file = forms.FileField(
        label=_("Fichier (CSV ou Excel .xlsx, 5 Mo au plus)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
        error_messages={"required": _("Choisissez le fichier à importer.")},
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        if membership.role == Role.NETWORK_ADMIN:
            self.fields["site"].queryset = network_sites(membership)
        else:
            del self.fields["site"]
        self.fields["offer"].queryset = network_offers(membership).filter(
            tracking__in=[Tracking.DEVICE, Tracking.VOUCHER]
        )
        self.fields["lot"].queryset = (
            DonationLot.objects.visible_to(membership)
            .select_related("donor")
            .order_by("-received_on", "-pk")
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("Le fichier dépasse 5 Mo : découpez-le en plusieurs fichiers.")
            )
        return upload

    def target_site(self):
        if "site" in self.fields:
            return self.cleaned_data["site"]
        return self.membership.organisation.site


def _inventory_ids(text: str) -> list[str]:
    return [part.upper() for part in re.split(r"[\s,;]+", text or "") if part]


class InventoryIdsField(forms.CharField):
    """Inventory ids typed or scanned, one per line (or separated by commas)."""

    widget = forms.Textarea(attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false"})

    def clean(self, value):
        value = super().clean(value)
        ids = _inventory_ids(value)
        if len(ids) > 500:
            raise forms.ValidationError(_("500 numéros d'inventaire au plus."))
        for inventory_id in ids:
            if len(inventory_id) > 24:
                raise forms.ValidationError(
                    _("« %(id)s » n'est pas un numéro d'inventaire (exemple : STR-PC-26-0042).")
                    % {"id": inventory_id[:30]}
                )
        return ids


class TransferForm(forms.Form):
    from_site = IdChoiceField(
        label=_("Espace qui envoie"),
        queryset=Site.objects.none(),
        empty_label=_("Choisissez un espace"),
        error_messages={"required": _("Choisissez l'espace qui envoie.")},
    )
    to_site = IdChoiceField(
        label=_("Espace destinataire"),
        queryset=Site.objects.none(),
        empty_label=_("Choisissez un espace"),
        error_messages={"required": _("Choisissez l'espace qui recevra l'envoi.")},
    )
    inventory_ids = InventoryIdsField(
        label=_("Appareils envoyés (numéros d'inventaire)"),
        required=False,
        help_text=_(
            "Un numéro par ligne, par exemple STR-PC-26-0042. Laissez vide s'il n'y en a pas."
        ),
    )
    note = forms.CharField(
        label=_("Note pour l'espace destinataire (facultatif)"), max_length=300, required=False
    )

    def __init__(self, *args, membership, unit_offers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        self.fields["to_site"].queryset = network_sites(membership)
        self.fields["to_site"].label_from_instance = lambda site: f"{site.name} ({site.city})"
        if membership.role == Role.NETWORK_ADMIN:
            self.fields["from_site"].queryset = network_sites(membership)
        else:
            del self.fields["from_site"]
        self.unit_fields = []
        for offer, available in unit_offers:
            name = f"units_{offer.pk}"
            self.fields[name] = forms.IntegerField(
                label=_("%(offer)s : nombre à envoyer (%(count)s en stock)")
                % {"offer": offer.name, "count": available},
                min_value=0,
                max_value=available,
                required=False,
                error_messages={
                    "max_value": _("Il n'y en a que %(limit_value)s en stock."),
                    "min_value": _("Écrivez un nombre positif."),
                    "invalid": _("Écrivez un nombre entier, par exemple 10."),
                },
            )
            self.unit_fields.append((offer, name))

    def sender(self):
        if "from_site" in self.fields:
            return self.cleaned_data["from_site"]
        return self.membership.organisation.site

    def units(self):
        return {
            offer: self.cleaned_data.get(name) or 0
            for offer, name in self.unit_fields
            if self.cleaned_data.get(name)
        }


class HubOrderForm(forms.Form):
    note = forms.CharField(
        label=_("Note pour l'atelier (facultatif)"), max_length=300, required=False
    )

    def __init__(self, *args, available=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.line_fields = []
        for offer, count in available:
            name = f"offer_{offer.pk}"
            self.fields[name] = forms.IntegerField(
                label=_("%(offer)s : quantité (%(count)s prêt(s) à l'atelier)")
                % {"offer": offer.name, "count": count},
                min_value=0,
                max_value=min(count, 1000),
                required=False,
                error_messages={
                    "max_value": _("L'atelier n'en a que %(limit_value)s de prêt(s)."),
                    "min_value": _("Écrivez un nombre positif."),
                    "invalid": _("Écrivez un nombre entier, par exemple 2."),
                },
            )
            self.line_fields.append((offer, name))

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for _offer, name in self.line_fields) and not self.errors:
            raise forms.ValidationError(_("Indiquez la quantité d'au moins un appareil."))
        return cleaned

    def lines(self):
        return {
            offer: self.cleaned_data.get(name)
            for offer, name in self.line_fields
            if self.cleaned_data.get(name)
        }


class HubPrepareForm(forms.Form):
    inventory_ids = InventoryIdsField(
        label=_("Appareils choisis (numéros d'inventaire)"),
        required=False,
        help_text=_(
            "Un numéro par ligne. Laissez vide pour que Tisser prenne les plus anciens prêts à "
            "commander."
        ),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif"),
        max_length=300,
        error_messages={"required": _("Dites pourquoi, en quelques mots.")},
    )


class HubSettingsForm(forms.Form):
    hub = IdChoiceField(
        label=_("Atelier de reconditionnement du réseau"),
        queryset=Site.objects.none(),
        required=False,
        empty_label=_("Pas d'atelier"),
        help_text=_("L'espace qui reçoit les dons d'appareils, les traite et livre les commandes."),
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub"].queryset = network_sites(membership)


class SingleReceiptForm(forms.Form):
    """One device or one code received by hand (a file for more: the import)."""

    site = IdChoiceField(
        label=_("Espace qui reçoit"),
        queryset=Site.objects.none(),
        empty_label=_("Choisissez un espace"),
        error_messages={"required": _("Choisissez l'espace qui reçoit.")},
    )
    offer = IdChoiceField(
        label=_("Offre"),
        queryset=Offer.objects.none(),
        empty_label=_("Choisissez l'offre"),
        error_messages={"required": _("Choisissez l'offre de l'appareil ou du code.")},
    )
    lot = IdChoiceField(
        label=_("Lot de dons (facultatif)"),
        queryset=DonationLot.objects.none(),
        required=False,
        empty_label=_("Aucun lot : achat ou autre origine"),
    )
    device_status = StockImportUploadForm.base_fields["device_status"]
    serial_number = forms.CharField(
        label=_("Numéro de série (appareil)"), max_length=64, required=False
    )
    imei = forms.CharField(
        label=_("IMEI (téléphone : 15 chiffres, *#06#)"), max_length=20, required=False
    )
    brand = forms.CharField(label=_("Marque"), max_length=60, required=False)
    model_name = forms.CharField(label=_("Modèle"), max_length=120, required=False)
    grade = forms.ChoiceField(
        label=_("Grade"), choices=[("", _("Choisissez")), *Grade.choices], required=False
    )
    code = forms.CharField(
        label=_("Code (recharge ou carte)"),
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Il est chiffré dès l'enregistrement et ne s'affiche plus avant la vente."),
    )
    voucher_serial = forms.CharField(
        label=_("Numéro de série de la carte (facultatif)"), max_length=40, required=False
    )
    expires_on = forms.DateField(
        label=_("Expire le (facultatif)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Écrivez une date, par exemple 31/12/2027.")},
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        if membership.role == Role.NETWORK_ADMIN:
            self.fields["site"].queryset = network_sites(membership)
        else:
            del self.fields["site"]
        self.fields["offer"].queryset = network_offers(membership).filter(
            tracking__in=[Tracking.DEVICE, Tracking.VOUCHER]
        )
        self.fields["lot"].queryset = DonationLot.objects.visible_to(membership).order_by(
            "-received_on", "-pk"
        )

    def clean(self):
        cleaned = super().clean()
        offer = cleaned.get("offer")
        if offer is None:
            return cleaned
        if offer.tracking == Tracking.VOUCHER and not cleaned.get("code"):
            self.add_error("code", _("Écrivez le code de la recharge ou de la carte."))
        if offer.tracking == Tracking.DEVICE and not (
            cleaned.get("serial_number") or cleaned.get("imei")
        ):
            self.add_error(
                "serial_number", _("Écrivez le numéro de série (ou l'IMEI d'un téléphone).")
            )
        return cleaned

    def target_site(self):
        if "site" in self.fields:
            return self.cleaned_data["site"]
        return self.membership.organisation.site
