"""Every read of the stock pages, scoped by the acting membership.

A site's team sees its own site; the network admin and the accountant see every site of
their network (the accountant: levels, values and movements only, decided by the views).
No membership, or an inactive one, sees nothing. Sized for 100,000 devices and 1,000,000
vouchers on PostgreSQL: every list is a page of an indexed query, the totals are one
``GROUP BY`` over the level rows (one per site and offer), never over the units.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth

from tisser.accounts.enums import Role
from tisser.accounts.models import Site
from tisser.core.scoping import NETWORK_WIDE_ROLES
from tisser.offers.enums import ReservationStatus
from tisser.offers.models import (
    Device,
    DeviceStatusChange,
    InventoryCount,
    Offer,
    Reservation,
    StockLevel,
    StockMovement,
    Voucher,
)

# The roles that read every site of their network (one definition: core.scoping).
NETWORK_WIDE = NETWORK_WIDE_ROLES
HISTORY_LIMIT = 200
MONEY: DecimalField = DecimalField(max_digits=14, decimal_places=2)


def _site_q(membership, path: str = "site") -> Q:
    """The sites a membership's stock pages cover (nothing without an active membership)."""
    if membership is None or not membership.is_active:
        return Q(pk__in=[])
    if membership.role in NETWORK_WIDE:
        return Q(**{f"{path}__network_id": membership.organisation_id})
    if membership.role in (Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER):
        return Q(**{f"{path}_id": membership.organisation_id})
    return Q(pk__in=[])


def stock_sites(*, membership) -> QuerySet[Site]:
    """The sites whose stock the membership reads (the filter's choices)."""
    if membership is None or not membership.is_active:
        return Site.objects.none()
    if membership.role in NETWORK_WIDE:
        return Site.objects.filter(network_id=membership.organisation_id).order_by("city", "name")
    return Site.objects.filter(pk=membership.organisation_id)


def stock_offers(*, membership) -> QuerySet[Offer]:
    """The network's offers (a site's team reads its network's catalogue)."""
    if membership is None or not membership.is_active:
        return Offer.objects.none()
    if membership.role in NETWORK_WIDE:
        network_id = membership.organisation_id
    else:
        network_id = (
            Site.objects.filter(pk=membership.organisation_id)
            .values_list("network_id", flat=True)
            .first()
        )
    return Offer.objects.filter(network_id=network_id).order_by("family", "name")


def _available():
    return ExpressionWrapper(F("on_hand") - F("reserved"), output_field=IntegerField())


def stock_levels(
    *, membership, site_id: int | None = None, offer_id: int | None = None, low_only=False
) -> QuerySet[StockLevel]:
    """The stock list: one row per (site, offer), with what is free and whether it is low."""
    rows = (
        StockLevel.objects.filter(_site_q(membership))
        .select_related("offer", "site")
        .annotate(
            free=_available(),
            market_value=ExpressionWrapper(
                F("on_hand") * F("offer__market_price"), output_field=MONEY
            ),
            solidarity_value=ExpressionWrapper(
                F("on_hand") * F("offer__solidarity_price"), output_field=MONEY
            ),
        )
        .order_by("site__name", "offer__family", "offer__name", "pk")
    )
    if site_id:
        rows = rows.filter(site_id=site_id)
    if offer_id:
        rows = rows.filter(offer_id=offer_id)
    if low_only:
        rows = rows.filter(low_stock_threshold__gt=0, free__lte=F("low_stock_threshold"))
    return rows


@dataclass(frozen=True)
class OfferTotal:
    offer_id: int
    name: str
    on_hand: int
    reserved: int
    market_value: Decimal
    solidarity_value: Decimal

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


