"""Transfers between two sites of a network: shipped, then received (or cancelled before).

Shipping takes the items out of the sender's stock at once (TRANSFER_OUT lines): devices
become « en cours de livraison » and, like vouchers, carry ``transfer`` while they travel
(they still belong to the sender's ``site`` but are no longer on its premises). Receiving
moves them to the receiving site (TRANSFER_IN lines; devices « prêt à distribuer »).
Cancelling before receipt puts everything back in the sender's stock. Hub deliveries are
transfers too (``offers.hub``); receiving one marks the hub order received.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from tisser.accounts.enums import Role
from tisser.accounts.models import Site
from tisser.core import clock, journal
from tisser.core.errors import DomainError
from tisser.offers import stock_roles
from tisser.offers.enums import (
    DeviceStatus,
    HubOrderStatus,
    MovementKind,
    Tracking,
    TransferStatus,
    VoucherStatus,
)
from tisser.offers.ledger import Move, movements_apply
from tisser.offers.models import (
    MAX_QUANTITY,
    Device,
    DeviceStatusChange,
    HubOrder,
    Offer,
    Transfer,
    TransferLine,
    Voucher,
)

RECEIVE_ROLES = frozenset({Role.NETWORK_ADMIN, Role.SITE_MANAGER, Role.MEDIATOR})
# A device may leave a site when it is ready (or waiting to be processed, towards the hub).
TRANSFERABLE_STATUSES = frozenset(
    {
        DeviceStatus.TO_PROCESS,
        DeviceStatus.PROCESSING,
        DeviceStatus.READY_TO_ORDER,
        DeviceStatus.READY_TO_DISTRIBUTE,
        DeviceStatus.AFTER_SALES,
    }
)
OPEN_HUB_ORDER_STATUSES = (HubOrderStatus.SUBMITTED, HubOrderStatus.PREPARED)
MAX_DEVICES_PER_TRANSFER = 500


def require_sender(actor, site: Site) -> None:
    stock_roles.check_manager_or_hub_team(
        actor, site, _("Seul le responsable de l'espace qui envoie peut faire ce transfert.")
    )


def require_receiver(actor, site: Site) -> None:
    stock_roles.check_site_actor(
        actor,
        site,
        RECEIVE_ROLES,
        _("Seule l'équipe de l'espace destinataire confirme la réception."),
    )


def ready_status_at(site: Site) -> str:
    """What a device is when it arrives or comes back: ready to order at the hub, ready to
    distribute anywhere else."""
    if stock_roles.hub_site_id(site.network_id) == site.pk:
        return DeviceStatus.READY_TO_ORDER
    return DeviceStatus.READY_TO_DISTRIBUTE


def transfer_list(*, actor):
    """Transfers sent or received by the actor's site (a network admin: the network's)."""
    return (
        Transfer.objects.visible_to(actor)
        .select_related("from_site", "to_site", "hub_order")
        .prefetch_related("lines__offer")
        .order_by("-shipped_at", "-pk")
    )


def transfer_devices(transfer: Transfer):
    return transfer.devices.select_related("offer").order_by("inventory_id")


def _pick_devices(from_site: Site, inventory_ids: Iterable[str], *, hub_order=None) -> list[Device]:
    wanted = list(dict.fromkeys(i.strip().upper() for i in inventory_ids if i and i.strip()))
    if len(wanted) > MAX_DEVICES_PER_TRANSFER:
        raise DomainError(
            _("Un transfert compte au plus %(max)s appareils.") % {"max": MAX_DEVICES_PER_TRANSFER}
        )
    devices = list(
        Device.objects.select_for_update(of=("self",))
        .filter(site=from_site, inventory_id__in=wanted)
        .order_by("pk")
    )
    # Read after the locks (a new statement sees what a concurrent preparation committed).
    open_orders = set(
        HubOrder.objects.filter(
            pk__in={d.hub_order_id for d in devices if d.hub_order_id},
            status__in=OPEN_HUB_ORDER_STATUSES,
        ).values_list("pk", flat=True)
    )
    found = {device.inventory_id: device for device in devices}
    missing = [inventory_id for inventory_id in wanted if inventory_id not in found]
    if missing:
        raise DomainError(
            _("Introuvable(s) dans le stock de l'espace : %(ids)s.") % {"ids": ", ".join(missing)}
        )
    for device in devices:
        if device.transfer_id is not None:
            raise DomainError(
                _("%(id)s est déjà en cours de livraison.") % {"id": device.inventory_id}
            )
        if device.status not in TRANSFERABLE_STATUSES:
            raise DomainError(
                _("%(id)s ne peut pas partir : son statut est « %(status)s ».")
                % {"id": device.inventory_id, "status": device.get_status_display()}
            )
        if device.hub_order_id in open_orders and (
            hub_order is None or device.hub_order_id != hub_order.pk
        ):
            raise DomainError(
                _("%(id)s est réservé pour une commande de l'atelier.")
                % {"id": device.inventory_id}
            )
    return [found[inventory_id] for inventory_id in wanted]


def _pick_vouchers(from_site: Site, offer: Offer, count: int) -> list[Voucher]:
    """``count`` vouchers in stock, the soonest to expire first (rows locked)."""
    # SKIP LOCKED: a voucher a counter is reserving right now is passed over, not waited
    # for (waiting, then finding it reserved, would refuse a shipment that stock allows).
    vouchers = list(
        Voucher.objects.select_for_update(skip_locked=True)
        .filter(site=from_site, offer=offer, status=VoucherStatus.IN_STOCK, transfer__isnull=True)
        .order_by("expires_on", "pk")[:count]
    )
    if len(vouchers) < count:
        raise DomainError(
            _("Il n'y a que %(count)s « %(offer)s » disponible(s) à envoyer.")
            % {"count": len(vouchers), "offer": offer}
        )
    return vouchers


def ship(
    *,
    actor,
    from_site: Site,
    to_site: Site,
    devices: list[Device],
    units: Mapping[Offer, int],
    note: str = "",
) -> Transfer:
    """Write a shipment (inside the caller's transaction, rows already checked)."""
    if to_site.pk == from_site.pk:
        raise DomainError(_("Choisissez un autre espace que celui qui envoie."))
    if to_site.network_id != from_site.network_id or not to_site.is_active:
        raise DomainError(_("Cet espace n'est pas un espace actif du réseau."))
    vouchers: list[Voucher] = []
    quantities: dict[Offer, int] = {}
    for offer, count in units.items():
        if not count:
            continue
        if not 1 <= count <= MAX_QUANTITY:
            raise DomainError(
                _("La quantité doit être entre 1 et %(max)s.") % {"max": MAX_QUANTITY}
            )
        if offer.network_id != from_site.network_id:
            raise DomainError(_("Cette offre n'appartient pas au réseau."))
        if offer.tracking == Tracking.VOUCHER:
            vouchers.extend(_pick_vouchers(from_site, offer, count))
        elif offer.tracking == Tracking.QUANTITY:
            quantities[offer] = count
        else:
            raise DomainError(
                _("Les appareils se choisissent par leur numéro d'inventaire (« %(offer)s »).")
                % {"offer": offer}
            )
    if not devices and not vouchers and not quantities:
        raise DomainError(_("Le transfert est vide : ajoutez des appareils ou des unités."))
    now = clock.now()
    transfer = Transfer(
        from_site=from_site,
        to_site=to_site,
        shipped_at=now,
        shipped_by=actor.user,
        note=" ".join(note.split())[:300],
    )
    transfer.full_clean(exclude=["from_site", "to_site", "shipped_by"])
    transfer.save()
    per_offer: Counter = Counter()
    for device in devices:
        per_offer[device.offer_id] += 1
    for voucher in vouchers:
        per_offer[voucher.offer_id] += 1
    for offer, count in quantities.items():
        per_offer[offer.pk] += count
    TransferLine.objects.bulk_create(
        TransferLine(transfer=transfer, offer_id=offer_id, quantity=count)
        for offer_id, count in sorted(per_offer.items())
    )
    # The history keeps each device's status at departure: the arrival depends on it.
    DeviceStatusChange.objects.bulk_create(
        DeviceStatusChange(
            device=d,
            site_id=from_site.pk,
            from_status=d.status,
            to_status=DeviceStatus.IN_DELIVERY,
            grade=d.grade,
            at=now,
            actor=actor.user,
            reason=(_("Envoyé à %(site)s") % {"site": to_site.name})[:300],
        )
        for d in devices
    )
    Device.objects.filter(pk__in=[d.pk for d in devices]).update(
        status=DeviceStatus.IN_DELIVERY, transfer=transfer, updated_at=now
    )
    Voucher.objects.filter(pk__in=[v.pk for v in vouchers]).update(
        transfer=transfer, updated_at=now
    )
    refs = {"transfer": transfer}
    moves = [
        Move(from_site.pk, d.offer_id, MovementKind.TRANSFER_OUT, -1, refs={**refs, "device": d})
        for d in devices
    ]
    moves += [
        Move(from_site.pk, v.offer_id, MovementKind.TRANSFER_OUT, -1, refs={**refs, "voucher": v})
        for v in vouchers
    ]
    moves += [
        Move(from_site.pk, o.pk, MovementKind.TRANSFER_OUT, -count, refs=refs)
        for o, count in quantities.items()
    ]
    movements_apply(moves, actor=actor.user, at=now)
    journal.record(
        actor=actor.user,
        action="transfer.shipped",
        obj=transfer,
        site=from_site,
        payload={
            "devices": len(devices),
            "units": len(vouchers) + sum(quantities.values()),
            "to_site": to_site.pk,
        },
    )
    return transfer


def transfer_ship(
    *,
    actor,
    from_site: Site,
    to_site: Site,
    inventory_ids: Iterable[str] = (),
    units: Mapping[Offer, int] | None = None,
    note: str = "",
) -> Transfer:
    """Send devices (by inventory id) and a number of vouchers or units to another site."""
    require_sender(actor, from_site)
    with transaction.atomic():
        devices = _pick_devices(from_site, inventory_ids)
        return ship(
            actor=actor,
            from_site=from_site,
            to_site=to_site,
            devices=devices,
            units=units or {},
            note=note,
        )


def _quantity_lines(transfer: Transfer) -> dict[int, int]:
    """Offer id -> units of quantity-tracked offers in the transfer (no rows to move)."""
    return {
        line.offer_id: line.quantity
        for line in transfer.lines.select_related("offer")
        if line.offer.tracking == Tracking.QUANTITY
    }


def _locked_in_transit(transfer: Transfer) -> Transfer:
    locked = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("from_site", "to_site")
        .get(pk=transfer.pk)
    )
    if locked.status != TransferStatus.IN_TRANSIT:
        raise DomainError(
            _("Ce transfert est déjà « %(status)s ».") % {"status": locked.get_status_display()}
        )
    return locked


