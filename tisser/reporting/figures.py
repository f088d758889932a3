"""Figures for a selection: from the roll-ups (what pages use) or from the raw records (the
reference, used by the verification and the benchmark). Both answer the same question the
same way (decision 0055).

A :class:`Selection` is already narrowed to what its reader may see: the view resolves the
site and city filters and the reader's scope into ``site_ids``, and a funder's conventions
into a :class:`FunderReach`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Sum
from django.db.models.functions import TruncMonth

from tisser.accounts.models import Site
from tisser.reporting import catalogue
from tisser.reporting.enums import FacetKind, Measure, Reach
from tisser.reporting.indicators import Indicator, Window

Days = tuple[datetime.date, datetime.date]
RATE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class FunderReach:
    """What a funder's conventions cover: sites during the conventions' dates, the
    dotations of its conventions, the programmes it funds."""

    funder_id: int
    site_windows: Mapping[int, tuple[Days, ...]]
    dotations: frozenset[int] = frozenset()
    programmes: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Selection:
    network_id: int
    start: datetime.date
    end: datetime.date
    site_ids: frozenset[int] | None = None  # None: every site of the network
    # Chosen facet filters: programme, partner or dotation ids.
    facets: Mapping[FacetKind, frozenset[int]] = field(default_factory=dict)
    reach: FunderReach | None = None


@dataclass(frozen=True)
class Figure:
    code: str
    value: int | Decimal | None  # None: nothing to say (a rate over nobody) or not applicable
    base: int | None  # how many people the figure is drawn from (the « moins de 10 » base)
    applicable: bool = True


def applies(item: Indicator, selection: Selection) -> bool:
    """False when a chosen filter cannot narrow this indicator (it is then not shown)."""
    return all(kind == item.facet_kind for kind in selection.facets)


def windows(item: Indicator, selection: Selection) -> list[Window]:
    """The (days, sites) the indicator is read over: the selection's, cut to the funder's
    covered sites and dates when the indicator's reach is the sites."""
    if selection.reach is None or item.reach != Reach.SITES:
        return [Window(selection.start, selection.end, selection.site_ids)]
    by_days: dict[Days, set[int]] = defaultdict(set)
    for site_id, spans in selection.reach.site_windows.items():
        if selection.site_ids is not None and site_id not in selection.site_ids:
            continue
        for first, last in spans:
            start, end = max(first, selection.start), min(last, selection.end)
            if start <= end:
                by_days[(start, end)].add(site_id)
    return [Window(start, end, frozenset(sites)) for (start, end), sites in sorted(by_days.items())]


def facets(item: Indicator, selection: Selection) -> frozenset[str] | None:
    """The facet values the indicator is narrowed to (None: not narrowed)."""
    chosen: frozenset[int] | None = None
    if item.facet_kind is not None and item.facet_kind in selection.facets:
        chosen = selection.facets[item.facet_kind]
    if selection.reach is not None and item.reach == Reach.DOTATIONS:
        covered = selection.reach.dotations
        chosen = covered if chosen is None else chosen & covered
    if selection.reach is not None and item.reach == Reach.PROGRAMMES:
        covered = selection.reach.programmes
        chosen = covered if chosen is None else chosen & covered
    if chosen is None:
        return None
    kind = item.facet_kind.value if item.facet_kind else ""
    return frozenset(f"{kind}:{value}" for value in chosen)


def ratio(numerator, denominator) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator or 0) / Decimal(denominator)).quantize(RATE_PLACES, ROUND_HALF_UP)


# --- from the raw records (the reference) ------------------------------------------------


def _raw_rows(item: Indicator, selection: Selection) -> list:
    wanted = facets(item, selection)
    found = []
    assert item.rows is not None
    for window in windows(item, selection):
        if window.site_ids is None:
            # "Every site" is every site of the selection's network, never another network's.
            window = Window(window.start, window.end, network_site_ids(selection.network_id))
        # No model ordering: a split by a constant key has no GROUP BY, and PostgreSQL
        # refuses an ORDER BY on a column outside the aggregate.
        rows = item.rows(window).order_by()
        if wanted is not None:
            rows = rows.filter(facet__in=sorted(wanted))
        found.append(rows)
    return found


def network_site_ids(network_id: int) -> frozenset[int]:
    """The ids of every site of the network (« every site » of a selection, never another
    network's)."""
    return frozenset(Site.objects.filter(network_id=network_id).values_list("pk", flat=True))


def _raw_value(item: Indicator, selection: Selection) -> int | Decimal:
    querysets = _raw_rows(item, selection)
    if item.measure == Measure.PEOPLE:
        if len(querysets) == 1:
            return querysets[0].aggregate(n=Count("person", distinct=True))["n"] or 0
        people: set[int] = set()
        for rows in querysets:
            people.update(rows.values_list("person", flat=True).distinct())
        return len(people)
    total = Decimal(0)
    for rows in querysets:
        total += Decimal(rows.aggregate(total=Sum("amount"))["total"] or 0)
    return _scaled(item, total)


