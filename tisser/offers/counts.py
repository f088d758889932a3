"""Inventory counts: what the ledger expects against what the team finds on the shelves.

Start (one open count per site): a line per offer the site holds or offers, with the
expected quantity frozen from the levels. Enter what was counted (for devices and codes,
the inventory ids or serials not found: each missing unit is named). Close: every
difference becomes ledger lines in one transaction — an ADJUSTMENT for a quantity offer,
a WRITE_OFF of each missing device or code — all pointing to the count, and journaled.
See docs/decisions/0038-stock-ledger.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext as _

from tisser.core import clock, journal
from tisser.core.dates import format_day
from tisser.core.errors import DomainError
from tisser.offers import lifecycle, stock_roles
from tisser.offers.adjustments import voucher_write_off
from tisser.offers.enums import (
    DEVICE_ON_HAND_STATUSES,
    InventoryCountStatus,
    MovementKind,
    Tracking,
    VoucherStatus,
)
from tisser.offers.ledger import Move, movements_apply
from tisser.offers.models import (
    MAX_QUANTITY,
    Device,
    InventoryCount,
    InventoryCountLine,
    Offer,
    StockLevel,
    Voucher,
)

MAX_MISSING = 500


@dataclass(frozen=True)
class Entry:
    """What the team typed for one line: the count, and the units not found (tracked)."""

    counted: int | None
    missing: tuple[str, ...] = ()


def parse_missing(text: str) -> tuple[str, ...]:
    """Inventory ids or serials, one per line or separated by commas or spaces."""
    words = text.replace(",", " ").replace(";", " ").split()
    seen: dict[str, None] = {}
    for word in words:
        seen.setdefault(word.strip().upper(), None)
    return tuple(seen)


def count_start(*, actor, site) -> InventoryCount:
    """Open a count at ``site``: the expected quantities are frozen now."""
    with transaction.atomic():
        stock_roles.check_site_actor(actor, site, stock_roles.MANAGERS)
        count = InventoryCount(site_id=site.pk, started_by=actor.user)
        count.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                count.save()
        except IntegrityError as error:
            raise DomainError(
                _("Un inventaire est déjà en cours dans cet espace : terminez-le d'abord.")
            ) from error
        levels = {
            level.offer_id: level.on_hand
            for level in StockLevel.objects.select_for_update().filter(site_id=site.pk)
        }
        offered = set(
            Offer.objects.filter(
                network_id=site.network_id, is_active=True, sites=site
            ).values_list("pk", flat=True)
        )
        offer_ids = {offer_id for offer_id, on_hand in levels.items() if on_hand > 0} | offered
        InventoryCountLine.objects.bulk_create(
            InventoryCountLine(count=count, offer_id=offer_id, expected=levels.get(offer_id, 0))
            for offer_id in sorted(offer_ids)
        )
        journal.record(
            actor=actor.user,
            action="stock.count_started",
            obj=count,
            site=site.pk,
            payload={"lines": len(offer_ids)},
        )
    return count


def _locked_open(count: InventoryCount) -> InventoryCount:
    count = (
        InventoryCount.objects.select_for_update(of=("self",))
        .select_related("site")
        .get(pk=count.pk)
    )
    if count.status != InventoryCountStatus.OPEN:
        raise DomainError(_("Cet inventaire est clôturé : il ne peut plus changer."))
    return count


def _on_hand_devices(site_id: int, offer_id: int, ids: Iterable[str]):
    return Device.objects.filter(
        site_id=site_id,
        offer_id=offer_id,
        inventory_id__in=list(ids),
        status__in=DEVICE_ON_HAND_STATUSES,
        transfer__isnull=True,
    )


def _on_hand_vouchers(site_id: int, offer_id: int, serials: Iterable[str]):
    return Voucher.objects.annotate(serial_upper=Upper("serial")).filter(
        site_id=site_id,
        offer_id=offer_id,
        serial_upper__in=list(serials),
        status__in=(VoucherStatus.IN_STOCK, VoucherStatus.RESERVED),
        transfer__isnull=True,
    )


def _check_entry(line: InventoryCountLine, entry: Entry, site_id: int) -> tuple[int, list[str]]:
    tracking = line.offer.tracking
    missing = list(dict.fromkeys(word.strip().upper() for word in entry.missing if word.strip()))
    if len(missing) > MAX_MISSING:
        raise DomainError(_("Trop de numéros introuvables sur une ligne."))
    if tracking == Tracking.QUANTITY:
        if missing:
            raise DomainError(
                _("« %(offer)s » se compte en quantité : pas de numéro à donner.")
                % {"offer": line.offer}
            )
        if entry.counted is None or not 0 <= entry.counted <= MAX_QUANTITY:
            raise DomainError(
                _("Indiquez la quantité comptée de « %(offer)s ».") % {"offer": line.offer}
            )
        return entry.counted, []
    counted = line.expected - len(missing) if entry.counted is None else entry.counted
    if counted > line.expected:
        raise DomainError(
            _(
                "« %(offer)s » : %(counted)s trouvés pour %(expected)s attendus. Un appareil ou "
                "un code inconnu du stock se réceptionne, il ne s'ajoute pas à l'inventaire."
            )
            % {"offer": line.offer, "counted": counted, "expected": line.expected}
        )
    if counted != line.expected - len(missing):
        raise DomainError(
            _("« %(offer)s » : nommez chacun des %(count)s manquants (numéro par ligne).")
            % {"offer": line.offer, "count": line.expected - counted}
        )
    if tracking == Tracking.DEVICE:
        known = set(
            _on_hand_devices(site_id, line.offer_id, missing).values_list("inventory_id", flat=True)
        )
    else:
        known = set(
            _on_hand_vouchers(site_id, line.offer_id, missing).values_list(
                "serial_upper", flat=True
            )
        )
    unknown = [word for word in missing if word not in known]
    if unknown:
        raise DomainError(
            _("« %(offer)s » : %(ids)s ne sont pas dans le stock de l'espace pour cette offre.")
            % {"offer": line.offer, "ids": ", ".join(unknown[:10])}
        )
    return counted, missing


def count_record(*, actor, count: InventoryCount, entries: Mapping[int, Entry]) -> InventoryCount:
    """Save what was counted, by line id (lines left out keep what they had)."""
    with transaction.atomic():
        count = _locked_open(count)
        stock_roles.check_site_actor(actor, count.site, stock_roles.MANAGERS)
        lines = {line.pk: line for line in count.lines.select_related("offer")}
        changed = []
        for line_id, entry in entries.items():
            line = lines.get(line_id)
            if line is None:
                raise DomainError(_("Cette ligne n'appartient pas à cet inventaire."))
            line.counted, line.missing = _check_entry(line, entry, count.site_id)
            changed.append(line)
        InventoryCountLine.objects.bulk_update(changed, ["counted", "missing"])
        journal.record(
            actor=actor.user,
            action="stock.count_recorded",
            obj=count,
            site=count.site_id,
            payload={"lines": len(changed)},
        )
    return count


def count_close(*, actor, count: InventoryCount) -> InventoryCount:
    """Apply every difference (one transaction) and close the count."""
    with transaction.atomic():
        count = _locked_open(count)
        stock_roles.check_site_actor(actor, count.site, stock_roles.MANAGERS)
        lines = list(count.lines.select_related("offer").order_by("offer_id"))
        if any(line.counted is None for line in lines):
            raise DomainError(_("Comptez chaque ligne avant de clôturer l'inventaire."))
        now = clock.now()
        reason = _("Inventaire du %(day)s") % {"day": format_day(count.created_at)}
        refs = {"inventory_count": count}
        adjustments, written_off = 0, 0
        for line in lines:
            if line.offer.tracking == Tracking.QUANTITY:
                if line.discrepancy:
                    movements_apply(
                        [
                            Move(
                                count.site_id,
                                line.offer_id,
                                MovementKind.ADJUSTMENT,
                                quantity=line.discrepancy,
                                reason=reason,
                                refs=refs,
                            )
                        ],
                        actor=actor.user,
                        at=now,
                    )
                    adjustments += 1
                continue
            if not line.missing:
                continue
            if line.offer.tracking == Tracking.DEVICE:
                units = list(
                    _on_hand_devices(count.site_id, line.offer_id, line.missing)
                    .select_for_update()
                    .order_by("pk")
                )
                found = {unit.inventory_id for unit in units}
            else:
                units = list(
                    _on_hand_vouchers(count.site_id, line.offer_id, line.missing)
                    .filter(status=VoucherStatus.IN_STOCK)
                    .select_for_update()
                    .order_by("pk")
                )
                by_serial = {unit.serial_upper: unit for unit in units}
                units, found = list(by_serial.values()), set(by_serial)
            gone = [word for word in line.missing if word not in found]
            if gone:
                raise DomainError(
                    _(
                        "« %(offer)s » : %(ids)s ont changé depuis le comptage (vendus, "
                        "réservés ou envoyés) : corrigez la ligne."
                    )
                    % {"offer": line.offer, "ids": ", ".join(gone[:10])}
                )
            for unit in units:
                if isinstance(unit, Device):
                    lifecycle.device_write_off(unit, actor=actor, reason=reason, at=now, refs=refs)
                else:
                    voucher_write_off(unit, actor=actor, reason=reason, at=now, refs=refs)
                written_off += 1
        count.status = InventoryCountStatus.CLOSED
        count.closed_at = now
        count.closed_by = actor.user
        count.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
        journal.record(
            actor=actor.user,
            action="stock.count_closed",
            obj=count,
            site=count.site_id,
            payload={"adjusted": adjustments, "written_off": written_off},
        )
    return count


def has_open_count(site_id: int) -> bool:
    return InventoryCount.objects.filter(
        Q(site_id=site_id) & Q(status=InventoryCountStatus.OPEN)
    ).exists()
