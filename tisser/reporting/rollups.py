"""Writing the roll-ups: refresh what is marked stale, rebuild a date range (decision 0055).

The roll-ups hold, for each stored indicator, the grouped rows of its reference
implementation (``Indicator.rows``):

- one piece per site × day, then per site × month and site × year (the union of the day
  pieces, or their sum), then the same three grains for the whole network (``site`` null:
  the union or sum of the network's site pieces);
- inside a piece, one row per (key, facet) the records have, plus the totals: key ``""``
  and facet ``""`` stand for « every key » and « every facet ». An indicator without
  breakdown keys (``keys`` is None) stores the totals only; one with keys stores a
  record without a key under :data:`NO_KEY`, so that it never mixes with the total.

``refresh_stale`` claims the ``core.StaleFigure`` marks and recomputes the marked
(site, day, dimension) pieces, then their month, year and network pieces. ``rebuild``
recomputes every day of a range for every site, one query per indicator per month of
days. Both delete then insert, in one transaction per batch: running them twice writes the
same rows. A group with no record writes no row.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.db import OperationalError, connection, transaction
from django.db.models import Max, Min, Q, QuerySet, Sum
from pyroaring import BitMap

from tisser.accounts.models import Site
from tisser.core import stale_figures
from tisser.core.models import StaleFigure
from tisser.reporting import catalogue, people_sets
from tisser.reporting.enums import Grain, Measure
from tisser.reporting.indicators import Indicator, Window
from tisser.reporting.models import PeopleSet, Tally
from tisser.reporting.periods import month_end

logger = logging.getLogger(__name__)

TOTAL = ""  # the key or facet of a total (every key, every facet)
NO_KEY = "~"  # a record without a key, for an indicator that has breakdown keys
# Marks claimed per batch, and batches per run (what arrives meanwhile waits for the next).
CLAIM_BATCH = 2000
MAX_BATCHES = 50
# How long the claim waits for the writers that are inserting marks (PostgreSQL).
CLAIM_LOCK_TIMEOUT = "5s"
# The span ``span`` looks for records in.
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)

Value = BitMap | Decimal  # a set of people or a sum
Group = tuple[str, str]  # (key, facet)
# (network id, site id or None for the whole network, grain, first day, indicator, key, facet)
RowKey = tuple[int, int | None, str, datetime.date, str, str, str]
SiteDay = tuple[int, datetime.date]


# --- the public API ---------------------------------------------------------------------------


def refresh_stale(*, now: datetime.datetime | None = None) -> int:
    """Recompute every (site, day, dimension) marked stale; return the pieces written.

    ``now`` is the moment of the run (the scheduler's); every mark present is claimed.
    """
    written = 0
    for _batch in range(MAX_BATCHES):
        try:
            marks = _claim(StaleFigure.objects.all())
        except OperationalError:
            # The writers kept the marks' table longer than the claim waits: next run.
            logger.warning("Figures refresh: the stale marks are busy, left to the next run.")
            break
        if not marks:
            break
        try:
            written += _refresh(marks)
        except BaseException:
            _mark_again(marks)
            raise
    return written


def rebuild(start: datetime.date, end: datetime.date, *, network_id: int | None = None) -> int:
    """Recompute every day of ``start``–``end`` for every site (of one network, or of all),
    then their months, years and network pieces; return the pieces written."""
    if start > end:
        raise ValueError("The rebuild's start is after its end.")
    site_network = _site_networks(network_id=network_id)
    if not site_network:
        return 0
    # The marks inside the range are done by the rebuild (claimed before reading records).
    marks = _claim(
        StaleFigure.objects.filter(site_id__in=sorted(site_network), day__gte=start, day__lte=end)
    )
    items = catalogue.stored()
    sites = None if network_id is None else frozenset(site_network)
    spans = _spans(items, Window(start, end, sites))
    written = 0
    try:
        for first, last in _month_chunks(start, end):
            # An indicator without a record in a whole month only has its old pieces
            # cleared; a month cut by the range's ends is recomputed (its other days count).
            whole_month = first.day == 1 and last == month_end(first)
            active = [
                item
                for item in items
                if not whole_month or _meets(spans.get(item.code), first, last)
            ]
            with _writing():
                written += _rebuild_days(items, active, Window(first, last, sites), site_network)
                months = {(site, first.replace(day=1)) for site in site_network}
                written += _roll_up(active, Grain.MONTH, months, site_network, clear=items)
                written += _network_pieces(
                    active,
                    _network_periods(site_network, _days(first, last), months=months),
                    clear=items,
                )
        with _writing():
            years = {
                (site, datetime.date(year, 1, 1))
                for site in site_network
                for year in range(start.year, end.year + 1)
            }
            whole_years = (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
            active = [item for item in items if not whole_years or item.code in spans]
            written += _roll_up(active, Grain.YEAR, years, site_network, clear=items)
            written += _network_pieces(
                active, _network_periods(site_network, set(), years=years), clear=items
            )
    except BaseException:
        _mark_again(marks)
        raise
    _refresh_statistics()
    return written


def _refresh_statistics() -> None:
    """A rebuild rewrites the roll-up tables; until autovacuum gets to them, PostgreSQL's
    planner would read them with the statistics of the rows that were there before (or none
    at all), and scan where it should probe."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {PeopleSet._meta.db_table}, {Tally._meta.db_table}")


