"""The catalogue of solidarity offers and the stock, from the hub to a site's shelf.

Stock rule: every change of what a site holds is a line of the ledger (``StockMovement``)
written by ``offers.ledger.movement_apply`` together with the running totals of
``StockLevel`` (locked row, database checks: never negative, never more reserved than held).
So for every (site, offer): ``on_hand`` = sum of the ledger's ``quantity``, ``reserved`` =
sum of its ``reserved_delta``, and for tracked offers ``on_hand`` = the devices or vouchers
that are on the site's premises (``*_ON_HAND_STATUSES``, not in transit).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tisser.accounts.enums import OrganisationKind
from tisser.core.models import TimeStampedModel
from tisser.core.scoping import ScopedQuerySet
from tisser.core.validators import reject_nir
from tisser.funding.enums import OfferFamily
from tisser.offers.enums import (
    DEFAULT_WARRANTY_MONTHS,
    DeviceStatus,
    DeviceType,
    Grade,
    HubOrderStatus,
    InventoryCountStatus,
    MovementKind,
    OperatingSystem,
    ReservationStatus,
    StorageKind,
    Tracking,
    TransferStatus,
    VoucherStatus,
)

MAX_PRICE = Decimal("99999.99")
MAX_QUANTITY = 1_000_000


def _price(label, **kwargs):
    return models.DecimalField(
        label,
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_PRICE)],
        **kwargs,
    )


def _site_fk(label, related_name="+", **kwargs):
    return models.ForeignKey(
        "accounts.Site",
        verbose_name=label,
        on_delete=models.PROTECT,
        related_name=related_name,
        **kwargs,
    )


def _user_fk(label, **kwargs):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        on_delete=models.PROTECT,
        related_name="+",
        **kwargs,
    )


class StockSettings(TimeStampedModel):
    """A network's stock settings: which site is its refurbishment hub."""

    scope_path = "network"

    network = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("réseau"),
        on_delete=models.PROTECT,
        related_name="stock_settings",
        limit_choices_to={"kind": OrganisationKind.NETWORK},
    )
    hub = _site_fk(_("atelier de reconditionnement"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("réglages du stock")
        verbose_name_plural = _("réglages du stock")

    def __str__(self):
        return str(self.network)


class OfferQuerySet(ScopedQuerySet):
    def active_on(self, day):
        return self.filter(
            Q(is_active=True),
            Q(active_from__isnull=True) | Q(active_from__lte=day),
            Q(active_until__isnull=True) | Q(active_until__gte=day),
        )


class Offer(TimeStampedModel):
    """What a space sells at a solidarity price: a family, its prices and its conditions."""

    scope_path = "network"

    network = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("réseau"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": OrganisationKind.NETWORK},
    )
    family = models.CharField(_("famille"), max_length=24, choices=OfferFamily.choices)
    tracking = models.CharField(_("suivi en stock"), max_length=12, choices=Tracking.choices)
    name = models.CharField(_("nom"), max_length=120, validators=[reject_nir])
    description = models.TextField(
        _("description en mots simples"), max_length=1000, blank=True, validators=[reject_nir]
    )
    solidarity_price = _price(_("prix solidaire (€)"))
    market_price = _price(_("prix de référence du marché (€)"))
    monthly_price = _price(_("abonnement mensuel (€)"), null=True, blank=True)
    face_value = _price(_("valeur faciale (€)"), null=True, blank=True)
    data_gb = models.PositiveIntegerField(
        _("données (Go)"), null=True, blank=True, validators=[MaxValueValidator(10_000)]
    )
    allowed_grades = models.JSONField(_("grades acceptés"), default=list, blank=True)
    warranty_months = models.PositiveSmallIntegerField(
        _("garantie (mois)"),
        default=DEFAULT_WARRANTY_MONTHS,
        validators=[MaxValueValidator(60)],
    )
    is_loan = models.BooleanField(_("prêté (rendu à la fin de l'abonnement)"), default=False)
    requires_access_right = models.BooleanField(_("droit d'accès nécessaire"), default=True)
    sites = models.ManyToManyField(
        "accounts.Site", verbose_name=_("espaces qui la proposent"), related_name="+", blank=True
    )
    active_from = models.DateField(_("proposée à partir du"), null=True, blank=True)
    active_until = models.DateField(_("proposée jusqu'au"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("offre solidaire")
        verbose_name_plural = _("offres solidaires")
        ordering = ["family", "solidarity_price", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(family__in=OfferFamily.values), name="offer_family_valid"
            ),
            models.CheckConstraint(
                condition=Q(tracking__in=Tracking.values), name="offer_tracking_valid"
            ),
            models.CheckConstraint(
                condition=Q(active_until__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_until__gte=models.F("active_from")),
                name="offer_active_dates_ordered",
            ),
        ]

    def __str__(self):
        return self.name


class StockLevel(models.Model):
    """The running totals of the ledger for one offer at one site (locked on every change)."""

    scope_path = "site"

    site = _site_fk(_("espace"))
    offer = models.ForeignKey(
        Offer, verbose_name=_("offre"), on_delete=models.PROTECT, related_name="stock_levels"
    )
    on_hand = models.IntegerField(_("en stock"), default=0)
    reserved = models.IntegerField(_("réservé"), default=0)
    low_stock_threshold = models.PositiveIntegerField(
        _("seuil de stock bas"), default=0, validators=[MaxValueValidator(MAX_QUANTITY)]
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("niveau de stock")
        verbose_name_plural = _("niveaux de stock")
        constraints = [
            models.UniqueConstraint(fields=["site", "offer"], name="stock_level_one_per_offer"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stock_never_negative"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="stock_reserved_positive"),
            models.CheckConstraint(
                condition=Q(reserved__lte=models.F("on_hand")),
                name="stock_reserved_within_on_hand",
            ),
        ]

    def __str__(self):
        return f"{self.offer} @ {self.site_id}: {self.on_hand}"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def is_low(self) -> bool:
        return self.available <= self.low_stock_threshold and self.low_stock_threshold > 0


class StockImport(TimeStampedModel):
    """A confirmed bulk receipt from a CSV or XLSX file (its rows become devices or vouchers)."""

    scope_path = "site"

    site = _site_fk(_("espace"))
    file_name = models.CharField(_("fichier"), max_length=200)
    file_sha256 = models.CharField(max_length=64)
    kind = models.CharField(_("contenu"), max_length=12, choices=Tracking.choices)
    created_by = _user_fk(_("importé par"))
    rows_created = models.PositiveIntegerField(default=0)
    rows_skipped = models.PositiveIntegerField(default=0)
    # The preview's choices (flow, decision 0040): what the rows are received as.
    offer = models.ForeignKey(
        Offer,
        verbose_name=_("offre"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lot = models.ForeignKey(
        "funding.DonationLot",
        verbose_name=_("lot de dons"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    device_status = models.CharField(
        _("statut à la réception"), max_length=24, choices=DeviceStatus.choices, blank=True
    )
    row_count = models.PositiveIntegerField(_("lignes"), default=0)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("import de stock")
        verbose_name_plural = _("imports de stock")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "file_sha256"],
                condition=Q(confirmed_at__isnull=False),
                name="stock_import_file_once_per_site",
            ),
        ]

    def __str__(self):
        return self.file_name


class Transfer(TimeStampedModel):
    """Stock sent from one site to another: out of the sender's stock when shipped, into the
    receiver's when received. Hub deliveries are transfers too."""

    scope_path = "from_site"
    extra_scope_paths = ("to_site",)

    from_site = _site_fk(_("envoyé par"))
    to_site = _site_fk(_("envoyé à"))
    status = models.CharField(
        _("état"), max_length=12, choices=TransferStatus.choices, default=TransferStatus.IN_TRANSIT
    )
    shipped_at = models.DateTimeField(_("envoyé le"))
    shipped_by = _user_fk(_("envoyé par"))
    received_at = models.DateTimeField(_("reçu le"), null=True, blank=True)
    received_by = _user_fk(_("reçu par"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True, validators=[reject_nir])

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfert")
        verbose_name_plural = _("transferts")
        ordering = ["-shipped_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_site=models.F("to_site")), name="transfer_between_two_sites"
            ),
        ]

    def __str__(self):
        return f"{self.from_site_id} → {self.to_site_id} ({self.shipped_at:%d/%m/%Y})"


class TransferLine(models.Model):
    """How many units of an offer a transfer carries (devices and vouchers point to it)."""

    transfer = models.ForeignKey(
        Transfer, verbose_name=_("transfert"), on_delete=models.CASCADE, related_name="lines"
    )
    offer = models.ForeignKey(Offer, verbose_name=_("offre"), on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(
        _("quantité"), validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)]
    )

    class Meta:
        verbose_name = _("ligne de transfert")
        verbose_name_plural = _("lignes de transfert")
        constraints = [
            models.UniqueConstraint(fields=["transfer", "offer"], name="transfer_line_per_offer"),
        ]

    def __str__(self):
        return f"{self.offer} × {self.quantity}"


class HubOrder(TimeStampedModel):
    """A site's order of devices from the network's refurbishment hub."""

    scope_path = "site"
    extra_scope_paths = ("hub",)

    site = _site_fk(_("espace"))
    hub = _site_fk(_("atelier"))
    status = models.CharField(
        _("état"), max_length=12, choices=HubOrderStatus.choices, default=HubOrderStatus.SUBMITTED
    )
    ordered_by = _user_fk(_("commandée par"))
    ordered_at = models.DateTimeField(_("commandée le"))
    prepared_at = models.DateTimeField(_("préparée le"), null=True, blank=True)
    transfer = models.OneToOneField(
        Transfer,
        verbose_name=_("livraison"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hub_order",
    )
    note = models.CharField(_("note"), max_length=300, blank=True, validators=[reject_nir])
    cancelled_reason = models.CharField(_("motif d'annulation"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("commande à l'atelier")
        verbose_name_plural = _("commandes à l'atelier")
        ordering = ["-ordered_at"]

    def __str__(self):
        return f"{self.site_id} ← {self.hub_id} ({self.ordered_at:%d/%m/%Y})"


class HubOrderLine(models.Model):
    order = models.ForeignKey(
        HubOrder, verbose_name=_("commande"), on_delete=models.CASCADE, related_name="lines"
    )
    offer = models.ForeignKey(Offer, verbose_name=_("offre"), on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(
        _("quantité"), validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )

    class Meta:
        verbose_name = _("ligne de commande")
        verbose_name_plural = _("lignes de commande")
        constraints = [
            models.UniqueConstraint(fields=["order", "offer"], name="hub_order_line_per_offer"),
        ]

    def __str__(self):
        return f"{self.offer} × {self.quantity}"


class InventorySequence(models.Model):
    """The last number given per site, device type and year (locked to number a receipt)."""

    site = _site_fk(_("espace"))
    type_code = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["site", "type_code", "year"], name="inventory_sequence_unique"
            ),
        ]

    def __str__(self):
        return f"{self.site_id}-{self.type_code}-{self.year}: {self.last_number}"


class DeviceQuerySet(ScopedQuerySet):
    pass


class Device(TimeStampedModel):
    """One serialised device (laptop, phone, tablet, desktop, box, 4G key).

    ``inventory_id`` is fixed at receipt (site code, type, year, number) and never changes,
    even after a transfer. ``site`` is where the device is (the sender's until a transfer
    is received; ``transfer`` is set while it travels).
    """

    scope_path = "site"

    site = _site_fk(_("espace"))
    offer = models.ForeignKey(
        Offer, verbose_name=_("offre"), on_delete=models.PROTECT, related_name="devices"
    )
    inventory_id = models.CharField(_("numéro d'inventaire"), max_length=24, unique=True)
    device_type = models.CharField(_("type"), max_length=24, choices=DeviceType.choices)
    status = models.CharField(_("statut"), max_length=24, choices=DeviceStatus.choices)
    grade = models.CharField(_("grade"), max_length=8, choices=Grade.choices, blank=True)
    serial_number = models.CharField(_("numéro de série"), max_length=64, blank=True)
    imei = models.CharField(_("IMEI"), max_length=15, blank=True)
    brand = models.CharField(_("marque"), max_length=60, blank=True)
    model_name = models.CharField(_("modèle"), max_length=120, blank=True)
    processor = models.CharField(_("processeur"), max_length=120, blank=True)
    memory_gb = models.PositiveSmallIntegerField(
        _("mémoire vive (Go)"), null=True, blank=True, validators=[MaxValueValidator(1024)]
    )
    storage_gb = models.PositiveIntegerField(
        _("stockage (Go)"), null=True, blank=True, validators=[MaxValueValidator(100_000)]
    )
    storage_kind = models.CharField(
        _("type de stockage"), max_length=8, choices=StorageKind.choices, blank=True
    )
    cpu_score = models.PositiveIntegerField(
        _("indice de performance du processeur"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(200_000)],
        help_text=_("Score d'un banc d'essai (PassMark CPU Mark par exemple)."),
    )
    operating_system = models.CharField(
        _("système"), max_length=12, choices=OperatingSystem.choices, blank=True
    )
    os_version = models.CharField(_("version du système"), max_length=40, blank=True)
    received_on = models.DateField(_("reçu le"))
    lot = models.ForeignKey(
        "funding.DonationLot",
        verbose_name=_("lot de dons"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    stock_import = models.ForeignKey(
        StockImport, on_delete=models.PROTECT, null=True, blank=True, related_name="devices"
    )
    transfer = models.ForeignKey(
        Transfer, on_delete=models.PROTECT, null=True, blank=True, related_name="devices"
    )
    hub_order = models.ForeignKey(
        HubOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="devices"
    )
    reserved_until = models.DateTimeField(_("réservé jusqu'au"), null=True, blank=True)
    wiped_at = models.DateTimeField(_("données effacées le"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True, validators=[reject_nir])

    objects = DeviceQuerySet.as_manager()

    class Meta:
        verbose_name = _("appareil")
        verbose_name_plural = _("appareils")
        ordering = ["inventory_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DeviceStatus.values), name="device_status_valid"
            ),
            models.UniqueConstraint(
                fields=["imei"], condition=~Q(imei=""), name="device_imei_unique"
            ),
            models.UniqueConstraint(
                fields=["brand", "serial_number"],
                condition=~Q(serial_number=""),
                name="device_serial_unique_per_brand",
            ),
        ]
        indexes = [
            models.Index(fields=["site", "status", "offer"], name="device_site_status_offer"),
            models.Index(fields=["serial_number"], name="device_serial"),
        ]

    def __str__(self):
        return self.inventory_id


class Voucher(TimeStampedModel):
    """A recharge code or a SIM card. The code is encrypted at rest (``offers.vouchers``) and
    shown only on a paid receipt; ``code_fingerprint`` (a keyed hash) finds duplicates
    without decrypting. ``serial`` is the non-secret number printed on the card or batch."""

    scope_path = "site"

    site = _site_fk(_("espace"))
    offer = models.ForeignKey(
        Offer, verbose_name=_("offre"), on_delete=models.PROTECT, related_name="vouchers"
    )
    status = models.CharField(
        _("statut"), max_length=12, choices=VoucherStatus.choices, default=VoucherStatus.IN_STOCK
    )
    code_encrypted = models.TextField(editable=False)
    code_fingerprint = models.CharField(max_length=64, unique=True, editable=False)
    serial = models.CharField(_("numéro de série"), max_length=40, blank=True)
    expires_on = models.DateField(_("expire le"), null=True, blank=True)
    received_on = models.DateField(_("reçu le"))
    lot = models.ForeignKey(
        "funding.DonationLot",
        verbose_name=_("lot de dons"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    stock_import = models.ForeignKey(
        StockImport, on_delete=models.PROTECT, null=True, blank=True, related_name="vouchers"
    )
    transfer = models.ForeignKey(
        Transfer, on_delete=models.PROTECT, null=True, blank=True, related_name="vouchers"
    )
    reservation = models.ForeignKey(
        "offers.Reservation",
        verbose_name=_("réservation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vouchers",
    )
    reserved_until = models.DateTimeField(_("réservé jusqu'au"), null=True, blank=True)
    sold_at = models.DateTimeField(_("vendu le"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("code ou carte")
        verbose_name_plural = _("codes et cartes")
        ordering = ["expires_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=VoucherStatus.values), name="voucher_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["site", "offer", "status"], name="voucher_site_offer_status"),
            # Reservations take the oldest expiry first (nulls last, as PostgreSQL sorts).
            models.Index(
                fields=["site", "offer", "status", "expires_on", "id"], name="voucher_pick_order"
            ),
        ]

    def __str__(self):
        return self.serial or f"#{self.pk}"


class InventoryCount(TimeStampedModel):
    """A stock count at a site: what the ledger expects against what the team counted."""

    scope_path = "site"

    site = _site_fk(_("espace"))
    status = models.CharField(
        _("état"),
        max_length=8,
        choices=InventoryCountStatus.choices,
        default=InventoryCountStatus.OPEN,
    )
    started_by = _user_fk(_("commencé par"))
    closed_at = models.DateTimeField(_("clôturé le"), null=True, blank=True)
    closed_by = _user_fk(_("clôturé par"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("inventaire")
        verbose_name_plural = _("inventaires")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["site"],
                condition=Q(status=InventoryCountStatus.OPEN),
                name="inventory_count_one_open_per_site",
            ),
        ]

    def __str__(self):
        return f"{self.site_id} ({self.created_at:%d/%m/%Y})"


class InventoryCountLine(models.Model):
    count = models.ForeignKey(
        InventoryCount, verbose_name=_("inventaire"), on_delete=models.CASCADE, related_name="lines"
    )
    offer = models.ForeignKey(Offer, verbose_name=_("offre"), on_delete=models.PROTECT)
    expected = models.IntegerField(_("attendu"))
    counted = models.PositiveIntegerField(
        _("compté"), null=True, blank=True, validators=[MaxValueValidator(MAX_QUANTITY)]
    )
    # Inventory ids or voucher serials the ledger expects but the team did not find.
    missing = models.JSONField(_("introuvables"), default=list, blank=True)

    class Meta:
        verbose_name = _("ligne d'inventaire")
        verbose_name_plural = _("lignes d'inventaire")
        constraints = [
            models.UniqueConstraint(fields=["count", "offer"], name="inventory_line_per_offer"),
        ]

    def __str__(self):
        return f"{self.offer_id}: {self.counted} / {self.expected}"

    @property
    def discrepancy(self) -> int | None:
        return None if self.counted is None else self.counted - self.expected


class StockMovement(models.Model):
    """One line of the stock ledger; written only by ``offers.ledger`` and never changed."""

    scope_path = "site"

    site = _site_fk(_("espace"))
    offer = models.ForeignKey(Offer, verbose_name=_("offre"), on_delete=models.PROTECT)
    kind = models.CharField(_("mouvement"), max_length=16, choices=MovementKind.choices)
    quantity = models.IntegerField(_("quantité"))
    reserved_delta = models.IntegerField(default=0)
    at = models.DateTimeField(_("le"))
    actor = _user_fk(_("par"), null=True, blank=True)
    device = models.ForeignKey(
        Device, on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )
    voucher = models.ForeignKey(
        Voucher, on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )
    lot = models.ForeignKey(
        "funding.DonationLot", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    transfer = models.ForeignKey(
        Transfer, on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )
    stock_import = models.ForeignKey(
        StockImport, on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )
    inventory_count = models.ForeignKey(
        InventoryCount, on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )
    reason = models.CharField(_("motif"), max_length=300, blank=True, validators=[reject_nir])

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("mouvement de stock")
        verbose_name_plural = _("mouvements de stock")
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=MovementKind.values), name="movement_kind_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["site", "offer", "at"], name="movement_site_offer_at"),
            models.Index(fields=["site", "-at", "-id"], name="movement_site_newest"),
            models.Index(fields=["-at", "-id"], name="movement_newest"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.quantity:+d}"


# --- stock: reservations and the device's history (issue 10, stock) ---------------------------


class Reservation(TimeStampedModel):
    """Stock held for a sale at a site: one device, or ``quantity`` vouchers (which point
    to it) or units of a quantity offer. It ends sold, released by hand, or expired by the
    job ``offers.reservations_expire`` once ``reserved_until`` has passed."""

    scope_path = "site"

    site = _site_fk(_("espace"))
    offer = models.ForeignKey(Offer, verbose_name=_("offre"), on_delete=models.PROTECT)
    device = models.ForeignKey(
        Device,
        verbose_name=_("appareil"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reservations",
    )
    quantity = models.PositiveIntegerField(
        _("quantité"), validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    status = models.CharField(
        _("état"),
        max_length=12,
        choices=ReservationStatus.choices,
        default=ReservationStatus.ACTIVE,
    )
    reserved_until = models.DateTimeField(_("réservé jusqu'au"))
    created_by = _user_fk(_("réservé par"), null=True, blank=True)
    ended_at = models.DateTimeField(_("terminée le"), null=True, blank=True)
    ended_by = _user_fk(_("terminée par"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True, validators=[reject_nir])

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("réservation")
        verbose_name_plural = _("réservations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReservationStatus.values), name="reservation_status_valid"
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="reservation_quantity_min"),
            models.CheckConstraint(
                condition=Q(device__isnull=True) | Q(quantity=1),
                name="reservation_one_device",
            ),
            models.UniqueConstraint(
                fields=["device"],
                condition=Q(status=ReservationStatus.ACTIVE, device__isnull=False),
                name="reservation_one_active_per_device",
            ),
        ]
        indexes = [
            models.Index(
                fields=["reserved_until"],
                condition=Q(status=ReservationStatus.ACTIVE),
                name="reservation_active_until",
            ),
            models.Index(fields=["site", "status"], name="reservation_site_status"),
        ]

    def __str__(self):
        return f"{self.offer} × {self.quantity} ({self.get_status_display()})"


class DeviceStatusChange(models.Model):
    """One step of a device's lifecycle: from which status to which, why, by whom, where."""

    scope_path = "site"

    device = models.ForeignKey(
        Device, verbose_name=_("appareil"), on_delete=models.PROTECT, related_name="status_changes"
    )
    site = _site_fk(_("espace"))
    from_status = models.CharField(_("ancien statut"), max_length=24, choices=DeviceStatus.choices)
    to_status = models.CharField(_("nouveau statut"), max_length=24, choices=DeviceStatus.choices)
    grade = models.CharField(_("grade"), max_length=8, choices=Grade.choices, blank=True)
    at = models.DateTimeField(_("le"))
    actor = _user_fk(_("par"), null=True, blank=True)
    reason = models.CharField(_("motif"), max_length=300, blank=True, validators=[reject_nir])

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("changement de statut d'un appareil")
        verbose_name_plural = _("changements de statut des appareils")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["device", "at"], name="device_status_change_at")]

    def __str__(self):
        return f"{self.device_id}: {self.from_status} → {self.to_status}"
