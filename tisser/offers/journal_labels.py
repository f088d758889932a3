"""The offers app's journal actions and objects in plain French (``core/journal_labels``)."""

from django.utils.translation import gettext_lazy as _

from tisser.core.journal_labels import DetailField, ObjectKind, ObjectName, integer_ids, page_url
from tisser.offers.enums import DeviceStatus, Grade, VoucherStatus
from tisser.offers.models import Device, InventoryCount, Offer, Reservation

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


def _offers(membership, ids):
    rows = Offer.objects.visible_to(membership).filter(pk__in=integer_ids(ids))
    return {str(row.pk): ObjectName(row.name) for row in rows.only("pk", "name")}


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
    ObjectKind("offers.offer", _("Offre solidaire"), _offers),
    ObjectKind("offers.inventorycount", _("Inventaire"), _counts),
    ObjectKind("offers.reservation", _("Réservation"), _reservations),
    ObjectKind("offers.voucher", _("Code ou carte")),
]
# --- end stock --------------------------------------------------------------------------------

ACTION_LABELS = {**STOCK_ACTION_LABELS}
DETAIL_FIELDS = {**STOCK_DETAIL_FIELDS}
OBJECT_KINDS = [*STOCK_OBJECT_KINDS]