def stock_totals(*, membership, site_id: int | None = None) -> list[OfferTotal]:
    """Per offer, over the sites read: on hand, reserved, and the value of what is held at
    market and at solidarity price (one GROUP BY over the level rows)."""
    rows = StockLevel.objects.filter(_site_q(membership))
    if site_id:
        rows = rows.filter(site_id=site_id)
    grouped = (
        rows.values("offer_id", "offer__name", "offer__family")
        .annotate(
            held=Coalesce(Sum("on_hand"), Value(0)),
            held_reserved=Coalesce(Sum("reserved"), Value(0)),
            market=Coalesce(
                Sum(F("on_hand") * F("offer__market_price"), output_field=MONEY),
                Value(Decimal("0")),
                output_field=MONEY,
            ),
            solidarity=Coalesce(
                Sum(F("on_hand") * F("offer__solidarity_price"), output_field=MONEY),
                Value(Decimal("0")),
                output_field=MONEY,
            ),
        )
        .order_by("offer__family", "offer__name")
    )
    return [
        OfferTotal(
            offer_id=row["offer_id"],
            name=row["offer__name"],
            on_hand=row["held"],
            reserved=row["held_reserved"],
            market_value=Decimal(row["market"]).quantize(Decimal("0.01")),
            solidarity_value=Decimal(row["solidarity"]).quantize(Decimal("0.01")),
        )
        for row in grouped
    ]


def low_stock(*, membership) -> list[StockLevel]:
    """The offers of the membership's own site at or under their threshold (one query)."""
    if membership is None or not membership.is_active or membership.role in NETWORK_WIDE:
        return []
    return list(
        StockLevel.objects.filter(site_id=membership.organisation_id, low_stock_threshold__gt=0)
        .annotate(free=_available())
        .filter(free__lte=F("low_stock_threshold"))
        .select_related("offer")
        .order_by("free", "offer__name")
    )


# --- devices ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeviceFilters:
    query: str = ""
    device_type: str = ""
    status: str = ""
    grade: str = ""
    site_id: int | None = None
    offer_id: int | None = None


def device_exact(*, membership, query: str = "") -> Device | None:
    """The device whose inventory id, serial number or IMEI is exactly ``query``."""
    text = query.strip()
    if not text:
        return None
    return (
        Device.objects.filter(_site_q(membership))
        .filter(Q(inventory_id=text.upper()) | Q(serial_number=text) | Q(imei=text))
        .select_related("offer", "site")
        .first()
    )


def device_search(*, membership, filters: DeviceFilters | None = None) -> QuerySet[Device]:
    """Devices by id (exact or its beginning), serial, IMEI, brand and model words, type,
    status, grade, site; in inventory id order."""
    filters = filters or DeviceFilters()
    rows = Device.objects.filter(_site_q(membership)).select_related("offer", "site")
    text = filters.query.strip()
    if text:
        by_number = Q(inventory_id__startswith=text.upper()) | Q(serial_number=text) | Q(imei=text)
        words = Q()
        for word in text.split()[:5]:
            words &= Q(brand__icontains=word) | Q(model_name__icontains=word)
        rows = rows.filter(by_number | words)
    if filters.device_type:
        rows = rows.filter(device_type=filters.device_type)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.grade:
        rows = rows.filter(grade=filters.grade)
    if filters.site_id:
        rows = rows.filter(site_id=filters.site_id)
    if filters.offer_id:
        rows = rows.filter(offer_id=filters.offer_id)
    return rows.order_by("inventory_id")


def device_detail(*, membership, pk: int) -> Device:
    return (
        Device.objects.filter(_site_q(membership))
        .select_related("offer", "site", "lot", "transfer")
        .get(pk=pk)
    )


@dataclass(frozen=True)
class HistoryLine:
    at: datetime.datetime
    what: str
    detail: str
    site: str
    actor: str
    reason: str


def device_history(*, membership, device: Device) -> list[HistoryLine]:
    """The device's ledger lines and status changes, newest first (two queries)."""
    if not Device.objects.filter(_site_q(membership)).filter(pk=device.pk).exists():
        return []
    movements = (
        StockMovement.objects.filter(device=device)
        .select_related("site", "actor")
        .order_by("-at", "-pk")[:HISTORY_LIMIT]
    )
    changes = (
        DeviceStatusChange.objects.filter(device=device)
        .select_related("site", "actor")
        .order_by("-at", "-pk")[:HISTORY_LIMIT]
    )
    lines = [
        HistoryLine(
            at=m.at,
            what=m.get_kind_display(),
            detail=f"{m.quantity:+d}" if m.quantity else "",
            site=m.site.name,
            actor=m.actor.get_full_name() if m.actor else "",
            reason=m.reason,
        )
        for m in movements
    ]
    lines += [
        HistoryLine(
            at=c.at,
            what=c.get_to_status_display(),
            detail=c.get_from_status_display(),
            site=c.site.name,
            actor=c.actor.get_full_name() if c.actor else "",
            reason=c.reason,
        )
        for c in changes
    ]
    return sorted(lines, key=lambda line: line.at, reverse=True)[:HISTORY_LIMIT]


