"""Write-offs, adjustments and low-stock thresholds of a site's stock (site managers and
network admins). Devices and vouchers leave one by one, by their number; only a quantity
offer is adjusted by a number. See docs/decisions/0038-stock-ledger.md."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from tisser.core import clock, journal
from tisser.core.errors import DomainError
from tisser.offers import lifecycle, stock_roles
from tisser.offers.enums import MovementKind, Tracking, VoucherStatus
from tisser.offers.ledger import Move, movements_apply
from tisser.offers.models import MAX_QUANTITY, Device, Offer, StockLevel, StockMovement, Voucher


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Indiquez le motif (perte, casse, vol, erreur de saisie…)."))
    return reason[:300]


def voucher_write_off(voucher: Voucher, *, actor, reason: str, at, refs=None) -> list:
    """A locked voucher in stock leaves it: ``EXPIRED`` past its date, else ``VOID``."""
    if voucher.status != VoucherStatus.IN_STOCK or voucher.transfer_id is not None:
        raise DomainError(
            _("Le code %(serial)s n'est pas libre en stock (réservé, vendu ou en route).")
            % {"serial": voucher}
        )
    movements = movements_apply(
        [
            Move(
                voucher.site_id,
                voucher.offer_id,
                MovementKind.WRITE_OFF,
                quantity=-1,
                reason=reason,
                refs={"voucher": voucher, **(refs or {})},
            )
        ],
        actor=actor.user if actor is not None else None,
        at=at,
    )
    expired = voucher.expires_on is not None and voucher.expires_on < clock.localdate()
    voucher.status = VoucherStatus.EXPIRED if expired else VoucherStatus.VOID
    voucher.save(update_fields=["status", "updated_at"])
    return movements


def stock_write_off(
    *,
    actor,
    site,
    reason: str,
    offer: Offer | None = None,
    quantity: int | None = None,
    device: Device | None = None,
    voucher: Voucher | None = None,
) -> list[StockMovement]:
    """Take out of stock what is lost, broken or unusable: WRITE_OFF −n with a reason.

    One device (it becomes ``NON_REEMPLOYABLE``), one voucher (``VOID``, or ``EXPIRED``
    past its date), or ``quantity`` units of a quantity offer. Reserved stock is released
    first; a reservation is never written off."""
    reason = _reason(reason)
    with transaction.atomic():
        stock_roles.check_site_actor(actor, site, stock_roles.MANAGERS)
        now = clock.now()
        if device is not None:
            device = lifecycle.locked_device(device)
            if device.site_id != site.pk:
                raise DomainError(_("Cet appareil n'est pas dans le stock de cet espace."))
            movements = lifecycle.device_write_off(device, actor=actor, reason=reason, at=now)
            obj, offer_id, count = device, device.offer_id, 1
        elif voucher is not None:
            voucher = Voucher.objects.select_for_update().get(pk=voucher.pk)
            if voucher.site_id != site.pk:
                raise DomainError(_("Ce code n'est pas dans le stock de cet espace."))
            movements = voucher_write_off(voucher, actor=actor, reason=reason, at=now)
            obj, offer_id, count = voucher, voucher.offer_id, 1
        else:
            if offer is None or offer.network_id != site.network_id:
                raise DomainError(_("Choisissez l'offre à sortir du stock."))
            if offer.tracking != Tracking.QUANTITY:
                raise DomainError(
                    _("Les appareils et les codes se sortent du stock un par un, par leur numéro.")
                )
            if quantity is None or not 1 <= quantity <= MAX_QUANTITY:
                raise DomainError(_("Indiquez combien d'unités sortent du stock."))
            movements = movements_apply(
                [
                    Move(
                        site.pk, offer.pk, MovementKind.WRITE_OFF, quantity=-quantity, reason=reason
                    )
                ],
                actor=actor.user,
                at=now,
            )
            obj, offer_id, count = offer, offer.pk, quantity
        journal.record(
            actor=actor.user,
            action="stock.written_off",
            obj=obj,
            site=site.pk,
            reason=reason,
            payload={"offer": offer_id, "quantity": count},
        )
    return movements


def stock_adjust(*, actor, site, offer: Offer, delta: int, reason: str) -> StockMovement:
    """Correct the count of a quantity offer (ADJUSTMENT ±n) with a reason."""
    reason = _reason(reason)
    if offer.tracking != Tracking.QUANTITY:
        raise DomainError(
            _(
                "Seules les offres suivies en quantité s'ajustent : un appareil ou un code "
                "se reçoit ou se sort du stock par son numéro."
            )
        )
    if delta == 0 or abs(delta) > MAX_QUANTITY:
        raise DomainError(_("Indiquez un écart non nul (par exemple 3 ou -2)."))
    with transaction.atomic():
        stock_roles.check_site_actor(actor, site, stock_roles.MANAGERS)
        if offer.network_id != site.network_id:
            raise DomainError(_("Cette offre n'appartient pas au réseau de cet espace."))
        [movement] = movements_apply(
            [Move(site.pk, offer.pk, MovementKind.ADJUSTMENT, quantity=delta, reason=reason)],
            actor=actor.user,
            at=clock.now(),
        )
        journal.record(
            actor=actor.user,
            action="stock.adjusted",
            obj=offer,
            site=site.pk,
            reason=reason,
            payload={"offer": offer.pk, "quantity": delta},
        )
    return movement


def threshold_set(*, actor, site, offer: Offer, threshold: int) -> StockLevel:
    """The available quantity at or under which the site's home shows the offer as low."""
    if not 0 <= threshold <= MAX_QUANTITY:
        raise DomainError(_("Le seuil va de 0 (aucune alerte) à %(max)s.") % {"max": MAX_QUANTITY})
    with transaction.atomic():
        stock_roles.check_site_actor(actor, site, stock_roles.MANAGERS)
        if offer.network_id != site.network_id:
            raise DomainError(_("Cette offre n'appartient pas au réseau de cet espace."))
        level, _created = StockLevel.objects.select_for_update().get_or_create(
            site_id=site.pk, offer_id=offer.pk
        )
        before = level.low_stock_threshold
        level.low_stock_threshold = threshold
        level.save(update_fields=["low_stock_threshold"])
        journal.record(
            actor=actor.user,
            action="stock.threshold_set",
            obj=offer,
            site=site.pk,
            payload={"offer": offer.pk, "before": before, "after": threshold},
        )
    return level
