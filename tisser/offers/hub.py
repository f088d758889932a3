"""Orders of devices from the network's refurbishment hub (``StockSettings.hub``).

A site manager orders N units of device offers; the hub's team prepares the order (picks
devices by inventory id, or lets the system pick the oldest first), ships it (a
``Transfer`` from the hub to the site, devices « en cours de livraison »), and the site
receives it (``transfers.transfer_receive``: devices « prêt à distribuer »). Status follows
``HubOrderStatus``; cancelling before shipping releases the picked devices.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext as _

from tisser.accounts.enums import Role
from tisser.accounts.models import Site
from tisser.core import clock, journal
from tisser.core.errors import DomainError
from tisser.offers import transfers
from tisser.offers.enums import DeviceStatus, HubOrderStatus, Tracking
from tisser.offers.models import Device, HubOrder, HubOrderLine, Offer, StockSettings

MAX_UNITS_PER_LINE = 1000
OPEN_STATUSES = transfers.OPEN_HUB_ORDER_STATUSES


def hub_of(network_id: int) -> Site | None:
    settings_row = StockSettings.objects.filter(network_id=network_id).select_related("hub").first()
    return settings_row.hub if settings_row is not None else None


def _network_id(actor) -> int:
    if actor.role == Role.NETWORK_ADMIN:
        return actor.organisation_id
    return actor.organisation.network_id


def hub_set(*, actor, hub: Site | None) -> StockSettings:
    """The network admin names the network's hub (or none)."""
    if actor is None or not actor.is_active or actor.role != Role.NETWORK_ADMIN:
        raise DomainError(_("Seul l'administrateur du réseau choisit l'atelier."))
    if hub is not None and hub.network_id != actor.organisation_id:
        raise DomainError(_("Cet espace n'appartient pas à votre réseau."))
    with transaction.atomic():
        settings_row, _created = StockSettings.objects.select_for_update().get_or_create(
            network_id=actor.organisation_id
        )
        changing = settings_row.hub_id and settings_row.hub_id != getattr(hub, "pk", None)
        if (
            changing
            and HubOrder.objects.filter(
                hub_id=settings_row.hub_id, status__in=[*OPEN_STATUSES, HubOrderStatus.SHIPPED]
            ).exists()
        ):
            raise DomainError(
                _("Des commandes de l'atelier actuel sont en cours : terminez-les d'abord.")
            )
        settings_row.hub = hub
        settings_row.save(update_fields=["hub", "updated_at"])
        journal.record(
            actor=actor.user,
            action="stock_settings.hub_set",
            obj=settings_row,
            payload={"hub": hub.pk if hub else None},
        )
    return settings_row


def _lock_network_stock(network_id: int) -> None:
    """Serialise the hub's orders and preparations on the network's settings row."""
    list(StockSettings.objects.select_for_update().filter(network_id=network_id).values("pk"))


def _unpicked_ready(hub: Site):
    """Devices at the hub ready to order and not yet picked for an open order."""
    picked = HubOrder.objects.filter(pk=OuterRef("hub_order_id"), status__in=OPEN_STATUSES)
    return Device.objects.filter(
        site=hub, status=DeviceStatus.READY_TO_ORDER, transfer__isnull=True
    ).exclude(Exists(picked))


def hub_available(*, hub: Site) -> list[tuple[Offer, int]]:
    """(offer, devices ready to order and free) at the hub, by offer: what a site may order."""
    counts = dict(
        _unpicked_ready(hub)
        .values("offer_id")
        .order_by()
        .annotate(n=Count("pk"))
        .values_list("offer_id", "n")
    )
    offers = Offer.objects.filter(
        network_id=hub.network_id, is_active=True, tracking=Tracking.DEVICE
    ).order_by("family", "name")
    return [(offer, counts.get(offer.pk, 0)) for offer in offers]


def _waiting(hub: Site) -> Counter:
    """Units ordered in submitted orders, not picked yet, per offer (promised to a site)."""
    waiting: Counter = Counter()
    for offer_id, quantity in HubOrderLine.objects.filter(
        order__hub=hub, order__status=HubOrderStatus.SUBMITTED
    ).values_list("offer_id", "quantity"):
        waiting[offer_id] += quantity
    return waiting