def arrival_status(shipped_status: str | None, site: Site) -> str:
    """What a device becomes when it reaches ``site``: a ready device is ready there (to
    order at the hub, to distribute elsewhere); one still to process, or in after-sales,
    stays so; one whose processing was under way starts over. ``None``: shipped before the
    departure status was kept, taken as ready."""
    if shipped_status in (DeviceStatus.TO_PROCESS, DeviceStatus.AFTER_SALES):
        return shipped_status
    if shipped_status == DeviceStatus.PROCESSING:
        return DeviceStatus.TO_PROCESS
    return ready_status_at(site)


def _land(locked: Transfer, *, site: Site, kind: str, cancelled: bool, reason: str, actor):
    """Put a transfer's items at ``site`` (receipt, or return to the sender on cancel).

    On receipt each device takes its ``arrival_status``; on cancel it gets back the status
    it left with."""
    now = clock.now()
    devices = list(Device.objects.select_for_update().filter(transfer=locked).order_by("pk"))
    shipped = dict(
        DeviceStatusChange.objects.filter(
            device__in=devices, to_status=DeviceStatus.IN_DELIVERY, at__gte=locked.shipped_at
        )
        .order_by("device_id", "at", "pk")
        .values_list("device_id", "from_status")
    )
    landed_as: dict[str, list[Device]] = defaultdict(list)
    for device in devices:
        departure = shipped.get(device.pk)
        status = departure if cancelled and departure else arrival_status(departure, site)
        landed_as[status].append(device)
    for status, group in landed_as.items():
        Device.objects.filter(pk__in=[d.pk for d in group]).update(
            site=site, transfer=None, status=status, updated_at=now
        )
    DeviceStatusChange.objects.bulk_create(
        DeviceStatusChange(
            device=device,
            site_id=site.pk,
            from_status=DeviceStatus.IN_DELIVERY,
            to_status=status,
            grade=device.grade,
            at=now,
            actor=actor.user,
            reason=reason[:300],
        )
        for status, group in landed_as.items()
        for device in group
    )
    vouchers = list(Voucher.objects.select_for_update().filter(transfer=locked).order_by("pk"))
    Voucher.objects.filter(pk__in=[v.pk for v in vouchers]).update(
        site=site, transfer=None, updated_at=now
    )
    refs = {"transfer": locked}
    moves = [
        Move(site.pk, d.offer_id, kind, 1, reason=reason, refs={**refs, "device_id": d.pk})
        for d in devices
    ]
    moves += [
        Move(site.pk, v.offer_id, kind, 1, reason=reason, refs={**refs, "voucher_id": v.pk})
        for v in vouchers
    ]
    moves += [
        Move(site.pk, offer_id, kind, count, reason=reason, refs=refs)
        for offer_id, count in _quantity_lines(locked).items()
    ]
    movements_apply(moves, actor=actor.user, at=now)
    counts: dict[str, int] = defaultdict(int)
    counts["devices"] = len(devices)
    counts["units"] = len(vouchers) + sum(_quantity_lines(locked).values())
    return now, counts


