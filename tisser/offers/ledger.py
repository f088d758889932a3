"""The stock ledger: the one place that changes what a site holds.

Every service that moves stock calls ``movements_apply`` inside its own transaction. It
locks the ``StockLevel`` rows concerned (in a fixed order, so two transactions never wait
on each other in a circle), refuses a change that would leave a negative stock or more
reserved than held (with a French message; the database checks the same), updates the
totals and appends the ledger lines. Nothing else writes ``StockLevel.on_hand`` /
``reserved`` or ``StockMovement``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.core import clock, stale_figures
from tisser.core.errors import DomainError
from tisser.offers.models import StockLevel, StockMovement


@dataclass(frozen=True)
class Move:
    """One line to append: ``quantity`` moves the stock on hand, ``reserved_delta`` the part
    of it held for a sale. ``refs`` names the device, voucher, lot, transfer, import or
    count the line is about (``StockMovement`` field names)."""

    site_id: int
    offer_id: int
    kind: str
    quantity: int = 0
    reserved_delta: int = 0
    reason: str = ""
    refs: dict[str, Any] = field(default_factory=dict)


def _locked_levels(keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], StockLevel]:
    """Lock (creating when missing) the level row of each (site, offer), in key order."""
    keys = sorted(set(keys))
    for site_id, offer_id in keys:
        if not StockLevel.objects.filter(site_id=site_id, offer_id=offer_id).exists():
            try:
                with transaction.atomic():
                    StockLevel.objects.create(site_id=site_id, offer_id=offer_id)
            except IntegrityError:
                pass  # created meanwhile by a concurrent transaction: lock it below
    levels = {}
    for site_id, offer_id in keys:
        level = StockLevel.objects.select_for_update().get(site_id=site_id, offer_id=offer_id)
        levels[(site_id, offer_id)] = level
    return levels


def movements_apply(moves: Iterable[Move], *, actor=None, at=None) -> list[StockMovement]:
    """Apply ``moves`` atomically: all of them, or none with a ``DomainError``."""
    moves = list(moves)
    if not moves:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("movements_apply must run inside the calling service's transaction")
    at = at or clock.now()
    levels = _locked_levels((move.site_id, move.offer_id) for move in moves)
    totals: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for move in moves:
        total = totals[(move.site_id, move.offer_id)]
        total[0] += move.quantity
        total[1] += move.reserved_delta
    for key, (quantity, reserved) in totals.items():
        level = levels[key]
        on_hand, held = level.on_hand + quantity, level.reserved + reserved
        if on_hand < 0:
            raise DomainError(
                _("Stock insuffisant pour « %(offer)s » : il en reste %(count)s.")
                % {"offer": level.offer, "count": level.on_hand}
            )
        if held < 0 or held > on_hand:
            raise DomainError(
                _("Réservation impossible pour « %(offer)s » : %(free)s disponible(s).")
                % {"offer": level.offer, "count": level.on_hand, "free": level.available}
            )
        level.on_hand, level.reserved = on_hand, held
        level.save(update_fields=["on_hand", "reserved"])
    lines = [
        StockMovement(
            site_id=move.site_id,
            offer_id=move.offer_id,
            kind=move.kind,
            quantity=move.quantity,
            reserved_delta=move.reserved_delta,
            reason=move.reason,
            at=at,
            actor=actor if (actor is not None and actor.is_authenticated) else None,
            **move.refs,
        )
        for move in moves
    ]
    day = timezone.localdate(at)
    stale_figures.mark_stale_many(
        [(move.site_id, day) for move in moves], dimension=stale_figures.STOCK
    )
    return StockMovement.objects.bulk_create(lines)
