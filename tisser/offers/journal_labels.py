"""The offers app's journal actions and objects in plain French (``core/journal_labels``)."""

from django.utils.translation import gettext_lazy as _

from tisser.core.journal_labels import DetailField, ObjectKind, ObjectName, integer_ids
from tisser.offers.enums import DeviceStatus
from tisser.offers.models import Offer, StockImport, Transfer, Voucher

# --- flow: receipts, codes, imports, transfers, hub orders, catalogue ---------------------
FLOW_ACTION_LABELS = {
    "stock.devices_received": _("Appareils reçus en stock"),
    "stock.vouchers_received": _("Codes ou cartes reçus en stock"),
    "stock.quantity_received": _("Unités reçues en stock"),
    "voucher.code_revealed": _("Code d'une recharge ou d'une carte affiché"),
    "stock_import.prepared": _("Fichier de stock déposé (aperçu)"),
    "stock_import.confirmed": _("Import de stock confirmé"),
    "transfer.shipped": _("Transfert envoyé à un autre espace"),
    "transfer.received": _("Transfert reçu"),
    "transfer.cancelled": _("Transfert annulé"),
    "hub_order.submitted": _("Commande passée à l'atelier"),
    "hub_order.prepared": _("Commande préparée par l'atelier"),
    "hub_order.shipped": _("Commande expédiée par l'atelier"),
    "hub_order.received": _("Commande reçue"),
    "hub_order.cancelled": _("Commande annulée"),
    "offer.created": _("Offre solidaire créée"),
    "offer.updated": _("Offre solidaire modifiée"),
    "offer.deactivated": _("Offre solidaire désactivée"),
    "stock_settings.hub_set": _("Atelier de reconditionnement du réseau choisi"),
}
FLOW_DETAIL_FIELDS = {
    "stock.": {
        "count": DetailField(_("nombre")),
        "status": DetailField(_("statut"), DeviceStatus.choices),
        "lot": DetailField(_("lot de dons n°")),
        "first": DetailField(_("premier numéro")),
        "last": DetailField(_("dernier numéro")),
    },
    "voucher.": {"offer": DetailField(_("offre n°"))},
    "stock_import.": {
        "rows": DetailField(_("lignes")),
        "created": DetailField(_("créés")),
        "skipped": DetailField(_("ignorés")),
        "kind": DetailField(_("contenu")),
    },
    "transfer.": {
        "devices": DetailField(_("appareils")),
        "units": DetailField(_("unités")),
        "to_site": DetailField(_("à l'espace n°")),
        "from_site": DetailField(_("de l'espace n°")),
    },
    "hub_order.": {
        "units": DetailField(_("unités")),
        "transfer": DetailField(_("transfert n°")),
    },
    "offer.": {"fields": DetailField(_("champs modifiés"))},
    "stock_settings.": {"hub": DetailField(_("atelier n°"))},
}


def _offers(membership, ids):
    rows = Offer.objects.visible_to(membership).filter(pk__in=integer_ids(ids)).only("pk", "name")
    return {str(row.pk): ObjectName(str(row)) for row in rows}


def _vouchers(membership, ids):
    rows = Voucher.objects.visible_to(membership).filter(pk__in=integer_ids(ids))
    return {
        str(row.pk): ObjectName(_("Code n° %(serial)s") % {"serial": str(row)})
        for row in rows.only("pk", "serial")
    }


def _imports(membership, ids):
    rows = StockImport.objects.visible_to(membership).filter(pk__in=integer_ids(ids))
    return {
        str(row.pk): ObjectName(_("Import « %(file)s »") % {"file": row.file_name})
        for row in rows.only("pk", "file_name")
    }


def _transfers(membership, ids):
    rows = Transfer.objects.visible_to(membership).filter(pk__in=integer_ids(ids))
    return {
        str(row.pk): ObjectName(_("Transfert n° %(id)s") % {"id": row.pk})
        for row in rows.only("pk")
    }


FLOW_OBJECT_KINDS = [
    ObjectKind("offers.offer", _("Offre solidaire"), _offers),
    ObjectKind("offers.voucher", _("Code ou carte"), _vouchers),
    ObjectKind("offers.stockimport", _("Import de stock"), _imports),
    ObjectKind("offers.transfer", _("Transfert"), _transfers),
]
# --- end of flow ---------------------------------------------------------------------------

ACTION_LABELS = {**FLOW_ACTION_LABELS}
DETAIL_FIELDS = {**FLOW_DETAIL_FIELDS}
OBJECT_KINDS = [*FLOW_OBJECT_KINDS]
