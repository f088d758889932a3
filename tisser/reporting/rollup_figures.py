"""Figures read from the roll-ups (``Tally``, ``PeopleSet``): what the dashboards use.

``values`` and ``split`` answer exactly as ``figures._raw_value`` and ``figures._raw_split``
do: each indicator's windows (``figures.windows``: a funder's covered sites have their own
dates) are cut into whole years, months and days (``periods.cover``; per month for a split
by month), read at the sites of the window, or from the network's rows when the selection
is the whole network, narrowed to the facets ``figures.facets`` names. People are the union
of the pieces' sets, sums the sum of the pieces.

Every asked indicator is read at once: one query on ``Tally``, and one on ``PeopleSet`` for
the pieces' sizes, whatever the number of indicators, sites or days. A figure drawn from
one piece (a calendar year, a whole month, one space's year) is that piece's stored size;
only the figures of several pieces read their sets, in one more query (per 5,000 sets).
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
# The sets read per query when figures need unions (SQLite takes 32,766 parameters at most).
SETS_PER_QUERY = 5000
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
    # People: the pieces of each figure, by primary key with their size (read first: a
    # figure of one piece is its size, and only the sets of several pieces are read).
    people_parts: dict[str, dict[Hashable, dict[int, int]]] = {}
    for item in items:
        people = item.measure == Measure.PEOPLE
        totals: dict[Hashable, Decimal] = defaultdict(Decimal)
        parts: dict[Hashable, dict[int, int]] = defaultdict(dict)
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
                    pk, size = value
                    parts[at][pk] = size
                else:
                    totals[at] += value
        if people:
            people_parts[item.code] = parts
        else:
            found[item.code] = {at: _scaled(item, Decimal(total)) for at, total in totals.items()}
    found.update(_people_counts(people_parts))
    return found


def _people_counts(
    parts: dict[str, dict[Hashable, dict[int, int]]],
) -> dict[str, dict[Hashable, int]]:
    """Each figure's people: the size of its one piece, or of the union of its pieces (whose
    sets are read in one query per batch of pieces)."""
    wanted = {pk for by_at in parts.values() for pieces in by_at.values() if len(pieces) > 1
              for pk in pieces}  # fmt: skip
    sets = _sets(sorted(wanted))
    counts: dict[str, dict[Hashable, int]] = {}
    for code, by_at in parts.items():
        counts[code] = {
            at: (
                next(iter(pieces.values()))
                if len(pieces) == 1
                else people_sets.size(people_sets.union(sets[pk] for pk in pieces))
            )
            for at, pieces in by_at.items()
        }
    return counts


def _sets(pks: list[int]) -> dict:
    found = {}
    for at in range(0, len(pks), SETS_PER_QUERY):
        chunk = pks[at : at + SETS_PER_QUERY]
        for pk, blob in PeopleSet.objects.filter(pk__in=chunk).values_list("pk", "members"):
            found[pk] = people_sets.decode(blob)
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
        for code, *head, pk, size in PeopleSet.objects.filter(
            where, indicator__in=people
        ).values_list(*fields, "pk", "size"):
            yield code, (*head, (pk, size))
    if sums:
        for code, *head, value in Tally.objects.filter(where, indicator__in=sums).values_list(
            *fields, "value"
        ):
            yield code, (*head, Decimal(value))
