"""The funding app's journal actions and objects in plain French (see ``core/journal_labels``).

Donors are named as on their receipts (an organisation's legal name, or the person who gave:
the network admin who reads the journal already sees them in the donor list); receipts by
their number; lots by what they hold.
"""

from django.utils.translation import gettext_lazy as _

from tisser.core.dates import format_day
from tisser.core.journal_labels import DetailField, ObjectKind, ObjectName, integer_ids, page_url
from tisser.funding.enums import DonorKind, LotUnit, OfferFamily, ValuationMethod
from tisser.funding.models import (
    Convention,
    DonationLot,
    Donor,
    Dotation,
    TaxReceipt,
    TaxReceiptSettings,
)

ACTION_LABELS = {
    "donor.created": _("Donateur ajouté"),
    "donor.updated": _("Donateur modifié"),
    "donor.deactivated": _("Donateur désactivé"),
    "donor.reactivated": _("Donateur réactivé"),
    "convention.created": _("Convention créée"),
    "convention.updated": _("Convention modifiée"),
    "dotation.created": _("Dotation ajoutée"),
    "dotation.updated": _("Dotation modifiée"),
    "donation_lot.recorded": _("Lot de dons enregistré"),
    "donation_lot.corrected": _("Lot de dons corrigé"),
    "tax_receipt_settings.updated": _("Réglages des reçus fiscaux modifiés"),
    "tax_receipt.issued": _("Reçu fiscal émis"),
    "tax_receipt.cancelled": _("Reçu fiscal annulé"),
}

DETAIL_FIELDS = {
    "donor.": {
        "kind": DetailField(_("type"), DonorKind.choices),
        "funder_id": DetailField(_("financeur n°")),
    },
    "convention.": {
        "funder_id": DetailField(_("financeur n°")),
        "site_ids": DetailField(_("espaces n°")),
    },
    "dotation.": {
        "convention_id": DetailField(_("convention n°")),
        "year": DetailField(_("année")),
    },
    "donation_lot.": {
        "donor_id": DetailField(_("donateur n°")),
        "dotation_id": DetailField(_("dotation n°")),
        "family": DetailField(_("famille"), OfferFamily.choices),
        "quantity": DetailField(_("quantité")),
        "unit": DetailField(_("unité"), LotUnit.choices),
        "valuation_method": DetailField(_("méthode de valorisation"), ValuationMethod.choices),
        "valuation_amount": DetailField(_("valeur (€)")),
    },
    "tax_receipt_settings.": {"issues_tax_receipts": DetailField(_("émet des reçus fiscaux"))},
    "tax_receipt.": {
        "number": DetailField(_("numéro")),
        "donor_id": DetailField(_("donateur n°")),
        "year": DetailField(_("année des dons")),
        "lot_ids": DetailField(_("lots n°")),
        "amount": DetailField(_("montant (€)")),
    },
}


def _donors(membership, ids):
    rows = Donor.objects.visible_to(membership).filter(pk__in=integer_ids(ids)).only("pk", "name")
    return {
        str(row.pk): ObjectName(row.name, page_url(membership, "funding:donor_edit", row.pk))
        for row in rows
    }


def _conventions(membership, ids):
    rows = Convention.objects.visible_to(membership).filter(pk__in=integer_ids(ids))
    return {
        str(row.pk): ObjectName(str(row), page_url(membership, "funding:convention_detail", row.pk))
        for row in rows.only("pk", "reference", "title")
    }


def _dotations(membership, ids):
    rows = (
        Dotation.objects.visible_to(membership)
        .filter(pk__in=integer_ids(ids))
        .select_related("convention")
        .only("pk", "year", "convention__reference")
    )
    return {
        str(row.pk): ObjectName(
            _("Dotation %(year)s de la convention %(reference)s")
            % {"year": row.year, "reference": row.convention.reference}
        )
        for row in rows
    }


def _lots(membership, ids):
    rows = (
        DonationLot.objects.visible_to(membership)
        .filter(pk__in=integer_ids(ids))
        .only("pk", "family", "quantity", "received_on")
    )
    return {
        str(row.pk): ObjectName(
            _("%(family)s × %(quantity)s reçus le %(day)s")
            % {
                "family": row.get_family_display(),
                "quantity": row.quantity,
                "day": format_day(row.received_on),
            },
            page_url(membership, "funding:lot_detail", row.pk),
        )
        for row in rows
    }


def _receipts(membership, ids):
    rows = TaxReceipt.objects.visible_to(membership).filter(pk__in=integer_ids(ids))
    return {
        str(row.pk): ObjectName(
            _("Reçu fiscal n° %(number)s") % {"number": row.number},
            page_url(membership, "funding:tax_receipt_detail", row.pk),
        )
        for row in rows.only("pk", "number")
    }


def _settings(membership, ids):
    rows = TaxReceiptSettings.objects.visible_to(membership).filter(pk__in=integer_ids(ids))
    return {
        str(row.pk): ObjectName(str(_("Réglages des reçus fiscaux"))) for row in rows.only("pk")
    }


OBJECT_KINDS = [
    ObjectKind("funding.donor", _("Donateur"), _donors),
    ObjectKind("funding.convention", _("Convention"), _conventions),
    ObjectKind("funding.dotation", _("Dotation"), _dotations),
    ObjectKind("funding.donationlot", _("Lot de dons"), _lots),
    ObjectKind("funding.taxreceipt", _("Reçu fiscal"), _receipts),
    ObjectKind("funding.taxreceiptsettings", _("Réglages des reçus fiscaux"), _settings),
]