def transfer_receive(*, actor, transfer: Transfer) -> Transfer:
    """The receiving site confirms the delivery: the items join its stock."""
    require_receiver(actor, transfer.to_site)
    with transaction.atomic():
        locked = _locked_in_transit(transfer)
        now, counts = _land(
            locked,
            site=locked.to_site,
            kind=MovementKind.TRANSFER_IN,
            cancelled=False,
            reason="",
            actor=actor,
        )
        locked.status = TransferStatus.RECEIVED
        locked.received_at = now
        locked.received_by = actor.user
        locked.save(update_fields=["status", "received_at", "received_by", "updated_at"])
        order = HubOrder.objects.select_for_update().filter(transfer=locked).first()
        if order is not None:
            order.status = HubOrderStatus.RECEIVED
            order.save(update_fields=["status", "updated_at"])
            journal.record(
                actor=actor.user,
                action="hub_order.received",
                obj=order,
                site=order.site_id,
                payload={"transfer": locked.pk},
            )
        journal.record(
            actor=actor.user,
            action="transfer.received",
            obj=locked,
            site=locked.to_site_id,
            payload={**counts, "from_site": locked.from_site_id},
        )
    return locked


def transfer_cancel(*, actor, transfer: Transfer, reason: str = "") -> Transfer:
    """Before receipt, the sender cancels: every item is back in the sender's stock."""
    require_sender(actor, transfer.from_site)
    reason = " ".join(str(reason or "").split())[:300]
    with transaction.atomic():
        locked = _locked_in_transit(transfer)
        _now, counts = _land(
            locked,
            site=locked.from_site,
            kind=MovementKind.TRANSFER_IN,
            cancelled=True,
            reason=reason or _("Transfert annulé"),
            actor=actor,
        )
        locked.status = TransferStatus.CANCELLED
        locked.save(update_fields=["status", "updated_at"])
        order = HubOrder.objects.select_for_update().filter(transfer=locked).first()
        if order is not None:
            # The devices are back at the hub, still picked for the order: it can ship again.
            order.status = HubOrderStatus.PREPARED
            order.transfer = None
            order.save(update_fields=["status", "transfer", "updated_at"])
        journal.record(
            actor=actor.user,
            action="transfer.cancelled",
            obj=locked,
            site=locked.from_site_id,
            reason=reason,
            payload={**counts, "to_site": locked.to_site_id},
        )
    return locked


def sendable_units(site: Site):
    """(offer, count) of vouchers in stock at ``site``, for the transfer form."""
    counts = dict(
        Voucher.objects.filter(site=site, status=VoucherStatus.IN_STOCK, transfer__isnull=True)
        .values("offer_id")
        .order_by()
        .annotate(n=Count("pk"))
        .values_list("offer_id", "n")
    )
    offers = Offer.objects.filter(pk__in=counts).order_by("family", "name")
    return [(offer, counts[offer.pk]) for offer in offers]