def hub_order_list(*, actor, incoming: bool = False):
    """The actor site's orders (``incoming``: the orders the hub has to prepare)."""
    queryset = HubOrder.objects.visible_to(actor)
    if actor.role != Role.NETWORK_ADMIN:
        field = "hub_id" if incoming else "site_id"
        queryset = queryset.filter(**{field: actor.organisation_id})
    return (
        queryset.select_related("site", "hub", "ordered_by", "transfer")
        .prefetch_related("lines__offer")
        .annotate(picked=Count("devices", distinct=True))
        .order_by("-ordered_at", "-pk")
    )


def hub_order_submit(*, actor, lines: Mapping[Offer, int], note: str = "") -> HubOrder:
    """A site manager orders devices from the hub (no more than the hub can still give)."""
    if actor is None or not actor.is_active or actor.role != Role.SITE_MANAGER:
        raise DomainError(_("Seul le responsable de l'espace commande à l'atelier."))
    site = actor.organisation.site
    hub = hub_of(site.network_id)
    if hub is None:
        raise DomainError(
            _("Le réseau n'a pas encore d'atelier : l'administrateur doit le choisir.")
        )
    if hub.pk == site.pk:
        raise DomainError(_("L'atelier ne commande pas à lui-même."))
    wanted = {offer: count for offer, count in lines.items() if count}
    if not wanted:
        raise DomainError(_("La commande est vide : indiquez au moins une quantité."))
    with transaction.atomic():
        _lock_network_stock(site.network_id)
        available = {offer.pk: count for offer, count in hub_available(hub=hub)}
        waiting = _waiting(hub)
        for offer, count in wanted.items():
            if offer.network_id != site.network_id or offer.tracking != Tracking.DEVICE:
                raise DomainError(_("On ne commande à l'atelier que des appareils du réseau."))
            if not 1 <= count <= MAX_UNITS_PER_LINE:
                raise DomainError(
                    _("La quantité doit être entre 1 et %(max)s.") % {"max": MAX_UNITS_PER_LINE}
                )
            free = available.get(offer.pk, 0) - waiting[offer.pk]
            if count > free:
                raise DomainError(
                    _("L'atelier n'a que %(free)s « %(offer)s » prêt(s) à commander.")
                    % {"free": max(free, 0), "offer": offer}
                )
        order = HubOrder(
            site=site,
            hub=hub,
            ordered_by=actor.user,
            ordered_at=clock.now(),
            note=" ".join(note.split())[:300],
        )
        order.full_clean(exclude=["site", "hub", "ordered_by"])
        order.save()
        HubOrderLine.objects.bulk_create(
            HubOrderLine(order=order, offer=offer, quantity=count)
            for offer, count in wanted.items()
        )
        journal.record(
            actor=actor.user,
            action="hub_order.submitted",
            obj=order,
            site=site,
            payload={"units": sum(wanted.values())},
        )
    return order


def _require_hub_team(actor, order: HubOrder) -> None:
    if actor is None or not actor.is_active:
        raise DomainError(_("Votre rôle ne permet pas de préparer une commande."))
    if actor.role == Role.NETWORK_ADMIN and order.hub.network_id == actor.organisation_id:
        return
    if actor.role in {Role.SITE_MANAGER, Role.MEDIATOR} and actor.organisation_id == order.hub_id:
        return
    raise DomainError(_("Seule l'équipe de l'atelier prépare et expédie les commandes."))


def _locked(order: HubOrder, *statuses) -> HubOrder:
    locked = (
        HubOrder.objects.select_for_update(of=("self",))
        .select_related("site", "hub")
        .get(pk=order.pk)
    )
    if locked.status not in statuses:
        raise DomainError(
            _("Cette commande est « %(status)s » : impossible maintenant.")
            % {"status": locked.get_status_display()}
        )
    return locked