# --- vouchers, movements, reservations, counts ------------------------------------------------


def voucher_overview(
    *, membership, site_id: int | None = None, offer_id: int | None = None, status: str = ""
) -> QuerySet:
    """Vouchers counted by offer, status and month of expiry (never a code)."""
    rows = Voucher.objects.filter(_site_q(membership))
    if site_id:
        rows = rows.filter(site_id=site_id)
    if offer_id:
        rows = rows.filter(offer_id=offer_id)
    if status:
        rows = rows.filter(status=status)
    return (
        rows.annotate(month=TruncMonth("expires_on"))
        .values("offer__name", "status", "month")
        .annotate(units=Count("pk"))
        .order_by("offer__name", "status", F("month").asc(nulls_last=True))
    )


@dataclass(frozen=True)
class MovementFilters:
    site_id: int | None = None
    offer_id: int | None = None
    kind: str = ""
    date_from: datetime.datetime | None = None
    date_to: datetime.datetime | None = None


def movement_list(*, membership, filters: MovementFilters | None = None) -> QuerySet[StockMovement]:
    filters = filters or MovementFilters()
    rows = StockMovement.objects.filter(_site_q(membership)).select_related(
        "offer", "site", "actor", "device"
    )
    if filters.site_id:
        rows = rows.filter(site_id=filters.site_id)
    if filters.offer_id:
        rows = rows.filter(offer_id=filters.offer_id)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.date_from:
        rows = rows.filter(at__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(at__lt=filters.date_to)
    return rows.order_by("-at", "-pk")


def reservation_list(*, membership, site_id: int | None = None) -> QuerySet[Reservation]:
    rows = (
        Reservation.objects.filter(_site_q(membership), status=ReservationStatus.ACTIVE)
        .select_related("offer", "site", "device", "created_by")
        .order_by("reserved_until", "pk")
    )
    return rows.filter(site_id=site_id) if site_id else rows


def count_list(*, membership, site_id: int | None = None) -> QuerySet[InventoryCount]:
    rows = (
        InventoryCount.objects.filter(_site_q(membership))
        .select_related("site", "started_by", "closed_by")
        .annotate(line_count=Count("lines"))
        .order_by("-created_at", "-pk")
    )
    return rows.filter(site_id=site_id) if site_id else rows


def count_detail(*, membership, pk: int) -> InventoryCount:
    return (
        InventoryCount.objects.filter(_site_q(membership))
        .select_related("site", "started_by", "closed_by")
        .get(pk=pk)
    )


def count_lines(*, membership, count: InventoryCount):
    if not InventoryCount.objects.filter(_site_q(membership)).filter(pk=count.pk).exists():
        return []
    return list(count.lines.select_related("offer").order_by("offer__family", "offer__name"))


def threshold_rows(*, membership, site_id: int | None = None) -> list[tuple[Offer, int]]:
    """Every offer the site holds or offers, with its threshold (two queries)."""
    if membership is None or not membership.is_active:
        return []
    site_id = site_id or membership.organisation_id
    if not stock_sites(membership=membership).filter(pk=site_id).exists():
        return []
    thresholds = dict(
        StockLevel.objects.filter(site_id=site_id).values_list("offer_id", "low_stock_threshold")
    )
    offers = stock_offers(membership=membership).filter(
        Q(pk__in=list(thresholds)) | Q(sites=site_id, is_active=True)
    )
    return [(offer, thresholds.get(offer.pk, 0)) for offer in offers.distinct()]
