"""The offers app's journal actions and objects in plain French (``core/journal_labels``)."""

from django.utils.translation import gettext_lazy as _

from tisser.core.journal_labels import DetailField, ObjectKind, ObjectName, integer_ids, page_url
from tisser.offers.enums import DeviceStatus, Grade, VoucherStatus
from tisser.offers.models import (
    Device,
    HubOrder,
    InventoryCount,
    Offer,
    Reservation,
    StockImport,
    Transfer,
    Voucher,
)

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


def _hub_orders(membership, ids):
    rows = HubOrder.objects.visible_to(membership).filter(pk__in=integer_ids(ids))
    return {
        str(row.pk): ObjectName(
            _("Commande à l'atelier n° %(id)s") % {"id": row.pk},
            page_url(membership, "offers:hub_order_detail", row.pk),
        )
        for row in rows.only("pk")
    }


FLOW_OBJECT_KINDS = [
    ObjectKind("offers.huborder", _("Commande à l'atelier"), _hub_orders),
    ObjectKind("offers.stocksettings", _("Réglages du stock")),
    ObjectKind("offers.offer", _("Offre solidaire"), _offers),
    ObjectKind("offers.voucher", _("Code ou carte"), _vouchers),
    ObjectKind("offers.stockimport", _("Import de stock"), _imports),
    ObjectKind("offers.transfer", _("Transfert"), _transfers),
]
# --- end of flow ---------------------------------------------------------------------------

# --- stock (issue 10, stock) ------------------------------------------------------------------
STOCK_ACTION_LABELS = {
    "stock.reserved": _("Stock réservé"),
    "stock.released": _("Réservation libérée"),
    "stock.reservation_expired": _("Réservation expirée"),
    "stock.sold": _("Stock vendu"),
    "stock.returned": _("Retour en stock"),
    "stock.written_off": _("Sortie de stock"),
    "stock.adjusted": _("Stock ajusté"),
    "stock.threshold_set": _("Seuil de stock bas modifié"),
    "stock.device_status_changed": _("Statut d'un appareil changé"),
    "stock.voucher_status_changed": _("Statut d'un code changé"),
    "stock.count_started": _("Inventaire commencé"),
    "stock.count_recorded": _("Comptage d'inventaire saisi"),
    "stock.count_closed": _("Inventaire clôturé"),
}

STOCK_DETAIL_FIELDS = {
    "stock.": {
        "offer": DetailField(_("offre n°")),
        "quantity": DetailField(_("quantité")),
        "device": DetailField(_("appareil n°")),
        "before": DetailField(_("avant")),
        "after": DetailField(_("après")),
        "grade": DetailField(_("grade"), Grade.choices),
        "lines": DetailField(_("lignes")),
        "adjusted": DetailField(_("ajustements")),
        "written_off": DetailField(_("sorties")),
    },
    "stock.device_": {"to": DetailField(_("vers"), DeviceStatus.choices)},
    "stock.voucher_": {"to": DetailField(_("vers"), VoucherStatus.choices)},
}


def _devices(membership, ids):
    rows = Device.objects.visible_to(membership).filter(pk__in=integer_ids(ids))
    return {
        str(row.pk): ObjectName(
            row.inventory_id, page_url(membership, "offers:device_detail", row.pk)
        )
        for row in rows.only("pk", "inventory_id")
    }


def _counts(membership, ids):
    rows = InventoryCount.objects.visible_to(membership).filter(pk__in=integer_ids(ids))
    return {
        str(row.pk): ObjectName(
            _("Inventaire n°%(id)s") % {"id": row.pk},
            page_url(membership, "offers:count_detail", row.pk),
        )
        for row in rows.only("pk")
    }


def _reservations(membership, ids):
    rows = (
        Reservation.objects.visible_to(membership)
        .filter(pk__in=integer_ids(ids))
        .select_related("offer")
    )
    return {
        str(row.pk): ObjectName(f"{row.offer.name} × {row.quantity}")
        for row in rows.only("pk", "quantity", "offer__name")
    }


STOCK_OBJECT_KINDS = [
    ObjectKind("offers.device", _("Appareil"), _devices),
    ObjectKind("offers.inventorycount", _("Inventaire"), _counts),
    ObjectKind("offers.reservation", _("Réservation"), _reservations),
]
# --- end stock --------------------------------------------------------------------------------


# Both blocks label "stock." details: the flow's receipts and the stock's own movements.
DETAIL_FIELDS = {**FLOW_DETAIL_FIELDS, **STOCK_DETAIL_FIELDS}
DETAIL_FIELDS["stock."] = {**FLOW_DETAIL_FIELDS["stock."], **STOCK_DETAIL_FIELDS["stock."]}
ACTION_LABELS = {**FLOW_ACTION_LABELS, **STOCK_ACTION_LABELS}
OBJECT_KINDS = [*FLOW_OBJECT_KINDS, *STOCK_OBJECT_KINDS]
