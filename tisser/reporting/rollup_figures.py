"""Figures read from the roll-ups (``Tally``, ``PeopleSet``): what the dashboards use.

``values`` and ``split`` answer exactly as ``figures._raw_value`` and ``figures._raw_split``
do: each indicator's windows (``figures.windows``: a funder's covered sites have their own
dates) are cut into whole years, months and days (``periods.cover``; per month for a split
by month), read at the sites of the window, or from the network's rows when the selection
is the whole network, narrowed to the facets ``figures.facets`` names. People are the union
of the pieces' sets, sums the sum of the pieces.

Every asked indicator is read at once: at most one query on ``PeopleSet`` and one on
``Tally``, whatever the number of indicators, sites or days.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from tisser.reporting import catalogue, people_sets
from tisser.reporting.enums import Grain, Measure
from tisser.reporting.figures import Selection, _scaled, facets, windows
from tisser.reporting.indicators import Indicator
from tisser.reporting.models import PeopleSet, Tally
from tisser.reporting.periods import cover, month_end
from tisser.reporting.rollups import NO_KEY, TOTAL

BY = ("site", "month", "key")
Piece = tuple[str, datetime.date]


@dataclass(frozen=True)
class _Reading:
    """Which rows one window of one indicator adds up."""

    sites: frozenset[int] | None  # None: the network's rows (or every site's, split by site)
    pieces: dict[Piece, datetime.date | None]  # piece -> its month (split by month)
    facets: frozenset[str]


def values(selection: Selection, codes: list[str]) -> dict[str, int | Decimal]:
    """Each indicator's figure over the selection (PEOPLE and SUM indicators)."""
    found = _read(selection, codes, by=None)
    return {code: found[code].get(None, _empty(catalogue.indicator(code))) for code in codes}


def split(selection: Selection, codes: list[str], *, by: str) -> dict[str, dict]:
    """Each indicator's figures per site id, per first day of month, or per key."""
    if by not in BY:
        raise ValueError(f"Unknown split: {by}")
    return _read(selection, codes, by=by)


def _empty(item: Indicator) -> int | Decimal:
    return 0 if item.measure == Measure.PEOPLE else _scaled(item, Decimal(0))


def _readings(item: Indicator, selection: Selection, by: str | None) -> list[_Reading]:
    wanted = facets(item, selection)
    chosen = frozenset({TOTAL}) if wanted is None else wanted
    found = []
    for window in windows(item, selection):
        if window.start > window.end:
            continue
        pieces: dict[Piece, datetime.date | None] = {}
        if by == "month":
            first = window.start
            while first <= window.end:
                last = min(month_end(first), window.end)
                month = first.replace(day=1)
                pieces.update(dict.fromkeys(cover(first, last), month))
                first = last + datetime.timedelta(days=1)
        else:
            pieces = dict.fromkeys(cover(window.start, window.end))
        found.append(_Reading(window.site_ids, pieces, chosen))
    return found


def _read(selection: Selection, codes: list[str], *, by: str | None) -> dict[str, dict]:
    items = [catalogue.indicator(code) for code in codes]
    plans = {item.code: _readings(item, selection, by) for item in items}
    rows = _fetch(selection, items, plans, by=by)
    found: dict[str, dict] = {}
    for item in items:
        people = item.measure == Measure.PEOPLE
        totals: dict[Hashable, int | Decimal] = defaultdict(int if people else Decimal)
        keyed = item.keys is not None
        for network, site, grain, first, key, facet, value in rows.get(item.code, ()):
            piece = (grain, first)
            for reading in plans[item.code]:
                if facet not in reading.facets or piece not in reading.pieces:
                    continue
                if reading.sites is None:
                    # The network's own rows, or (split by site) every site's of the network.
                    if network != selection.network_id or (site is None) != (by != "site"):
                        continue
                elif site not in reading.sites:
                    continue
                if by == "site":
                    at: Hashable = site
                elif by == "month":
                    at = reading.pieces[piece]
                elif by == "key":
                    at = "" if (key == NO_KEY or not keyed) else key
                else:
                    at = None
                if people:
                    totals[at] = int(totals[at]) | int(value)
                else:
                    totals[at] += value
        if people:
            found[item.code] = {at: people_sets.size(int(bits)) for at, bits in totals.items()}
        else:
            found[item.code] = {at: _scaled(item, Decimal(total)) for at, total in totals.items()}
    return found


def _fetch(
    selection: Selection,
    items: list[Indicator],
    plans: dict[str, list[_Reading]],
    *,
    by: str | None,
) -> dict[str, list[tuple]]:
    """Every row any reading may add, in one query per model: (network, site, grain, first
    day, key, facet, value) per indicator."""
    pieces: dict[str, set[datetime.date]] = defaultdict(set)
    sites: set[int] = set()
    network_rows = False
    chosen_facets: set[str] = set()
    for readings in plans.values():
        for reading in readings:
            for grain, first in reading.pieces:
                pieces[grain].add(first)
            chosen_facets |= reading.facets
            if reading.sites is None:
                network_rows = True
            else:
                sites |= reading.sites
    if not pieces:
        return {}
    where = Q(pk__in=[])
    for grain in (Grain.YEAR, Grain.MONTH, Grain.DAY):
        if pieces.get(grain):
            where |= Q(grain=grain, period_start__in=sorted(pieces[grain]))
    at = Q(site_id__in=sorted(sites)) if sites else Q(pk__in=[])
    if network_rows:
        at |= Q(network_id=selection.network_id, site__isnull=(by != "site"))
    where &= at & Q(facet__in=sorted(chosen_facets))
    if by == "key":
        keyed = [item.code for item in items if item.keys is not None]
        where &= Q(indicator__in=keyed) & ~Q(key=TOTAL) | ~Q(indicator__in=keyed) & Q(key=TOTAL)
    else:
        where &= Q(key=TOTAL)
    found: dict[str, list[tuple]] = defaultdict(list)
    for indicator, row in _rows(where, items):
        found[indicator].append(row)
    return found


def _rows(where: Q, items: list[Indicator]) -> Iterator[tuple[str, tuple]]:
    people = [item.code for item in items if item.measure == Measure.PEOPLE]
    sums = [item.code for item in items if item.measure == Measure.SUM]
    fields = ("indicator", "network_id", "site_id", "grain", "period_start", "key", "facet")
    if people:
        for code, *head, blob in PeopleSet.objects.filter(where, indicator__in=people).values_list(
            *fields, "members"
        ):
            yield code, (*head, people_sets.decode(blob))
    if sums:
        for code, *head, value in Tally.objects.filter(where, indicator__in=sums).values_list(
            *fields, "value"
        ):
            yield code, (*head, Decimal(value))