def _scaled(item: Indicator, total: Decimal) -> int | Decimal:
    if item.divisor != 1:
        return (total / item.divisor).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return int(total) if total == total.to_integral_value() else total


def _raw_split(item: Indicator, selection: Selection, by: str) -> dict:
    """Per site id, per first day of month, or per key."""
    found: dict = defaultdict(set) if item.measure == Measure.PEOPLE else defaultdict(Decimal)
    for rows in _raw_rows(item, selection):
        if by == "month":
            rows = rows.annotate(split=TruncMonth("day"))
        else:
            rows = rows.annotate(split=_split_field(by))
        if item.measure == Measure.PEOPLE:
            for split, person in rows.values_list("split", "person").distinct():
                found[_day(split)].add(person)
        else:
            totals = rows.values("split").annotate(total=Sum("amount"))
            for split, amount in totals.values_list("split", "total"):
                found[_day(split)] += Decimal(amount or 0)
    if item.measure == Measure.PEOPLE:
        return {split: len(people) for split, people in found.items()}
    return {split: _scaled(item, total) for split, total in found.items()}


def _split_field(by: str):
    return F({"site": "site_id", "key": "key"}[by])


def _day(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


# --- the public API -------------------------------------------------------------------------


def compute(
    selection: Selection, codes: Iterable[str] | None = None, *, source: str = "rollups"
) -> dict[str, Figure]:
    """Each asked indicator's figure over the selection (every indicator by default)."""
    wanted = list(codes) if codes is not None else list(catalogue.catalogue())
    needed = _with_dependencies(wanted)
    values: dict[str, int | Decimal | None] = {}
    stored = [code for code in needed if catalogue.indicator(code).measure != Measure.RATIO]
    applicable = {code: applies(catalogue.indicator(code), selection) for code in needed}
    if source == "raw":
        for code in stored:
            if applicable[code]:
                values[code] = _raw_value(catalogue.indicator(code), selection)
    else:
        from tisser.reporting import rollup_figures

        values.update(
            rollup_figures.values(selection, [code for code in stored if applicable[code]])
        )
    return {code: _figure(code, values, applicable) for code in wanted}


def compute_split(
    selection: Selection, codes: Iterable[str], *, by: str, source: str = "rollups"
) -> dict[str, dict]:
    """Each indicator's figures per ``by`` ("site": site id, "month": first day of the
    month, "key": breakdown key). Ratios are split like their numerator and denominator."""
    wanted = list(codes)
    needed = _with_dependencies(wanted)
    stored = [code for code in needed if catalogue.indicator(code).measure != Measure.RATIO]
    applicable = {code: applies(catalogue.indicator(code), selection) for code in needed}
    values: dict[str, dict] = {}
    if source == "raw":
        for code in stored:
            if applicable[code]:
                values[code] = _raw_split(catalogue.indicator(code), selection, by)
    else:
        from tisser.reporting import rollup_figures

        values.update(
            rollup_figures.split(selection, [code for code in stored if applicable[code]], by=by)
        )
    splits = sorted({split for per in values.values() for split in per}, key=_sort_key)
    return {
        code: {
            split: _figure(
                code, {other: per.get(split, 0) for other, per in values.items()}, applicable
            )
            for split in splits
        }
        for code in wanted
    }


def _sort_key(value):
    return (str(type(value)), value)


def _with_dependencies(codes: list[str]) -> list[str]:
    needed: list[str] = []
    pending = list(codes)
    while pending:
        code = pending.pop(0)
        if code in needed:
            continue
        needed.append(code)
        item = catalogue.indicator(code)
        pending.extend(other for other in (item.numerator, item.denominator, item.base) if other)
    return needed


def _figure(code: str, values: Mapping, applicable: Mapping[str, bool]) -> Figure:
    item = catalogue.indicator(code)
    if not applicable.get(code, True):
        return Figure(code, None, None, applicable=False)
    if item.measure == Measure.RATIO:
        assert item.numerator and item.denominator
        denominator = values.get(item.denominator)
        value = ratio(values.get(item.numerator), denominator)
        base_code: str | None = item.base or item.denominator
    else:
        value = values.get(code, 0)
        base_code = item.base or (code if item.measure == Measure.PEOPLE else None)
    base = values.get(base_code) if base_code else None
    if base is not None and base_code and catalogue.indicator(base_code).measure != Measure.PEOPLE:
        base = _figure(base_code, values, applicable).base
    return Figure(code, value, int(base) if base is not None else None)
