"""Receiving stock at a site: numbered devices, voucher codes and plain quantities.

Every receipt is one operation: the items are checked together (a single problem refuses
the whole receipt, in French, naming the row), written with ``bulk_create``, each becomes a
RECEIPT line of the ledger (``offers.ledger.movements_apply``, in the same transaction) and
the operation gets one journal entry — 5,000 vouchers cost a handful of queries, not 5,000.

A device's inventory id is given here, once, from the site's ``InventorySequence`` (row
locked): ``<site short code>-<type code>-<yy>-<nnnn>``, e.g. ``STR-PC-26-0042``. It never
changes afterwards, even when the device moves to another site.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tisser.accounts.enums import Role
from tisser.accounts.models import Site
from tisser.core import clock, journal
from tisser.core.errors import DomainError
from tisser.offers import stock_roles
from tisser.offers.enums import (
    INVENTORY_TYPE_CODES,
    TYPES_WITH_IMEI,
    DeviceStatus,
    DeviceType,
    MovementKind,
    Tracking,
    VoucherStatus,
)
from tisser.offers.ledger import Move, movements_apply
from tisser.offers.models import (
    MAX_QUANTITY,
    Device,
    InventorySequence,
    Offer,
    Voucher,
)
from tisser.offers.validators import normalize_imei, normalize_serial, validate_imei
from tisser.offers.vouchers import code_encrypt, code_fingerprint, code_problem, normalize_code

MAX_ITEMS_PER_RECEIPT = 20_000
# Statuses a site may give devices it receives ready; the hub receives them « à traiter ».
SITE_RECEIPT_STATUSES = (
    DeviceStatus.READY_TO_DISTRIBUTE,
    DeviceStatus.TO_PROCESS,
    DeviceStatus.PROCESSING,
    DeviceStatus.READY_TO_ORDER,
)
HUB_RECEIPT_STATUS = DeviceStatus.TO_PROCESS
DEVICE_TYPE_BY_FAMILY = {
    "SMARTPHONE": DeviceType.SMARTPHONE,
    "ORDINATEUR_PORTABLE": DeviceType.LAPTOP,
    "TABLETTE": DeviceType.TABLET,
    "ORDINATEUR_FIXE": DeviceType.DESKTOP,
    "BOX": DeviceType.BOX,
    "CLE_4G": DeviceType.KEY_4G,
}
DEVICE_TEXT_FIELDS = (
    "serial_number",
    "imei",
    "brand",
    "model_name",
    "processor",
    "storage_kind",
    "operating_system",
    "os_version",
    "grade",
    "notes",
)


class ReceiptError(DomainError):
    """A receipt refused as a whole; ``problems`` lists (row, column, message)."""

    def __init__(self, message: str, problems: list[tuple[int, str, str]] | None = None):
        super().__init__(message)
        self.problems = problems or []


@dataclass
class DeviceIn:
    """One device as typed or read from a file (``row`` numbers it in messages)."""

    row: int = 0
    serial_number: str = ""
    imei: str = ""
    brand: str = ""
    model_name: str = ""
    grade: str = ""
    processor: str = ""
    memory_gb: int | None = None
    storage_gb: int | None = None
    storage_kind: str = ""
    operating_system: str = ""
    os_version: str = ""
    notes: str = ""


@dataclass
class VoucherIn:
    row: int = 0
    code: str = ""
    serial: str = ""
    expires_on: datetime.date | None = None


@dataclass
class Receipt:
    offer: Offer
    site: Site
    devices: list[Device] = field(default_factory=list)
    vouchers: list[Voucher] = field(default_factory=list)
    quantity: int = 0

    @property
    def count(self) -> int:
        return len(self.devices) or len(self.vouchers) or self.quantity


# --- who, where, what ---------------------------------------------------------------------


def is_hub(site: Site) -> bool:
    return stock_roles.hub_site_id(site.network_id) == site.pk


def require_receiver(actor, site: Site) -> None:
    """Network admin (any site of the network), site manager of the site, or a mediator of
    the hub (the hub's team receives donations)."""
    stock_roles.check_manager_or_hub_team(
        actor,
        site,
        _(
            "Seul le responsable de l'espace (ou l'équipe de l'atelier) enregistre une "
            "réception dans cet espace."
        ),
    )


def network_id_of(actor) -> int:
    if actor.role == Role.NETWORK_ADMIN:
        return actor.organisation_id
    return actor.organisation.network_id


def check_offer(offer: Offer, site: Site, tracking: str) -> None:
    if offer.network_id != site.network_id:
        raise DomainError(_("Cette offre n'appartient pas au réseau de l'espace."))
    if not offer.is_active:
        raise DomainError(_("L'offre « %(offer)s » est désactivée.") % {"offer": offer})
    if offer.tracking != tracking:
        raise DomainError(
            _("L'offre « %(offer)s » se suit en stock comme : %(tracking)s.")
            % {"offer": offer, "tracking": offer.get_tracking_display()}
        )


def check_lot(lot, site: Site, offer: Offer) -> None:
    if lot is None:
        return
    if lot.site_id != site.pk:
        raise DomainError(_("Ce lot de dons a été reçu dans un autre espace."))
    if lot.family != offer.family:
        raise DomainError(
            _("Ce lot de dons contient : %(family)s, pas l'offre « %(offer)s ».")
            % {"family": lot.get_family_display(), "offer": offer}
        )


def _received_on(received_on: datetime.date | None) -> datetime.date:
    today = clock.localdate()
    day = received_on or today
    if day > today:
        raise DomainError(_("La date de réception ne peut pas être dans le futur."))
    if day < today - datetime.timedelta(days=366):
        raise DomainError(_("La date de réception a plus d'un an : vérifiez-la."))
    return day


def _count_in_bounds(count: int) -> None:
    if count < 1:
        raise DomainError(_("Rien à recevoir : ajoutez au moins une ligne."))
    if count > MAX_ITEMS_PER_RECEIPT:
        raise DomainError(
            _("Une réception compte au plus %(max)s lignes : découpez-la.")
            % {"max": MAX_ITEMS_PER_RECEIPT}
        )


def _refuse(problems: list[tuple[int, str, str]]) -> None:
    if problems:
        row, _column, message = problems[0]
        more = len(problems) - 1
        text = _("Ligne %(row)s : %(message)s") % {"row": row, "message": message}
        if more:
            text += " " + _("(et %(count)s autre(s) problème(s))") % {"count": more}
        raise ReceiptError(text, problems)


# --- inventory ids ------------------------------------------------------------------------


def inventory_ids_allocate(*, site: Site, device_type: str, year: int, count: int) -> list[str]:
    """``count`` new inventory ids for ``site`` (sequence row locked; inside a transaction)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("inventory_ids_allocate must run inside a transaction")
    type_code = INVENTORY_TYPE_CODES[DeviceType(device_type)]
    sequence, _created = InventorySequence.objects.get_or_create(
        site=site, type_code=type_code, year=year
    )
    sequence = InventorySequence.objects.select_for_update().get(pk=sequence.pk)
    first = sequence.last_number + 1
    sequence.last_number += count
    sequence.save(update_fields=["last_number"])
    prefix = f"{site.short_code.upper()}-{type_code}-{year % 100:02d}"
    return [f"{prefix}-{number:04d}" for number in range(first, first + count)]


# --- devices ------------------------------------------------------------------------------


def device_problems(
    items: Sequence[DeviceIn], *, offer: Offer, device_type: str, check_stock: bool = True
) -> list[tuple[int, str, str]]:
    """(row, column, French message) for every device that cannot be received, duplicates
    in the list and against the stock included. Reads only (one query per identifier kind)."""
    problems: list[tuple[int, str, str]] = []
    allowed_grades = set(offer.allowed_grades or [])
    seen_serials: dict[tuple[str, str], int] = {}
    seen_imeis: dict[str, int] = {}
    for item in items:
        item.serial_number = normalize_serial(item.serial_number)
        item.brand = " ".join(str(item.brand or "").split())
        item.imei = normalize_imei(item.imei)
        if device_type in TYPES_WITH_IMEI:
            if not item.imei:
                problems.append((item.row, "imei", _("L'IMEI d'un téléphone est obligatoire.")))
            else:
                try:
                    validate_imei(item.imei)
                except ValidationError as error:
                    problems.append((item.row, "imei", error.messages[0]))
        elif item.imei:
            problems.append((item.row, "imei", _("Seul un téléphone a un IMEI.")))
        if not item.serial_number and not item.imei:
            problems.append((item.row, "numero_serie", _("Le numéro de série est obligatoire.")))
        if item.serial_number and not item.brand:
            problems.append(
                (item.row, "marque", _("La marque est obligatoire avec un numéro de série."))
            )
        if item.grade and allowed_grades and item.grade not in allowed_grades:
            problems.append(
                (
                    item.row,
                    "grade",
                    _("Le grade %(grade)s n'est pas accepté pour cette offre (%(allowed)s).")
                    % {"grade": item.grade, "allowed": ", ".join(sorted(allowed_grades))},
                )
            )
        if item.serial_number:
            key = (item.brand.upper(), item.serial_number)
            if key in seen_serials:
                problems.append(
                    (
                        item.row,
                        "numero_serie",
                        _("Même marque et numéro de série qu'à la ligne %(row)s.")
                        % {"row": seen_serials[key]},
                    )
                )
            else:
                seen_serials[key] = item.row
        if item.imei:
            if item.imei in seen_imeis:
                problems.append(
                    (
                        item.row,
                        "imei",
                        _("Même IMEI qu'à la ligne %(row)s.") % {"row": seen_imeis[item.imei]},
                    )
                )
            else:
                seen_imeis[item.imei] = item.row
    known = devices_already_in_stock(items) if check_stock else {}
    for item in items:
        inventory_id = known.get(id(item))
        if inventory_id:
            problems.append(
                (
                    item.row,
                    "numero_serie" if item.serial_number else "imei",
                    _("Cet appareil est déjà enregistré (%(inventory_id)s).")
                    % {"inventory_id": inventory_id},
                )
            )
    return sorted(problems, key=lambda problem: problem[0])


def devices_already_in_stock(items: Sequence[DeviceIn]) -> dict[int, str]:
    """``id(item)`` -> inventory id of the device already known by serial (per brand) or
    IMEI, whatever its site or status (two queries, in chunks)."""
    found: dict[int, str] = {}
    serials = {item.serial_number for item in items if item.serial_number}
    imeis = {item.imei for item in items if item.imei}
    by_serial: dict[tuple[str, str], str] = {}
    by_imei: dict[str, str] = {}
    serial_list, imei_list = sorted(serials), sorted(imeis)
    for start in range(0, len(serial_list), 2000):
        for brand, serial, inventory_id in Device.objects.filter(
            serial_number__in=serial_list[start : start + 2000]
        ).values_list("brand", "serial_number", "inventory_id"):
            by_serial[(brand.upper(), serial.upper())] = inventory_id
    for start in range(0, len(imei_list), 2000):
        for imei, inventory_id in Device.objects.filter(
            imei__in=imei_list[start : start + 2000]
        ).values_list("imei", "inventory_id"):
            by_imei[imei] = inventory_id
    for item in items:
        hit = by_imei.get(item.imei) if item.imei else None
        if hit is None and item.serial_number:
            hit = by_serial.get((item.brand.upper(), item.serial_number))
        if hit:
            found[id(item)] = hit
    return found


def receipt_status_choices(site: Site) -> tuple[str, ...]:
    return (HUB_RECEIPT_STATUS,) if is_hub(site) else SITE_RECEIPT_STATUSES


def devices_receive(
    *,
    actor,
    site: Site,
    offer: Offer,
    items: Sequence[DeviceIn],
    status: str | None = None,
    lot=None,
    received_on: datetime.date | None = None,
    stock_import=None,
) -> Receipt:
    """Receive numbered devices at ``site``: inventory ids, devices, ledger, one journal entry."""
    require_receiver(actor, site)
    check_offer(offer, site, Tracking.DEVICE)
    check_lot(lot, site, offer)
    _count_in_bounds(len(items))
    day = _received_on(received_on)
    device_type = DEVICE_TYPE_BY_FAMILY[offer.family]
    choices = receipt_status_choices(site)
    status = status or choices[0]
    if status not in choices:
        raise DomainError(
            _("Statut impossible à la réception ici : %(status)s.")
            % {"status": DeviceStatus(status).label}
        )
    _refuse(device_problems(items, offer=offer, device_type=device_type))
    with transaction.atomic():
        ids = inventory_ids_allocate(
            site=site, device_type=device_type, year=day.year, count=len(items)
        )
        devices = []
        problems = []
        for inventory_id, item in zip(ids, items, strict=True):
            device = Device(
                site=site,
                offer=offer,
                inventory_id=inventory_id,
                device_type=device_type,
                status=status,
                received_on=day,
                lot=lot,
                stock_import=stock_import,
                memory_gb=item.memory_gb,
                storage_gb=item.storage_gb,
                **{name: getattr(item, name) or "" for name in DEVICE_TEXT_FIELDS},
            )
            try:
                device.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                for column, messages in error.message_dict.items():
                    problems.append((item.row, column, messages[0]))
            devices.append(device)
        _refuse(problems)
        devices = Device.objects.bulk_create(devices)
        refs = {"lot": lot, "stock_import": stock_import}
        movements_apply(
            [
                Move(
                    site.pk,
                    offer.pk,
                    MovementKind.RECEIPT,
                    quantity=1,
                    refs={"device": device, **refs},
                )
                for device in devices
            ],
            actor=actor.user,
        )
        if stock_import is None:
            journal.record(
                actor=actor.user,
                action="stock.devices_received",
                obj=offer,
                site=site,
                payload={
                    "count": len(devices),
                    "status": status,
                    "lot": lot.pk if lot else None,
                    "first": devices[0].inventory_id,
                    "last": devices[-1].inventory_id,
                },
            )
    return Receipt(offer=offer, site=site, devices=devices)


# --- vouchers -----------------------------------------------------------------------------


def voucher_problems(
    items: Sequence[VoucherIn], *, check_stock: bool = True
) -> list[tuple[int, str, str]]:
    """(row, column, message) for codes that are malformed, repeated or already in stock."""
    problems: list[tuple[int, str, str]] = []
    seen: dict[str, int] = {}
    today = clock.localdate()
    for item in items:
        item.code = normalize_code(item.code)
        item.serial = " ".join(str(item.serial or "").split())
        problem = code_problem(item.code)
        if problem:
            problems.append((item.row, "code", problem))
            continue
        if len(item.serial) > 40:
            problems.append((item.row, "numero_serie", _("Numéro de série trop long.")))
        if item.expires_on is not None and item.expires_on < today:
            problems.append((item.row, "date_expiration", _("Ce code est déjà expiré.")))
        print_ = code_fingerprint(item.code)
        if print_ in seen:
            problems.append(
                (
                    item.row,
                    "code",
                    _("Même code qu'à la ligne %(row)s.") % {"row": seen[print_]},
                )
            )
        else:
            seen[print_] = item.row
    known = vouchers_already_in_stock(list(seen)) if check_stock else set()
    for fingerprint, row in seen.items():
        if fingerprint in known:
            problems.append((row, "code", _("Ce code est déjà dans le stock.")))
    return sorted(problems, key=lambda problem: problem[0])


def vouchers_already_in_stock(fingerprints: Sequence[str]) -> set[str]:
    known: set[str] = set()
    fingerprints = list(fingerprints)
    for start in range(0, len(fingerprints), 2000):
        known.update(
            Voucher.objects.filter(
                code_fingerprint__in=fingerprints[start : start + 2000]
            ).values_list("code_fingerprint", flat=True)
        )
    return known


def vouchers_receive(
    *,
    actor,
    site: Site,
    offer: Offer,
    items: Sequence[VoucherIn],
    lot=None,
    received_on: datetime.date | None = None,
    stock_import=None,
) -> Receipt:
    """Receive codes or cards: encrypted, fingerprinted, one ledger line each, one journal entry."""
    require_receiver(actor, site)
    check_offer(offer, site, Tracking.VOUCHER)
    check_lot(lot, site, offer)
    _count_in_bounds(len(items))
    day = _received_on(received_on)
    _refuse(voucher_problems(items))
    vouchers = [
        Voucher(
            site=site,
            offer=offer,
            status=VoucherStatus.IN_STOCK,
            code_encrypted=code_encrypt(item.code),
            code_fingerprint=code_fingerprint(item.code),
            serial=item.serial,
            expires_on=item.expires_on,
            received_on=day,
            lot=lot,
            stock_import=stock_import,
        )
        for item in items
    ]
    with transaction.atomic():
        vouchers = Voucher.objects.bulk_create(vouchers)
        movements_apply(
            [
                Move(
                    site.pk,
                    offer.pk,
                    MovementKind.RECEIPT,
                    quantity=1,
                    refs={"voucher": voucher, "lot": lot, "stock_import": stock_import},
                )
                for voucher in vouchers
            ],
            actor=actor.user,
        )
        if stock_import is None:
            journal.record(
                actor=actor.user,
                action="stock.vouchers_received",
                obj=offer,
                site=site,
                payload={"count": len(vouchers), "lot": lot.pk if lot else None},
            )
    return Receipt(offer=offer, site=site, vouchers=vouchers)


# --- quantities ---------------------------------------------------------------------------


def quantity_receive(
    *, actor, site: Site, offer: Offer, quantity: int, lot=None, reason: str = ""
) -> Receipt:
    """Receive units of an offer followed by quantity only: one ledger line."""
    require_receiver(actor, site)
    check_offer(offer, site, Tracking.QUANTITY)
    check_lot(lot, site, offer)
    if not 1 <= quantity <= MAX_QUANTITY:
        raise DomainError(_("La quantité doit être entre 1 et %(max)s.") % {"max": MAX_QUANTITY})
    with transaction.atomic():
        movements_apply(
            [
                Move(
                    site.pk,
                    offer.pk,
                    MovementKind.RECEIPT,
                    quantity=quantity,
                    reason=reason[:300],
                    refs={"lot": lot},
                )
            ],
            actor=actor.user,
        )
        journal.record(
            actor=actor.user,
            action="stock.quantity_received",
            obj=offer,
            site=site,
            payload={"count": quantity, "lot": lot.pk if lot else None},
        )
    return Receipt(offer=offer, site=site, quantity=quantity)