def span(*, network_id: int | None = None) -> tuple[datetime.date, datetime.date] | None:
    """The first and last day any stored indicator has a record on (None: no record)."""
    sites = None if network_id is None else frozenset(_site_networks(network_id=network_id))
    spans = _spans(catalogue.stored(), Window(EARLIEST, LATEST, sites)).values()
    if not spans:
        return None
    return min(first for first, _last in spans), max(last for _first, last in spans)


def rebuild_all(*, network_id: int | None = None) -> int:
    """Rebuild every day that has a record (the demo's seeding, a first install)."""
    found = span(network_id=network_id)
    if found is None:
        return 0
    return rebuild(*found, network_id=network_id)


# --- claiming the marks -------------------------------------------------------------------


def _claim(marks: QuerySet[StaleFigure]) -> list[tuple[int, datetime.date, str]]:
    """Take up to a batch of marks: read them and delete them by pk, in one transaction.

    On PostgreSQL the transaction first locks the marks' table against inserts (SHARE ROW
    EXCLUSIVE), which waits for every transaction that is inserting a mark to end. A writer
    whose mark met an existing one (``ignore_conflicts``: its insert did nothing) has then
    committed its records, so the recomputation that follows the claim reads them; a writer
    that marks after the claim inserts a new row, which the next run takes. On SQLite the
    transaction is IMMEDIATE: writers are already serialised.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            table = connection.ops.quote_name(StaleFigure._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = '{CLAIM_LOCK_TIMEOUT}'")
                cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        found = list(
            marks.order_by("pk").values_list("pk", "site_id", "day", "dimension")[:CLAIM_BATCH]
        )
        pks = [row[0] for row in found]
        for at in range(0, len(pks), 500):
            StaleFigure.objects.filter(pk__in=pks[at : at + 500]).delete()
    return [(site, day, dimension) for _pk, site, day, dimension in found]


def _mark_again(marks: list[tuple[int, datetime.date, str]]) -> None:
    """Put back the marks of a recomputation that failed (the next run retries them)."""
    StaleFigure.objects.bulk_create(
        [StaleFigure(site_id=site, day=day, dimension=dimension) for site, day, dimension in marks],
        ignore_conflicts=True,
    )


# --- refreshing marked pieces -------------------------------------------------------------


def _refresh(marks: list[tuple[int, datetime.date, str]]) -> int:
    site_network = _site_networks(site_ids={site for site, _day, _dimension in marks})
    by_dimension: dict[str, set[SiteDay]] = defaultdict(set)
    for site, day, dimension in marks:
        if site in site_network:  # a site deleted since: nothing to recompute
            by_dimension[dimension].add((site, day))
    written = 0
    for dimension, site_days in sorted(by_dimension.items()):
        items = _recomputed(dimension)
        if not items:
            continue
        with _writing():
            written += _refresh_days(items, site_days, site_network)
            months = {(site, day.replace(day=1)) for site, day in site_days}
            years = {(site, day.replace(month=1, day=1)) for site, day in site_days}
            written += _roll_up(items, Grain.MONTH, months, site_network)
            written += _roll_up(items, Grain.YEAR, years, site_network)
            days = {(site_network[site], str(Grain.DAY), day) for site, day in site_days}
            written += _network_pieces(
                items, days | _network_periods(site_network, set(), months=months, years=years)
            )
    return written


def _recomputed(dimension: str) -> list[Indicator]:
    """The indicators a mark of ``dimension`` recomputes. A merge or an anonymisation
    (``PEOPLE``) changes which file a record counts for: every people indicator follows."""
    items = catalogue.of_dimension(dimension)
    if dimension == stale_figures.PEOPLE:
        items += [
            item
            for item in catalogue.stored()
            if item.measure == Measure.PEOPLE and item not in items
        ]
    return items


def _refresh_days(
    items: list[Indicator], site_days: set[SiteDay], site_network: dict[int, int]
) -> int:
    """Recompute the day pieces of the marked (site, day) pairs: one query per indicator per
    run of consecutive days marked at the same sites."""
    codes = [item.code for item in items]
    _delete(_where(Grain.DAY, site_days) & Q(indicator__in=codes))
    written = 0
    # Written indicator by indicator: only one indicator's bitmaps are in memory at a time.
    for item in items:
        for window in _windows(site_days):
            written += _insert(_day_pieces(item, window, site_network))
    return written


def _windows(site_days: set[SiteDay]) -> list[Window]:
    """Runs of consecutive days marked at the same sites, as windows."""
    by_day: dict[datetime.date, set[int]] = defaultdict(set)
    for site, day in site_days:
        by_day[day].add(site)
    found: list[Window] = []
    for day in sorted(by_day):
        sites = frozenset(by_day[day])
        last = found[-1] if found else None
        if last and last.site_ids == sites and last.end + datetime.timedelta(days=1) == day:
            found[-1] = Window(last.start, day, sites)
        else:
            found.append(Window(day, day, sites))
    return found


# --- rebuilding a range -----------------------------------------------------------------


def _rebuild_days(
    items: list[Indicator], active: list[Indicator], window: Window, site_network: dict[int, int]
) -> int:
    """Clear the day pieces of ``items`` in the window, and write those of the ``active``
    ones (the others have no record then)."""
    _delete(
        Q(
            grain=Grain.DAY,
            period_start__gte=window.start,
            period_start__lte=window.end,
            site_id__in=sorted(site_network),
            indicator__in=[item.code for item in items],
        )
    )
    return sum(_insert(_day_pieces(item, window, site_network)) for item in active)


def _spans(
    items: list[Indicator], window: Window
) -> dict[str, tuple[datetime.date, datetime.date]]:
    """The first and last day each indicator has a record on in the window (one query per
    indicator): a rebuild skips the months where an indicator has nothing."""
    found = {}
    for item in items:
        assert item.rows is not None
        bounds = item.rows(window).order_by().aggregate(first=Min("day"), last=Max("day"))
        if bounds["first"] is not None:
            found[item.code] = (_day(bounds["first"]), _day(bounds["last"]))
    return found


def _meets(
    span_: tuple[datetime.date, datetime.date] | None, first: datetime.date, last: datetime.date
) -> bool:
    return span_ is not None and span_[0] <= last and first <= span_[1]


def _month_chunks(
    start: datetime.date, end: datetime.date
) -> Iterator[tuple[datetime.date, datetime.date]]:
    first = start
    while first <= end:
        last = min(month_end(first), end)
        yield first, last
        first = last + datetime.timedelta(days=1)


def _days(first: datetime.date, last: datetime.date) -> set[datetime.date]:
    return {first + datetime.timedelta(days=n) for n in range((last - first).days + 1)}


# --- day pieces from the records ----------------------------------------------------------


def _groups(key: str, facet: str, keyed: bool) -> list[Group]:
    """The rows a record counts in: the total, its facet's, its key's, its key and facet's."""
    found = [(TOTAL, TOTAL)]
    if facet:
        found.append((TOTAL, facet))
    if keyed:
        stored_key = key or NO_KEY
        found.append((stored_key, TOTAL))
        if facet:
            found.append((stored_key, facet))
    return found


