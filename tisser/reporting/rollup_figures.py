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
only the figures of several pieces read their sets, in one more query (per 5,000 sets), and
only the sets this process has not decoded already (``set_cache``: a stored set never
changes, so it is known by its digest).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from tisser.reporting import catalogue, people_sets, set_cache
from tisser.reporting.enums import Measure
from tisser.reporting.figures import Selection, _scaled, facets, network_site_ids, windows
from tisser.reporting.indicators import Indicator
from tisser.reporting.models import PeopleSet, Tally
from tisser.reporting.periods import cover, month_end
from tisser.reporting.rollups import NO_KEY, TOTAL

BY = ("site", "month", "key")
# The sets read per query when figures need unions (SQLite takes 32,766 parameters at most).
SETS_PER_QUERY = 5000
Piece = tuple[str, datetime.date]
_Stored = tuple[int, int | None]  # a stored set's size and digest (None: written without)


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


class _PiecesReplaced(Exception):
    """A refresh replaced pieces between the reading of their sizes and of their sets."""


# A refresh rewrites a piece in a moment, so a second reading finds the new rows; more
# attempts only guard against a refresh that never stops.
READ_ATTEMPTS = 3


def _read(selection: Selection, codes: list[str], *, by: str | None) -> dict[str, dict]:
    items = [catalogue.indicator(code) for code in codes]
    plans = {item.code: _readings(item, selection, by) for item in items}
    for _attempt in range(READ_ATTEMPTS - 1):
        try:
            return _add_up(selection, items, plans, by=by)
        except _PiecesReplaced:
            continue
    return _add_up(selection, items, plans, by=by)  # the last attempt lets the error out


def _add_up(
    selection: Selection, items: list[Indicator], plans: dict[str, list[_Reading]], *, by
) -> dict[str, dict]:
    """The figures from the pieces' rows: the sums added, the people's sets united."""
    rows = _fetch(selection, items, plans, by=by)
    found: dict[str, dict] = {}
    # People: the pieces of each figure, by primary key with their size and digest (read
    # first: a figure of one piece is its size, and only the sets of several pieces are read).
    people_parts: dict[str, dict[Hashable, dict[int, _Stored]]] = {}
    for item in items:
        people = item.measure == Measure.PEOPLE
        totals: dict[Hashable, Decimal] = defaultdict(Decimal)
        parts: dict[Hashable, dict[int, _Stored]] = defaultdict(dict)
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
                    pk, size, digest = value
                    parts[at][pk] = (size, digest)
                else:
                    totals[at] += value
        if people:
            people_parts[item.code] = parts
        else:
            found[item.code] = {at: _scaled(item, Decimal(total)) for at, total in totals.items()}
    found.update(_people_counts(people_parts))
    return found


def _people_counts(
    parts: dict[str, dict[Hashable, dict[int, _Stored]]],
) -> dict[str, dict[Hashable, int]]:
    """Each figure's people: the size of its one piece, or of the union of its pieces (whose
    sets come from the process's cache, or are read in one query per batch of pieces)."""
    wanted = {pk: stored for by_at in parts.values() for pieces in by_at.values()
              if len(pieces) > 1 for pk, stored in pieces.items()}  # fmt: skip
    sets = _sets(wanted)
    counts: dict[str, dict[Hashable, int]] = {}
    for code, by_at in parts.items():
        counts[code] = {
            at: (
                next(iter(pieces.values()))[0]
                if len(pieces) == 1
                else people_sets.size(people_sets.union(sets[pk] for pk in pieces))
            )
            for at, pieces in by_at.items()
        }
    return counts


def _sets(wanted: dict[int, _Stored]) -> dict:
    """The decoded sets of these rows: those the process keeps, the others read by batch."""
    kept = set_cache.cache()
    found = {}
    missing = []
    for pk, (size, digest) in wanted.items():
        people = kept.get((size, digest)) if digest is not None else None
        if people is None:
            missing.append(pk)
        else:
            found[pk] = people
    missing.sort()
    for at in range(0, len(missing), SETS_PER_QUERY):
        chunk = missing[at : at + SETS_PER_QUERY]
        for pk, blob in PeopleSet.objects.filter(pk__in=chunk).values_list("pk", "members"):
            found[pk] = people_sets.decode_frozen(blob)
            size, digest = wanted[pk]
            if digest is not None:
                kept.keep((size, digest), found[pk], len(blob))
    if len(found) < len(wanted):
        raise _PiecesReplaced
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
    # One list per column, which the indexes probe (an OR of grains is a scan of the
    # network's rows); a row of a grain and a first day each asked, but not together, is
    # dropped by ``_read`` as a piece no reading names.
    where = Q(grain__in=sorted(pieces), period_start__in=sorted(set().union(*pieces.values())))
    at = Q(site_id__in=sorted(sites)) if sites else Q(pk__in=[])
    if network_rows and by == "site":
        # Every site's rows, the network's sites named (one small query): the unique index
        # then reads only the pieces asked for, where "any site row of the network" scans
        # them all (a rolling year's split: 104 ms, then 9 ms at 10,000,000 records).
        named = sorted(network_site_ids(selection.network_id))
        at |= Q(network_id=selection.network_id, site_id__in=named)
    elif network_rows:
        at |= Q(network_id=selection.network_id, site__isnull=True)
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
        for code, *head, pk, size, digest in PeopleSet.objects.filter(
            where, indicator__in=people
        ).values_list(*fields, "pk", "size", "digest"):
            yield code, (*head, (pk, size, digest))
    if sums:
        for code, *head, value in Tally.objects.filter(where, indicator__in=sums).values_list(
            *fields, "value"
        ):
            yield code, (*head, Decimal(value))
