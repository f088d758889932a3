"""Codes of the catalogue and the stock (reference-lists §4 where a national code exists)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tisser.funding.enums import OfferFamily


class Tracking(models.TextChoices):
    """How a unit of an offer is followed in stock."""

    DEVICE = "device", _("Appareil numéroté (numéro d'inventaire)")
    VOUCHER = "voucher", _("Code ou carte (recharge, carte SIM)")
    QUANTITY = "quantity", _("Quantité seulement")


# The tracking a family implies; the catalogue refuses any other.
TRACKING_BY_FAMILY = {
    OfferFamily.RECHARGE: Tracking.VOUCHER,
    OfferFamily.SIM: Tracking.VOUCHER,
    OfferFamily.BOX: Tracking.DEVICE,
    OfferFamily.KEY_4G: Tracking.DEVICE,
    OfferFamily.SMARTPHONE: Tracking.DEVICE,
    OfferFamily.LAPTOP: Tracking.DEVICE,
    OfferFamily.TABLET: Tracking.DEVICE,
    OfferFamily.DESKTOP: Tracking.DEVICE,
}
# Families lent with a monthly subscription and returned at the end.
LENT_FAMILIES = frozenset({OfferFamily.BOX, OfferFamily.KEY_4G})
DEFAULT_WARRANTY_MONTHS = 12


class DeviceType(models.TextChoices):
    """Device type of the tec.tech inventory (reference-lists §4.1), plus two local ones."""

    DESKTOP = "ORDINATEUR_FIXE", _("Ordinateur fixe")
    LAPTOP = "ORDINATEUR_PORTABLE", _("Ordinateur portable")
    SMARTPHONE = "SMARTPHONE", _("Smartphone")
    TABLET = "TABLETTE", _("Tablette")
    BOX = "BOX", _("Box internet")  # local
    KEY_4G = "CLE_4G", _("Clé 4G")  # local


# The middle part of an inventory id (STR-PC-26-0042).
INVENTORY_TYPE_CODES = {
    DeviceType.DESKTOP: "UC",
    DeviceType.LAPTOP: "PC",
    DeviceType.SMARTPHONE: "TEL",
    DeviceType.TABLET: "TAB",
    DeviceType.BOX: "BOX",
    DeviceType.KEY_4G: "CLE",
}
# Phones carry an IMEI (checked with Luhn).
TYPES_WITH_IMEI = frozenset({DeviceType.SMARTPHONE})


class OperatingSystem(models.TextChoices):
    ANDROID = "Android", "Android"
    IOS = "iOS", "iOS"
    LINUX = "Linux", "Linux"
    MACOS = "MacOS", "MacOS"
    WINDOWS = "Windows", "Windows"


class StorageKind(models.TextChoices):
    NVME = "NVME", _("SSD NVMe")
    SSD = "SSD", _("SSD")
    HDD = "HDD", _("Disque dur")
    FLASH = "FLASH", _("Mémoire flash")


class Grade(models.TextChoices):
    """Device grade (`categorie`, reference-lists §4.2)."""

    PREMIUM = "PREMIUM", _("Premium")
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"


class DeviceStatus(models.TextChoices):
    """Device lifecycle (`statut` of the tec.tech inventory, reference-lists §4.1)."""

    TO_PROCESS = "A_TRAITER", _("À traiter")
    PROCESSING = "EN_COURS_DE_TRAITEMENT", _("En cours de traitement")
    NOT_REUSABLE = "NON_REEMPLOYABLE", _("Non réemployable")
    READY_TO_ORDER = "PRET_A_COMMANDER", _("Prêt à commander")
    IN_DELIVERY = "EN_COURS_DE_LIVRAISON", _("En cours de livraison")
    READY_TO_DISTRIBUTE = "PRET_A_DISTRIBUER", _("Prêt à distribuer")
    RESERVED = "RESERVE", _("Réservé")  # local
    DISTRIBUTED = "DISTRIBUE", _("Distribué")
    AFTER_SALES = "SAV", _("SAV")


# Statuses in which a device is physically on a site's premises (counted in its stock).
DEVICE_ON_HAND_STATUSES = frozenset(
    {
        DeviceStatus.TO_PROCESS,
        DeviceStatus.PROCESSING,
        DeviceStatus.READY_TO_ORDER,
        DeviceStatus.READY_TO_DISTRIBUTE,
        DeviceStatus.RESERVED,
        DeviceStatus.AFTER_SALES,
    }
)


class VoucherStatus(models.TextChoices):
    """Voucher and recharge status (reference-lists §4.3, local)."""

    IN_STOCK = "IN_STOCK", _("En stock")
    RESERVED = "RESERVED", _("Réservé")
    SOLD = "SOLD", _("Vendu")
    ACTIVATED = "ACTIVATED", _("Activé")
    DEFECTIVE = "DEFECTIVE", _("Défectueux")
    REPLACED = "REPLACED", _("Remplacé")
    EXPIRED = "EXPIRED", _("Expiré")
    VOID = "VOID", _("Annulé")


VOUCHER_ON_HAND_STATUSES = frozenset({VoucherStatus.IN_STOCK, VoucherStatus.RESERVED})


class MovementKind(models.TextChoices):
    """Lines of the stock ledger. ``quantity`` moves the stock on hand, ``reserved_delta``
    the part of it held for a sale."""

    RECEIPT = "receipt", _("Réception")
    TRANSFER_OUT = "transfer_out", _("Envoi vers un autre espace")
    TRANSFER_IN = "transfer_in", _("Réception d'un envoi")
    RESERVATION = "reservation", _("Réservation")
    RELEASE = "release", _("Fin de réservation")
    SALE = "sale", _("Vente")
    RETURN = "return", _("Retour")
    WRITE_OFF = "write_off", _("Sortie de stock (perte, casse, non réemployable)")
    ADJUSTMENT = "adjustment", _("Ajustement d'inventaire")


class TransferStatus(models.TextChoices):
    IN_TRANSIT = "in_transit", _("En cours d'acheminement")
    RECEIVED = "received", _("Reçu")
    CANCELLED = "cancelled", _("Annulé")


class HubOrderStatus(models.TextChoices):
    """A site's order to the refurbishment hub: ordered, prepared, delivered, received."""

    SUBMITTED = "submitted", _("Commandée")
    PREPARED = "prepared", _("Préparée")
    SHIPPED = "shipped", _("En cours de livraison")
    RECEIVED = "received", _("Reçue")
    CANCELLED = "cancelled", _("Annulée")


class InventoryCountStatus(models.TextChoices):
    OPEN = "open", _("En cours")
    CLOSED = "closed", _("Clôturé")


# --- stock: reservations (issue 10, stock) ---------------------------------------------------


class ReservationStatus(models.TextChoices):
    """A hold on stock for a sale: active until sold, released by hand, or expired."""

    ACTIVE = "active", _("En cours")
    RELEASED = "released", _("Libérée")
    EXPIRED = "expired", _("Expirée")
    SOLD = "sold", _("Vendue")