def _day_pieces(
    item: Indicator, window: Window, site_network: dict[int, int]
) -> dict[RowKey, Value]:
    """The indicator's day pieces over the window, from its reference implementation: one
    query, grouped in Python by site, day, key and facet."""
    assert item.rows is not None
    rows = item.rows(window).order_by()
    keyed = item.keys is not None
    found: dict[RowKey, Value] = {}
    if item.measure == Measure.PEOPLE:
        people: dict[RowKey, list[int]] = defaultdict(list)
        for site, day, key, facet, person in (
            rows.values_list("site_id", "day", "key", "facet", "person").distinct().iterator()
        ):
            if person is None or site not in site_network:
                continue
            for group_key, group_facet in _groups(key or "", facet or "", keyed):
                people[
                    (
                        site_network[site],
                        site,
                        Grain.DAY,
                        _day(day),
                        item.code,
                        group_key,
                        group_facet,
                    )
                ].append(person)
        for row_key, ids in people.items():
            found[row_key] = people_sets.from_ids(ids)
        return found
    totals = rows.values("site_id", "day", "key", "facet").annotate(total=Sum("amount"))
    sums: dict[RowKey, Decimal] = defaultdict(Decimal)
    for site, day, key, facet, total in totals.values_list(
        "site_id", "day", "key", "facet", "total"
    ):
        if site not in site_network:
            continue
        for group_key, group_facet in _groups(key or "", facet or "", keyed):
            sums[
                (site_network[site], site, Grain.DAY, _day(day), item.code, group_key, group_facet)
            ] += Decimal(total or 0)
    found.update(sums)
    return found