def hub_order_prepare(
    *, actor, order: HubOrder, inventory_ids: Iterable[str] | None = None
) -> HubOrder:
    """Pick the devices of the order: the ones named, or the oldest ready ones per offer."""
    _require_hub_team(actor, order)
    with transaction.atomic():
        # One preparation at a time per network: the next one reads the devices the first
        # has just picked (READ COMMITTED, new statement after the lock).
        _lock_network_stock(order.hub.network_id)
        locked = _locked(order, HubOrderStatus.SUBMITTED)
        wanted = {line.offer_id: line.quantity for line in locked.lines.all()}
        ids = [i.strip().upper() for i in (inventory_ids or []) if i and i.strip()]
        free = _unpicked_ready(locked.hub).select_for_update(of=("self",))
        if ids:
            devices = list(free.filter(inventory_id__in=ids).order_by("pk"))
            unknown = sorted(set(ids) - {d.inventory_id for d in devices})
            if unknown:
                raise DomainError(
                    _("Pas prêt(s) à commander à l'atelier ou déjà pris : %(ids)s.")
                    % {"ids": ", ".join(unknown)}
                )
            chosen = Counter(device.offer_id for device in devices)
            if chosen != Counter(wanted):
                raise DomainError(
                    _(
                        "Les appareils choisis ne correspondent pas à la commande : choisissez "
                        "exactement le nombre commandé pour chaque offre."
                    )
                )
        else:
            devices = []
            for offer_id, quantity in sorted(wanted.items()):
                oldest = list(
                    free.filter(offer_id=offer_id).order_by("received_on", "inventory_id")[
                        :quantity
                    ]
                )
                if len(oldest) < quantity:
                    raise DomainError(
                        _("L'atelier n'a que %(count)s appareil(s) prêt(s) pour cette offre.")
                        % {"count": len(oldest)}
                    )
                devices.extend(oldest)
        Device.objects.filter(pk__in=[d.pk for d in devices]).update(
            hub_order=locked, updated_at=clock.now()
        )
        locked.status = HubOrderStatus.PREPARED
        locked.prepared_at = clock.now()
        locked.save(update_fields=["status", "prepared_at", "updated_at"])
        journal.record(
            actor=actor.user,
            action="hub_order.prepared",
            obj=locked,
            site=locked.hub_id,
            payload={"units": len(devices)},
        )
    return locked


def picked_devices(order: HubOrder):
    return order.devices.select_related("offer").order_by("inventory_id")


def hub_order_ship(*, actor, order: HubOrder, note: str = "") -> HubOrder:
    """The hub sends the picked devices: a transfer from the hub to the ordering site."""
    _require_hub_team(actor, order)
    with transaction.atomic():
        locked = _locked(order, HubOrderStatus.PREPARED)
        inventory_ids = list(
            Device.objects.filter(hub_order=locked, site=locked.hub).values_list(
                "inventory_id", flat=True
            )
        )
        devices = transfers._pick_devices(locked.hub, inventory_ids, hub_order=locked)
        if not devices:
            raise DomainError(_("Aucun appareil préparé pour cette commande."))
        transfer = transfers.ship(
            actor=actor,
            from_site=locked.hub,
            to_site=locked.site,
            devices=devices,
            units={},
            note=note,
        )
        locked.transfer = transfer
        locked.status = HubOrderStatus.SHIPPED
        locked.save(update_fields=["transfer", "status", "updated_at"])
        journal.record(
            actor=actor.user,
            action="hub_order.shipped",
            obj=locked,
            site=locked.hub_id,
            payload={"units": len(devices), "transfer": transfer.pk},
        )
    return locked


def hub_order_receive(*, actor, order: HubOrder) -> HubOrder:
    """The ordering site confirms the delivery (the transfer's receipt)."""
    if order.transfer_id is None or order.status != HubOrderStatus.SHIPPED:
        raise DomainError(_("Cette commande n'est pas en cours de livraison."))
    transfers.transfer_receive(actor=actor, transfer=order.transfer)
    order.refresh_from_db()
    return order


def hub_order_cancel(*, actor, order: HubOrder, reason: str) -> HubOrder:
    """Before shipping, the ordering site or the hub cancels: picked devices are free again."""
    reason = " ".join(str(reason or "").split())[:300]
    if not reason:
        raise DomainError(_("Dites pourquoi la commande est annulée."))
    allowed = (
        actor is not None
        and actor.is_active
        and (
            (actor.role == Role.SITE_MANAGER and actor.organisation_id == order.site_id)
            or (actor.role == Role.NETWORK_ADMIN and order.site.network_id == actor.organisation_id)
            or (
                actor.role in {Role.SITE_MANAGER, Role.MEDIATOR}
                and actor.organisation_id == order.hub_id
            )
        )
    )
    if not allowed:
        raise DomainError(_("Votre rôle ne permet pas d'annuler cette commande."))
    with transaction.atomic():
        locked = _locked(order, *OPEN_STATUSES)
        released = Device.objects.filter(hub_order=locked).update(
            hub_order=None, updated_at=clock.now()
        )
        locked.status = HubOrderStatus.CANCELLED
        locked.cancelled_reason = reason
        locked.save(update_fields=["status", "cancelled_reason", "updated_at"])
        journal.record(
            actor=actor.user,
            action="hub_order.cancelled",
            obj=locked,
            site=locked.site_id,
            reason=reason,
            payload={"units": released},
        )
    return locked
