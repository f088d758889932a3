"""Figures of the solidarity offers for reporting: pure reads, aggregated in the database.

Every figure is defined in docs/decisions/0051-sales-figures.md. In short: a paid sale
counts on the day it was paid; cancelled and expired sales never count; what came back
(``SaleReturn``) is taken out of the sale it came from. A unit is one device, one code or
card, or one unit of a quantity offer; the devices and codes carry the donation lot they
came from (``DonationLot``), which gives the donor, the dotation and the value of the gift.

Scoping: the caller passes a membership (``figure_scope`` turns it into a ``FigureScope``)
or a scope it already built. A network admin or the accountant reads the whole network, a
site team its own site, a funder's member the sites their conventions cover within each
convention's dates (and the in-kind value of their own gifts only); anyone else nothing.
A filter (``FigureFilter``: dates, site, donor, dotation, convention) narrows the scope,
never widens it.

Each selector runs a fixed number of queries whatever the volume (reporting dashboards of
issue 16 build on them).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from tisser.accounts.enums import Role
from tisser.accounts.models import Organisation
from tisser.core.dates import start_of_day
from tisser.funding.enums import CONNECTION_FAMILIES, EQUIPMENT_FAMILIES
from tisser.funding.models import Convention, Donor, Dotation
from tisser.offers.enums import DeviceStatus, MovementKind, Tracking
from tisser.offers.models import DeviceStatusChange, Offer, StockMovement, Voucher
from tisser.sales.enums import SaleLineKind, SaleStatus
from tisser.sales.models import Sale, SaleLine, SaleReturn

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MONEY: DecimalField = DecimalField(max_digits=14, decimal_places=2)

NETWORK_READERS = frozenset({Role.NETWORK_ADMIN, Role.ACCOUNTANT})
SITE_READERS = frozenset({Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER})

# A device "refurbished": its treatment finished (decision 0039's two "ready" steps).
REFURBISHED_STEPS = (DeviceStatus.READY_TO_ORDER, DeviceStatus.READY_TO_DISTRIBUTE)


# --- scope and filter ------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """Sites seen from one day to another (a funder's convention)."""

    site_ids: frozenset[int]
    starts_on: datetime.date
    ends_on: datetime.date


@dataclass(frozen=True)
class FigureScope:
    """What a reader may count. ``network_id`` None: nothing. ``site_ids`` None: every
    site of the network. ``windows`` (a funder): only these sites within these dates.
    ``funder_id`` (a funder): in-kind value of this funder's own gifts only; donor,
    dotation and convention filters limited to theirs."""

    network_id: int | None
    site_ids: frozenset[int] | None = None
    windows: tuple[Window, ...] | None = None
    funder_id: int | None = None

    @property
    def is_empty(self) -> bool:
        return self.network_id is None or (self.windows is not None and not self.windows)


NOTHING = FigureScope(network_id=None)


@dataclass(frozen=True)
class FigureFilter:
    """A date range (inclusive, Paris days) and optional site, donor, dotation, convention."""

    start: datetime.date
    end: datetime.date
    site_id: int | None = None
    donor_id: int | None = None
    dotation_id: int | None = None
    convention_id: int | None = None

    @property
    def by_lot(self) -> bool:
        return self.donor_id is not None or self.dotation_id is not None


def figure_scope(membership) -> FigureScope:
    """What ``membership`` may count (one or two queries)."""
    if membership is None or not membership.is_active:
        return NOTHING
    role = membership.role
    if role in NETWORK_READERS:
        return FigureScope(network_id=membership.organisation_id)
    network_id = (
        Organisation.objects.filter(pk=membership.organisation_id)
        .values_list("network_id", flat=True)
        .first()
    )
    if network_id is None:
        return NOTHING
    if role in SITE_READERS:
        return FigureScope(network_id=network_id, site_ids=frozenset({membership.organisation_id}))
    if role == Role.FUNDER_VIEWER:
        return FigureScope(
            network_id=network_id,
            windows=_convention_windows(funder_id=membership.organisation_id),
            funder_id=membership.organisation_id,
        )
    return NOTHING


def _convention_windows(**conventions) -> tuple[Window, ...]:
    """The sites each matching convention covers, with its dates (one query)."""
    rows = Convention.sites.through.objects.filter(
        **{f"convention__{key}": value for key, value in conventions.items()}
    ).values_list("convention_id", "convention__starts_on", "convention__ends_on", "site_id")
    grouped: dict[tuple, set[int]] = defaultdict(set)
    for convention_id, starts_on, ends_on, site_id in rows:
        grouped[(convention_id, starts_on, ends_on)].add(site_id)
    return tuple(
        Window(frozenset(sites), starts_on, ends_on)
        for (_, starts_on, ends_on), sites in sorted(grouped.items())
    )


@dataclass(frozen=True)
class _Where:
    """The scope and the filter resolved to the conditions every query applies."""

    network_id: int
    start: datetime.date
    end: datetime.date
    site_ids: frozenset[int] | None
    windows: tuple[Window, ...] | None
    lot: dict = field(default_factory=dict)  # conditions on the lot (donor, dotation)
    value_funder_id: int | None = None

    def on(self, *, site: str, at: str, network: str | None = None) -> Q:
        """Conditions on the rows whose site, moment (and network) are at these paths."""
        condition = Q(**{f"{at}__gte": start_of_day(self.start)}) & Q(
            **{f"{at}__lt": start_of_day(self.end + datetime.timedelta(days=1))}
        )
        condition &= Q(**{f"{network or site + '__network'}_id": self.network_id})
        if self.site_ids is not None:
            condition &= Q(**{f"{site}_id__in": sorted(self.site_ids)})
        if self.windows is not None:
            covered = Q(pk__in=[])
            for window in self.windows:
                covered |= Q(
                    **{
                        f"{site}_id__in": sorted(window.site_ids),
                        f"{at}__gte": start_of_day(window.starts_on),
                        f"{at}__lt": start_of_day(window.ends_on + datetime.timedelta(days=1)),
                    }
                )
            condition &= covered
        return condition

    def lot_of(self, path: str) -> Q:
        """The lot filter applied to the lot at ``path`` (nothing when not filtering)."""
        if not self.lot:
            return Q()
        return Q(**{f"{path}__{key}": value for key, value in self.lot.items()})


def _resolve(scope: FigureScope, flt: FigureFilter) -> _Where | None:
    """Intersect the scope with the filter; None when nothing can match (no query needed
    beyond the checks of the filter's donor, dotation or convention)."""
    if scope.network_id is None or scope.is_empty or flt.end < flt.start:
        return None
    site_ids = scope.site_ids
    if flt.site_id is not None:
        if site_ids is not None and flt.site_id not in site_ids:
            return None
        site_ids = frozenset({flt.site_id})
    windows = scope.windows
    if flt.convention_id is not None:
        conventions = Convention.objects.filter(
            pk=flt.convention_id, funder__network_id=scope.network_id
        )
        if scope.funder_id is not None:
            conventions = conventions.filter(funder_id=scope.funder_id)
        if not conventions.exists():
            return None
        windows = _intersect(windows, _convention_windows(pk=flt.convention_id))
        if not windows:
            return None
    lot: dict = {}
    if flt.donor_id is not None:
        donors = Donor.objects.filter(pk=flt.donor_id, network_id=scope.network_id)
        if scope.funder_id is not None:
            donors = donors.filter(funder_id=scope.funder_id)
        if not donors.exists():
            return None
        lot["donor_id"] = flt.donor_id
    if flt.dotation_id is not None:
        dotations = Dotation.objects.filter(
            pk=flt.dotation_id, convention__funder__network_id=scope.network_id
        )
        if scope.funder_id is not None:
            dotations = dotations.filter(convention__funder_id=scope.funder_id)
        if not dotations.exists():
            return None
        lot["dotation_id"] = flt.dotation_id
    return _Where(
        network_id=scope.network_id,
        start=flt.start,
        end=flt.end,
        site_ids=site_ids,
        windows=windows,
        lot=lot,
        value_funder_id=scope.funder_id,
    )


def _intersect(first: tuple[Window, ...] | None, second: tuple[Window, ...]):
    if first is None:
        return second
    windows = []
    for a in first:
        for b in second:
            sites = a.site_ids & b.site_ids
            starts_on, ends_on = max(a.starts_on, b.starts_on), min(a.ends_on, b.ends_on)
            if sites and starts_on <= ends_on:
                windows.append(Window(sites, starts_on, ends_on))
    return tuple(windows)


# --- the sold units --------------------------------------------------------------------
#
# Three kinds of rows, each a query of its own with the same figures:
# - device lines (one device each, its lot on the device), kept when nothing was returned;
# - codes and cards (``Voucher`` rows of a paid line's reservation, each with its lot): a
#   line's codes are kept up to the quantity not returned, the lowest ids first;
# - every other line (quantity offers, subscription fees): no unit carries a lot, so these
#   rows count only when no donor or dotation filter is given.

PERSON = "sale__beneficiary"


def _returned(line_ref: str):
    """Units of the line at ``line_ref`` taken back by returns."""
    returns = (
        SaleReturn.objects.filter(line_id=OuterRef(line_ref))
        .order_by()
        .values("line_id")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return Coalesce(Subquery(returns, output_field=IntegerField()), Value(0))


def _device_lines(where: _Where) -> QuerySet:
    return (
        SaleLine.objects.filter(
            where.on(site="sale__site", at="sale__paid_at", network="sale__network"),
            where.lot_of("device__lot"),
            sale__status=SaleStatus.PAID,
            kind=SaleLineKind.ITEM,
            device__isnull=False,
        )
        .annotate(kept=Value(1) - _returned("pk"))
        .filter(kept__gt=0)
    )


def _vouchers(where: _Where) -> QuerySet:
    line = "reservation__sale_line"
    rank = (
        Voucher.objects.filter(reservation_id=OuterRef("reservation_id"), pk__lte=OuterRef("pk"))
        .order_by()
        .values("reservation_id")
        .annotate(rank=Count("pk"))
        .values("rank")
    )
    return (
        Voucher.objects.filter(
            where.on(
                site=f"{line}__sale__site",
                at=f"{line}__sale__paid_at",
                network=f"{line}__sale__network",
            ),
            where.lot_of("lot"),
            **{f"{line}__sale__status": SaleStatus.PAID, f"{line}__kind": SaleLineKind.ITEM},
        )
        .annotate(
            rank=Subquery(rank, output_field=IntegerField()),
            line_kept=F(f"{line}__quantity") - _returned(f"{line}__pk"),
        )
        .filter(rank__lte=F("line_kept"))
    )


def _other_lines(where: _Where) -> QuerySet:
    lines = (
        SaleLine.objects.filter(
            where.on(site="sale__site", at="sale__paid_at", network="sale__network"),
            sale__status=SaleStatus.PAID,
            device__isnull=True,
        )
        .exclude(kind=SaleLineKind.ITEM, offer__tracking=Tracking.VOUCHER)
        .annotate(kept=F("quantity") - _returned("pk"))
        .filter(kept__gt=0)
    )
    return lines.none() if where.lot else lines


def _money(expression) -> ExpressionWrapper:
    return ExpressionWrapper(expression, output_field=MONEY)


def _sums(*, line: str, units, item: Q) -> dict:
    """The aggregates of one kind of rows: units (items only), revenue, market value.
    ``units`` is the expression of units kept on a row (1 for a device or a code)."""
    return {
        "units": Coalesce(Sum(units, filter=item), Value(0)),
        "revenue": Coalesce(
            Sum(_money(F(f"{line}unit_price") * units)), Value(ZERO), output_field=MONEY
        ),
        "market": Coalesce(
            Sum(_money(F(f"{line}unit_market_price") * units)), Value(ZERO), output_field=MONEY
        ),
    }


def _kinds(where: _Where):
    """(rows, prefix of the sale line, units kept on a row, condition of an item row);
    the device lines come first."""
    return (
        (_device_lines(where), "", Value(1), Q()),
        (_vouchers(where), "reservation__sale_line__", Value(1), Q()),
        (_other_lines(where), "", F("kept"), Q(kind=SaleLineKind.ITEM)),
    )


def _cents(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# --- figures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SalesFigures:
    """The figures of a scope and a filter (definitions: decision 0051)."""

    units: int = 0
    revenue: Decimal = ZERO
    market_value: Decimal = ZERO
    in_kind_value_used: Decimal = ZERO
    people_equipped: int = 0
    people_connected: int = 0
    devices_received: int = 0
    devices_refurbished: int = 0
    devices_written_off: int = 0
    devices_distributed: int = 0

    @property
    def savings(self) -> Decimal:
        """What people did not pay: market value − solidarity price, over the units kept."""
        return self.market_value - self.revenue


@dataclass(frozen=True)
class OfferFigures:
    offer: Offer
    units: int
    revenue: Decimal
    market_value: Decimal

    @property
    def savings(self) -> Decimal:
        return self.market_value - self.revenue


def _where_for(membership, scope: FigureScope | None, flt: FigureFilter) -> _Where | None:
    if (membership is None) == (scope is None):
        raise TypeError("Pass either a membership or a scope.")
    return _resolve(scope if scope is not None else figure_scope(membership), flt)


def sales_figures(
    *, flt: FigureFilter, membership=None, scope: FigureScope | None = None
) -> SalesFigures:
    """Every figure of the period for what the reader may see (about ten queries)."""
    where = _where_for(membership, scope, flt)
    if where is None:
        return SalesFigures()
    sums = [
        rows.order_by().aggregate(**_sums(line=line, units=unit, item=item))
        for rows, line, unit, item in _kinds(where)
    ]
    people = _people(where)
    devices = _devices(where)
    return SalesFigures(
        units=sum(row["units"] for row in sums),
        revenue=_cents(sum((row["revenue"] for row in sums), ZERO)),
        market_value=_cents(sum((row["market"] for row in sums), ZERO)),
        in_kind_value_used=_in_kind_value_used(where),
        people_equipped=people["equipped"],
        people_connected=people["connected"],
        devices_received=devices["received"],
        devices_refurbished=devices["refurbished"],
        devices_written_off=devices["written_off"],
        devices_distributed=sums[0]["units"],  # the device lines kept
    )


def units_by_offer(
    *, flt: FigureFilter, membership=None, scope: FigureScope | None = None
) -> list[OfferFigures]:
    """Units kept, revenue and market value per offer, by family then name (four queries)."""
    where = _where_for(membership, scope, flt)
    if where is None:
        return []
    totals: dict[int, list] = defaultdict(lambda: [0, ZERO, ZERO])
    for rows, line, unit, item in _kinds(where):
        offer_path = f"{line}offer_id"
        grouped = (
            rows.order_by()
            .values(offer_path)
            .annotate(**_sums(line=line, units=unit, item=item))
            .values_list(offer_path, "units", "revenue", "market")
        )
        for offer_id, count, revenue, market in grouped:
            total = totals[offer_id]
            total[0] += count
            total[1] += revenue
            total[2] += market
    offers = Offer.objects.filter(pk__in=list(totals)).order_by("family", "name", "pk")
    return [
        OfferFigures(
            offer=offer,
            units=totals[offer.pk][0],
            revenue=_cents(totals[offer.pk][1]),
            market_value=_cents(totals[offer.pk][2]),
        )
        for offer in offers
        if totals[offer.pk][0] or totals[offer.pk][1]
    ]


def _in_kind_value_used(where: _Where) -> Decimal:
    """Σ over the units kept that came from a lot: the lot's value ÷ its quantity. Grouped
    by lot in the database (two queries), multiplied in Decimal here."""
    total = Decimal("0")
    for rows, lot in ((_device_lines(where), "device__lot"), (_vouchers(where), "lot")):
        rows = rows.filter(**{f"{lot}__isnull": False})
        if where.value_funder_id is not None:
            rows = rows.filter(**{f"{lot}__donor__funder_id": where.value_funder_id})
        grouped = (
            rows.order_by()
            .values(f"{lot}_id")
            .annotate(units=Count("pk"))
            .values_list(f"{lot}__valuation_amount", f"{lot}__quantity", "units")
        )
        for valuation, quantity, count in grouped:
            total += Decimal(valuation) * count / quantity
    return _cents(total)


def _people(where: _Where) -> dict[str, int]:
    """Distinct people (a merged file counts as the file it was merged into): equipped,
    with a device kept of an equipment family; connected, with anything kept of a
    connection family (a code or card, a box or 4G key, a SIM sold by quantity, a month of
    a box subscription). One query."""
    equipment = sorted(EQUIPMENT_FAMILIES)
    connection = sorted(CONNECTION_FAMILIES)
    equipped = Exists(
        _device_lines(where).filter(sale_id=OuterRef("pk"), offer__family__in=equipment)
    )
    connected = Q(
        Exists(_device_lines(where).filter(sale_id=OuterRef("pk"), offer__family__in=connection))
    ) | Q(
        Exists(
            _vouchers(where).filter(
                reservation__sale_line__sale_id=OuterRef("pk"), offer__family__in=connection
            )
        )
    )
    if not where.lot:
        connected |= Q(
            Exists(_other_lines(where).filter(sale_id=OuterRef("pk"), offer__family__in=connection))
        )

    sales = (
        Sale.objects.filter(
            where.on(site="site", at="paid_at", network="network"), status=SaleStatus.PAID
        )
        .annotate(person=Coalesce(F("beneficiary__merged_into_id"), F("beneficiary_id")))
        .order_by()
    )
    return sales.aggregate(
        equipped=Count("person", distinct=True, filter=Q(equipped)),
        connected=Count("person", distinct=True, filter=connected),
    )


def _devices(where: _Where) -> dict[str, int]:
    """Devices received and written off (the stock ledger), refurbished (the lifecycle)."""
    ledger = StockMovement.objects.filter(
        where.on(site="site", at="at", network="site__network"),
        where.lot_of("device__lot"),
        device__isnull=False,
    ).aggregate(
        received=Count("pk", filter=Q(kind=MovementKind.RECEIPT)),
        written_off=Count("pk", filter=Q(kind=MovementKind.WRITE_OFF)),
    )
    refurbished = DeviceStatusChange.objects.filter(
        where.on(site="site", at="at", network="site__network"),
        where.lot_of("device__lot"),
        from_status=DeviceStatus.PROCESSING,
        to_status__in=REFURBISHED_STEPS,
    ).count()
    return {**ledger, "refurbished": refurbished}