# --- months, years and the network, from the finer pieces ------------------------------


def _roll_up(
    items: list[Indicator],
    grain: str,
    targets: set[SiteDay],
    site_network: dict[int, int],
    *,
    clear: list[Indicator] | None = None,
) -> int:
    """Recompute the month (or year) pieces ``targets`` (site, first day) from the day (or
    month) pieces inside them (those of ``clear`` are deleted first: ``items`` by default)."""
    if not targets:
        return 0
    finer = Grain.DAY if grain == Grain.MONTH else Grain.MONTH
    sources = _where(
        finer, {(site, sub) for site, first in targets for sub in _inside(grain, first)}
    )
    _delete(_where(grain, targets) & Q(indicator__in=[item.code for item in clear or items]))
    written = 0
    for item in items:  # one indicator's bitmaps in memory at a time
        pieces: dict[RowKey, Value] = {}
        for network, site, _grain, period, code, key, facet, value in _load(sources, [item.code]):
            assert site is not None
            first = (
                period.replace(day=1) if grain == Grain.MONTH else period.replace(month=1, day=1)
            )
            _add(pieces, (network, site, grain, first, code, key, facet), value)
        written += _insert(pieces)
    return written


def _inside(grain: str, first: datetime.date) -> list[datetime.date]:
    if grain == Grain.MONTH:
        return sorted(_days(first, month_end(first)))
    return [first.replace(month=month) for month in range(1, 13)]


def _network_periods(
    site_network: dict[int, int],
    days: set[datetime.date],
    months: Iterable[SiteDay] = (),
    years: Iterable[SiteDay] = (),
) -> set[tuple[int, str, datetime.date]]:
    """The (network, grain, first day) whose network pieces follow from these site pieces."""
    networks = set(site_network.values())
    found = {(network, str(Grain.DAY), day) for network in networks for day in days}
    found |= {(site_network[site], str(Grain.MONTH), first) for site, first in months}
    found |= {(site_network[site], str(Grain.YEAR), first) for site, first in years}
    return found


def _network_pieces(
    items: list[Indicator],
    periods: set[tuple[int, str, datetime.date]],
    *,
    clear: list[Indicator] | None = None,
) -> int:
    """Recompute the network pieces (site null) of ``periods`` from their sites' pieces
    (those of ``clear`` are deleted first: ``items`` by default)."""
    if not periods:
        return 0
    codes = [item.code for item in items]
    by_grain: dict[tuple[int, str], set[datetime.date]] = defaultdict(set)
    for network, grain, first in periods:
        by_grain[(network, grain)].add(first)
    sites_q = Q(pk__in=[])
    network_q = Q(pk__in=[])
    for (network, grain), firsts in by_grain.items():
        where = Q(network_id=network, grain=grain, period_start__in=sorted(firsts))
        sites_q |= where & Q(site__isnull=False)
        network_q |= where & Q(site__isnull=True)
    _delete(network_q & Q(indicator__in=[item.code for item in clear or items]))
    written = 0
    for code in codes:  # one indicator's bitmaps in memory at a time
        pieces: dict[RowKey, Value] = {}
        for network, _site, grain, period, _code, key, facet, value in _load(sites_q, [code]):
            _add(pieces, (network, None, grain, period, code, key, facet), value)
        written += _insert(pieces)
    return written


