"""Forms of the flow pages: stock imports, transfers, hub orders (parsing only, no writes)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tisser.accounts.enums import Role
from tisser.accounts.models import Site
from tisser.core.ids import IdChoiceField
from tisser.core.tabular import MAX_FILE_BYTES
from tisser.funding.models import DonationLot
from tisser.offers.enums import DeviceStatus, Tracking
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
        choices=[(status, DeviceStatus(status).label) for status in SITE_RECEIPT_STATUSES],
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
