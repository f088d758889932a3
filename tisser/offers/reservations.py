"""Stock held for a sale, and the ledger side of a sale and of a return.

A reservation holds one device, or N vouchers (oldest expiry first), or N units of a
quantity offer at a site. It ends sold (``stock_sell``, called by the counter of issue
11), released by hand, or expired (job ``offers.reservations_expire``). Every function
runs in one transaction, locks what it changes (the reservation, then the device or the
vouchers, then the ledger's level rows) and writes its journal entry in it.
See docs/decisions/0038-stock-ledger.md.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from tisser.core import clock, journal
from tisser.core.errors import DomainError
from tisser.offers import lifecycle, stock_roles
from tisser.offers.enums import (
    DeviceStatus,
    MovementKind,
    ReservationStatus,
    Tracking,
    VoucherStatus,
)
from tisser.offers.ledger import Move, movements_apply
from tisser.offers.models import (
    Device,
    Offer,
    Reservation,
    StockMovement,
    Voucher,
)

MAX_UNITS = 1000


def _user(actor):
    return actor.user if actor is not None else None


def reservation_end(*, now: datetime.datetime, until: datetime.datetime | None):
    """``until`` checked (in the future, within ``STOCK_RESERVATION_MAX_DAYS``), or the default."""
    if until is None:
        return now + datetime.timedelta(hours=settings.STOCK_RESERVATION_DEFAULT_HOURS)
    if until <= now:
        raise DomainError(_("La fin de la réservation doit être dans le futur."))
    if until > now + datetime.timedelta(days=settings.STOCK_RESERVATION_MAX_DAYS):
        raise DomainError(
            _("Une réservation dure au plus %(days)s jours.")
            % {"days": settings.STOCK_RESERVATION_MAX_DAYS}
        )
    return until


def _check_offer_at_site(offer: Offer, site) -> None:
    if offer.network_id != site.network_id:
        raise DomainError(_("Cette offre n'appartient pas au réseau de cet espace."))


def device_reserve(
    *, actor, device: Device, until: datetime.datetime | None = None, note: str = ""
) -> Reservation:
    """Hold one device that is ready to distribute at its site."""
    with transaction.atomic():
        device = lifecycle.locked_device(device)
        stock_roles.check_site_actor(actor, device.site, stock_roles.RESERVERS)
        if device.transfer_id is not None or device.status != DeviceStatus.READY_TO_DISTRIBUTE:
            raise DomainError(
                _("L'appareil %(id)s n'est pas prêt à distribuer : il ne peut pas être réservé.")
                % {"id": device.inventory_id}
            )
        now = clock.now()
        reservation = Reservation(
            site_id=device.site_id,
            offer_id=device.offer_id,
            device=device,
            quantity=1,
            reserved_until=reservation_end(now=now, until=until),
            created_by=_user(actor),
            note=note.strip(),
        )
        reservation.full_clean()
        reservation.save()
        movements_apply(
            [
                Move(
                    device.site_id,
                    device.offer_id,
                    MovementKind.RESERVATION,
                    reserved_delta=1,
                    refs={"device": device},
                )
            ],
            actor=_user(actor),
            at=now,
        )
        device.reserved_until = reservation.reserved_until
        lifecycle.device_record_status(
            device,
            to_status=DeviceStatus.RESERVED,
            actor=actor,
            at=now,
            update_fields=["reserved_until"],
        )
        _journal_reservation(actor, "stock.reserved", reservation)
    return reservation


def _pick_vouchers(site_id: int, offer_id: int, quantity: int) -> list[Voucher]:
    """``quantity`` vouchers in stock, oldest expiry first, locked. Rows another counter is
    reserving right now are skipped (``SKIP LOCKED`` on PostgreSQL), not waited for."""
    return list(
        Voucher.objects.select_for_update(skip_locked=True)
        .filter(
            site_id=site_id,
            offer_id=offer_id,
            status=VoucherStatus.IN_STOCK,
            transfer__isnull=True,
        )
        .order_by(F("expires_on").asc(nulls_last=True), "pk")[:quantity]
    )


def units_reserve(
    *,
    actor,
    site,
    offer: Offer,
    quantity: int,
    until: datetime.datetime | None = None,
    note: str = "",
) -> Reservation:
    """Hold ``quantity`` vouchers (oldest expiry first) or units of a quantity offer."""
    if not 1 <= quantity <= MAX_UNITS:
        raise DomainError(_("Réservez entre 1 et %(max)s unités à la fois.") % {"max": MAX_UNITS})
    with transaction.atomic():
        stock_roles.check_site_actor(actor, site, stock_roles.RESERVERS)
        _check_offer_at_site(offer, site)
        if offer.tracking == Tracking.DEVICE:
            raise DomainError(_("Un appareil se réserve par son numéro d'inventaire."))
        now = clock.now()
        reservation = Reservation(
            site_id=site.pk,
            offer_id=offer.pk,
            quantity=quantity,
            reserved_until=reservation_end(now=now, until=until),
            created_by=_user(actor),
            note=note.strip(),
        )
        reservation.full_clean()
        reservation.save()
        if offer.tracking == Tracking.VOUCHER:
            vouchers = _pick_vouchers(site.pk, offer.pk, quantity)
            if len(vouchers) < quantity:
                raise DomainError(
                    _("Il ne reste que %(count)s code(s) libre(s) de « %(offer)s ».")
                    % {"count": len(vouchers), "offer": offer}
                )
            moves = [
                Move(
                    site.pk,
                    offer.pk,
                    MovementKind.RESERVATION,
                    reserved_delta=1,
                    refs={"voucher": voucher},
                )
                for voucher in vouchers
            ]
            movements_apply(moves, actor=_user(actor), at=now)
            Voucher.objects.filter(pk__in=[v.pk for v in vouchers]).update(
                status=VoucherStatus.RESERVED,
                reservation=reservation,
                reserved_until=reservation.reserved_until,
                updated_at=now,
            )
        else:
            movements_apply(
                [Move(site.pk, offer.pk, MovementKind.RESERVATION, reserved_delta=quantity)],
                actor=_user(actor),
                at=now,
            )
        _journal_reservation(actor, "stock.reserved", reservation)
    return reservation


def _locked_active(reservation: Reservation) -> Reservation:
    reservation = (
        Reservation.objects.select_for_update(of=("self",))
        .select_related("site", "offer")
        .get(pk=reservation.pk)
    )
    if reservation.status != ReservationStatus.ACTIVE:
        raise DomainError(
            _("Cette réservation est déjà terminée (%(status)s).")
            % {"status": reservation.get_status_display().lower()}
        )
    return reservation


def _release(reservation: Reservation, *, actor, status: str, now, reason: str) -> None:
    """Give the held stock back (the reservation is locked and active)."""
    site_id, offer_id = reservation.site_id, reservation.offer_id
    user = _user(actor)
    if reservation.device is not None:
        device = lifecycle.locked_device(reservation.device)
        movements_apply(
            [
                Move(
                    site_id,
                    offer_id,
                    MovementKind.RELEASE,
                    reserved_delta=-1,
                    reason=reason,
                    refs={"device": device},
                )
            ],
            actor=user,
            at=now,
        )
        device.reserved_until = None
        lifecycle.device_record_status(
            device,
            to_status=DeviceStatus.READY_TO_DISTRIBUTE,
            actor=actor,
            at=now,
            reason=reason,
            update_fields=["reserved_until"],
        )
    elif reservation.offer.tracking == Tracking.VOUCHER:
        vouchers = list(
            Voucher.objects.select_for_update()
            .filter(reservation=reservation, status=VoucherStatus.RESERVED)
            .order_by("pk")
        )
        movements_apply(
            [
                Move(
                    site_id,
                    offer_id,
                    MovementKind.RELEASE,
                    reserved_delta=-1,
                    reason=reason,
                    refs={"voucher": voucher},
                )
                for voucher in vouchers
            ],
            actor=user,
            at=now,
        )
        Voucher.objects.filter(pk__in=[v.pk for v in vouchers]).update(
            status=VoucherStatus.IN_STOCK, reservation=None, reserved_until=None, updated_at=now
        )
    else:
        movements_apply(
            [
                Move(
                    site_id,
                    offer_id,
                    MovementKind.RELEASE,
                    reserved_delta=-reservation.quantity,
                    reason=reason,
                )
            ],
            actor=user,
            at=now,
        )
    reservation.status = status
    reservation.ended_at = now
    reservation.ended_by = user
    reservation.save(update_fields=["status", "ended_at", "ended_by", "updated_at"])


def reservation_release(*, actor, reservation: Reservation, reason: str = "") -> Reservation:
    """End a reservation by hand: the stock is free again."""
    with transaction.atomic():
        reservation = _locked_active(reservation)
        stock_roles.check_site_actor(actor, reservation.site, stock_roles.RESERVERS)
        _release(
            reservation,
            actor=actor,
            status=ReservationStatus.RELEASED,
            now=clock.now(),
            reason=reason.strip(),
        )
        _journal_reservation(actor, "stock.released", reservation, reason=reason)
    return reservation


def reservations_expire(*, now: datetime.datetime | None = None, batch: int = 200) -> int:
    """Release every active reservation whose end has passed (the periodic job), in
    batches of ``batch``, one transaction each; a reservation being sold right now (locked)
    is skipped and left to the next run. Returns how many expired."""
    now = now or clock.now()
    expired = 0
    while True:
        with transaction.atomic():
            due = list(
                Reservation.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("site", "offer", "device")
                .filter(status=ReservationStatus.ACTIVE, reserved_until__lte=now)
                .order_by("reserved_until", "pk")[:batch]
            )
            for reservation in due:
                _release(
                    reservation,
                    actor=None,
                    status=ReservationStatus.EXPIRED,
                    now=now,
                    reason=_("Réservation expirée"),
                )
            journal.record_many(
                journal.build_entry(
                    actor=None,
                    action="stock.reservation_expired",
                    obj=reservation,
                    site=reservation.site_id,
                    payload={"offer": reservation.offer_id, "quantity": reservation.quantity},
                    at=now,
                )
                for reservation in due
            )
        expired += len(due)
        if len(due) < batch:
            return expired


@dataclass(frozen=True)
class Sold:
    """What a sale took out of stock, for the sale record of the counter (issue 11)."""

    reservation: Reservation
    offer: Offer
    site_id: int
    quantity: int
    at: datetime.datetime
    device: Device | None = None
    vouchers: list[Voucher] = field(default_factory=list)
    movements: list[StockMovement] = field(default_factory=list)


def stock_sell(*, actor, reservation: Reservation, at: datetime.datetime | None = None) -> Sold:
    """Sell everything a reservation holds: SALE lines (on hand −1, reserved −1 each); the
    device becomes ``DISTRIBUE``, the vouchers ``SOLD`` with ``sold_at``. The counter (issue
    11) calls it inside its own transaction, with the sale record it owns."""
    with transaction.atomic():
        reservation = _locked_active(reservation)
        stock_roles.check_site_actor(actor, reservation.site, stock_roles.RESERVERS)
        at = at or clock.now()
        site_id, offer_id = reservation.site_id, reservation.offer_id
        user = _user(actor)
        device, vouchers = None, []
        if reservation.device is not None:
            device = lifecycle.locked_device(reservation.device)
            if device.status != DeviceStatus.RESERVED:
                raise DomainError(_("Cet appareil n'est plus réservé."))
            moves = [
                Move(
                    site_id,
                    offer_id,
                    MovementKind.SALE,
                    quantity=-1,
                    reserved_delta=-1,
                    refs={"device": device},
                )
            ]
            movements = movements_apply(moves, actor=user, at=at)
            device.reserved_until = None
            lifecycle.device_record_status(
                device,
                to_status=DeviceStatus.DISTRIBUTED,
                actor=actor,
                at=at,
                update_fields=["reserved_until"],
            )
        elif reservation.offer.tracking == Tracking.VOUCHER:
            vouchers = list(
                Voucher.objects.select_for_update()
                .filter(reservation=reservation, status=VoucherStatus.RESERVED)
                .order_by("pk")
            )
            if len(vouchers) != reservation.quantity:
                raise DomainError(_("Des codes de cette réservation ne sont plus réservés."))
            moves = [
                Move(
                    site_id,
                    offer_id,
                    MovementKind.SALE,
                    quantity=-1,
                    reserved_delta=-1,
                    refs={"voucher": voucher},
                )
                for voucher in vouchers
            ]
            movements = movements_apply(moves, actor=user, at=at)
            Voucher.objects.filter(pk__in=[v.pk for v in vouchers]).update(
                status=VoucherStatus.SOLD, sold_at=at, reserved_until=None, updated_at=at
            )
            for voucher in vouchers:
                voucher.status, voucher.sold_at, voucher.reserved_until = (
                    VoucherStatus.SOLD,
                    at,
                    None,
                )
        else:
            movements = movements_apply(
                [
                    Move(
                        site_id,
                        offer_id,
                        MovementKind.SALE,
                        quantity=-reservation.quantity,
                        reserved_delta=-reservation.quantity,
                    )
                ],
                actor=user,
                at=at,
            )
        reservation.status = ReservationStatus.SOLD
        reservation.ended_at = at
        reservation.ended_by = user
        reservation.save(update_fields=["status", "ended_at", "ended_by", "updated_at"])
        _journal_reservation(actor, "stock.sold", reservation)
    return Sold(
        reservation=reservation,
        offer=reservation.offer,
        site_id=site_id,
        quantity=reservation.quantity,
        at=at,
        device=device,
        vouchers=vouchers,
        movements=movements,
    )


def stock_return(
    *,
    actor,
    site,
    reason: str,
    device: Device | None = None,
    offer: Offer | None = None,
    quantity: int = 1,
    after_sales: bool = False,
) -> list[StockMovement]:
    """Take back what a person brings back, at whatever site receives it: RETURN +1.

    A device goes back to ``A_TRAITER`` (it will be wiped again; ``after_sales``: to
    ``SAV`` for a repair under warranty) and now belongs to the receiving site. Units of a
    quantity offer come back as they are. A code or card never comes back into stock: the
    counter declares it defective (``lifecycle.voucher_status_change``) and sells another.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Indiquez le motif du retour."))
    with transaction.atomic():
        stock_roles.check_site_actor(actor, site, stock_roles.RESERVERS)
        now = clock.now()
        if device is not None:
            device = lifecycle.locked_device(device)
            if device.offer.network_id != site.network_id:
                raise DomainError(_("Cet appareil n'appartient pas au réseau de cet espace."))
            if device.status != DeviceStatus.DISTRIBUTED:
                raise DomainError(
                    _("L'appareil %(id)s n'a pas été distribué : il ne peut pas être rendu.")
                    % {"id": device.inventory_id}
                )
            to_status = DeviceStatus.AFTER_SALES if after_sales else DeviceStatus.TO_PROCESS
            movements = movements_apply(
                [
                    Move(
                        site.pk,
                        device.offer_id,
                        MovementKind.RETURN,
                        quantity=1,
                        reason=reason,
                        refs={"device": device},
                    )
                ],
                actor=_user(actor),
                at=now,
            )
            device.site_id = site.pk
            device.wiped_at = None
            device.reserved_until = None
            lifecycle.device_record_status(
                device,
                to_status=to_status,
                actor=actor,
                at=now,
                reason=reason,
                update_fields=["site", "wiped_at", "reserved_until"],
            )
            obj: Device | Offer = device
            offer_id = device.offer_id
        else:
            if offer is None:
                raise DomainError(_("Choisissez l'offre rendue."))
            _check_offer_at_site(offer, site)
            if offer.tracking == Tracking.VOUCHER:
                raise DomainError(
                    _(
                        "Un code ou une carte ne revient pas en stock : déclarez-le "
                        "défectueux et remplacez-le par la vente d'un autre."
                    )
                )
            if offer.tracking == Tracking.DEVICE:
                raise DomainError(_("Un appareil se rend par son numéro d'inventaire."))
            if not 1 <= quantity <= MAX_UNITS:
                raise DomainError(_("Quantité rendue impossible."))
            movements = movements_apply(
                [Move(site.pk, offer.pk, MovementKind.RETURN, quantity=quantity, reason=reason)],
                actor=_user(actor),
                at=now,
            )
            obj, offer_id = offer, offer.pk
        journal.record(
            actor=actor.user,
            action="stock.returned",
            obj=obj,
            site=site.pk,
            reason=reason,
            payload={"offer": offer_id, "quantity": 1 if device is not None else quantity},
        )
    return movements


def _journal_reservation(actor, action: str, reservation: Reservation, reason: str = "") -> None:
    journal.record(
        actor=_user(actor),
        action=action,
        obj=reservation,
        site=reservation.site_id,
        reason=reason.strip(),
        payload={
            "offer": reservation.offer_id,
            "quantity": reservation.quantity,
            "device": reservation.device_id,
        },
    )