# --- reading and writing rows ---------------------------------------------------------------


def _where(grain: str, site_periods: Iterable[SiteDay]) -> Q:
    """Site rows of ``grain`` at these (site, first day) pairs, in few clauses."""
    by_period: dict[datetime.date, set[int]] = defaultdict(set)
    for site, period in site_periods:
        by_period[period].add(site)
    by_sites: dict[frozenset[int], list[datetime.date]] = defaultdict(list)
    for period, at in by_period.items():
        by_sites[frozenset(at)].append(period)
    found = Q(pk__in=[])
    for sites, periods in by_sites.items():
        found |= Q(grain=grain, site_id__in=sorted(sites), period_start__in=sorted(periods))
    return found


def _people_codes(codes: Iterable[str]) -> tuple[list[str], list[str]]:
    people: list[str] = []
    sums: list[str] = []
    for code in codes:
        (people if catalogue.indicator(code).measure == Measure.PEOPLE else sums).append(code)
    return people, sums


def _load(where: Q, codes: list[str]) -> Iterator[tuple]:
    """(network, site, grain, first day, indicator, key, facet, value) of the rows matching
    ``where``: bitmaps for people indicators, sums for the others."""
    people, sums = _people_codes(codes)
    fields = ("network_id", "site_id", "grain", "period_start", "indicator", "key", "facet")
    if people:
        for *head, blob in (
            PeopleSet.objects.filter(where, indicator__in=people)
            .values_list(*fields, "members")
            .iterator(chunk_size=200)
        ):
            yield (*head, people_sets.decode(blob))
    if sums:
        for *head, value in (
            Tally.objects.filter(where, indicator__in=sums)
            .values_list(*fields, "value")
            .iterator(chunk_size=2000)
        ):
            yield (*head, Decimal(value))


def _add(pieces: dict[RowKey, Value], row_key: RowKey, value: Value) -> None:
    known = pieces.get(row_key)
    if known is None:
        pieces[row_key] = value
    elif isinstance(known, Decimal) and isinstance(value, Decimal):
        pieces[row_key] = known + value
    elif isinstance(known, BitMap) and isinstance(value, BitMap):
        known |= value  # the pieces' sets are this run's own: merged in place
    else:
        raise TypeError(f"A set and a sum meet in one piece: {row_key}")


def _delete(where: Q) -> None:
    PeopleSet.objects.filter(where).delete()
    Tally.objects.filter(where).delete()


def _insert(pieces: dict[RowKey, Value]) -> int:
    people: list[PeopleSet] = []
    tallies: list[Tally] = []
    for (network, site, grain, first, code, key, facet), value in pieces.items():
        common = {
            "network_id": network,
            "site_id": site,
            "grain": grain,
            "period_start": first,
            "indicator": code,
            "key": key,
            "facet": facet,
        }
        if isinstance(value, Decimal):
            tallies.append(Tally(value=value, **common))
        elif value:
            blob = people_sets.encode(value)
            people.append(
                PeopleSet(
                    members=blob,
                    size=people_sets.size(value),
                    digest=people_sets.digest(blob),
                    **common,
                )
            )
    PeopleSet.objects.bulk_create(people, batch_size=500)
    Tally.objects.bulk_create(tallies, batch_size=1000)
    return len(people) + len(tallies)


@contextmanager
def _writing() -> Iterator[None]:
    """One transaction per batch of pieces, serialised with any other roll-up writer (two
    runs recomputing the same month or network piece would insert it twice)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext('tisser.reporting.rollups'))")
        yield


# --- small helpers ----------------------------------------------------------------------------


def _site_networks(
    *, network_id: int | None = None, site_ids: Iterable[int] | None = None
) -> dict[int, int]:
    sites = Site.objects.all()
    if network_id is not None:
        sites = sites.filter(network_id=network_id)
    if site_ids is not None:
        sites = sites.filter(pk__in=sorted(site_ids))
    return {site: network for site, network in sites.values_list("pk", "network_id") if network}


def _day(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    return value
