"""The public figures page's snapshot: the network's headline figures and its cities, read
from the roll-ups once a day (decision 0055, « Public figures »).

Aggregates only. The snapshot stores what the page shows and nothing else: a figure drawn
from 1 to 9 people is stored as hidden (its value is not kept), and the per-city table with
its total goes through complementary suppression (``core.small_counts.suppress``), so no
hidden city can be recomputed from the total and the other cities. The headline « this
year » and « since the start » are that table's totals, hidden with them.

Figures from before Tisser (``HistoricFigure``, people helped) are added to « since the
start », city by city and in total, and said so (« dont N déclarés avant Tisser ») with
their sources. They are declared totals, not distinct people: a person helped before and
after Tisser's arrival may be in both.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from tisser.accounts.enums import OrganisationKind
from tisser.accounts.models import Organisation, Site
from tisser.activities.models import Activity
from tisser.core import clock
from tisser.core.small_counts import Equation, is_small, suppress
from tisser.reporting import catalogue
from tisser.reporting.figures import Figure, Selection, compute
from tisser.reporting.models import HistoricFigure, PublicSnapshot

PEOPLE_HELPED = "people_helped"
PEOPLE_OFFERS = "people_offers"
SATISFACTION = "satisfaction_rate"
TOTAL = "__total__"
YEAR, SINCE, HISTORIC = "year", "since", "historic"
# Bumped when the snapshot's layout changes (the page refuses an older layout).
LAYOUT = 1


def _cell(value, *, hidden: bool) -> dict:
    """A stored cell: its value only when it may be shown."""
    return {"value": None if hidden else value, "hidden": hidden}


def _rate_cell(figure: Figure | None) -> dict | None:
    if figure is None or not figure.applicable:
        return None
    hidden = is_small(figure.base)
    value = None if figure.value is None else str(Decimal(figure.value))
    return _cell(value, hidden=hidden)


def _since_cell(tisser_cell: dict, historic_cell: dict) -> dict:
    """« Since the start »: Tisser's figure plus the declared one, each part kept so that the
    page can say « dont N déclarés avant Tisser » (or show a hidden part as hidden)."""
    combined = None
    if not tisser_cell["hidden"] and not historic_cell["hidden"]:
        combined = (tisser_cell["value"] or 0) + (historic_cell["value"] or 0)
    return {"value": combined, "tisser": tisser_cell, "historic": historic_cell}


def first_day(network_id: int, today: datetime.date) -> datetime.date:
    """The first day of the network's records (its first activity), today when none yet."""
    found = Activity.objects.filter(site__network_id=network_id).aggregate(first=Min("date"))
    return min(found["first"] or today, today)


def snapshot(network: Organisation, *, today: datetime.date | None = None) -> dict:
    """The public figures of ``network`` as a JSON-ready dict (see the module's docstring)."""
    today = today or clock.localdate()
    start_of_year = today.replace(month=1, day=1)
    start = first_day(network.pk, today)
    known = catalogue.catalogue()

    sites = list(Site.objects.filter(network_id=network.pk).values_list("pk", "city"))
    cities: dict[str, set[int]] = defaultdict(set)
    for site_id, city in sites:
        cities[city.strip()].add(site_id)
    city_names = sorted(cities, key=lambda name: (name.casefold(), name))
    site_city = {site_id: city.strip() for site_id, city in sites}

    def people(first: datetime.date, site_ids: frozenset[int] | None) -> int:
        selection = Selection(network_id=network.pk, start=first, end=today, site_ids=site_ids)
        return int(compute(selection, [PEOPLE_HELPED])[PEOPLE_HELPED].value or 0)

    values: dict[tuple[str, str], int] = {}
    for name in city_names:
        ids = frozenset(cities[name])
        values[(YEAR, name)] = people(max(start, start_of_year), ids)
        values[(SINCE, name)] = people(start, ids)
    values[(YEAR, TOTAL)] = people(max(start, start_of_year), None)
    values[(SINCE, TOTAL)] = people(start, None)

    historic = HistoricFigure.objects.filter(
        site__network_id=network.pk, indicator=PEOPLE_HELPED
    ).values_list("site_id", "value", "source", "year")
    historic_by_city: dict[str, int] = defaultdict(int)
    sources: dict[str, None] = {}
    years: set[int] = set()
    for site_id, value, source, year in historic.order_by("year", "source"):
        historic_by_city[site_city[site_id]] += value
        sources.setdefault(source.strip(), None)
        years.add(year)
    for name in city_names:
        values[(HISTORIC, name)] = historic_by_city[name]
    values[(HISTORIC, TOTAL)] = sum(historic_by_city.values())

    equations = [
        Equation((column, TOTAL), [(column, name) for name in city_names])
        for column in (YEAR, SINCE, HISTORIC)
    ]
    hidden = suppress(values, equations)

    def cell(column: str, name: str) -> dict:
        return _cell(values[(column, name)], hidden=(column, name) in hidden)

    rows = [
        {
            "city": name,
            "year": cell(YEAR, name),
            "since": _since_cell(cell(SINCE, name), cell(HISTORIC, name)),
        }
        for name in city_names
    ]
    total = {
        "year": cell(YEAR, TOTAL),
        "since": _since_cell(cell(SINCE, TOTAL), cell(HISTORIC, TOTAL)),
    }

    headline: dict = {"people_helped_year": total["year"], "people_helped_since": total["since"]}
    year_selection = Selection(network_id=network.pk, start=max(start, start_of_year), end=today)
    others = [code for code in (PEOPLE_OFFERS, SATISFACTION) if code in known]
    found = compute(year_selection, others) if others else {}
    if PEOPLE_OFFERS in found:
        offers = found[PEOPLE_OFFERS]
        headline["people_offers_year"] = _cell(int(offers.value or 0), hidden=is_small(offers.base))
    if SATISFACTION in found:
        headline["satisfaction_rate_year"] = _rate_cell(found[SATISFACTION])

    return {
        "layout": LAYOUT,
        "network": network.name,
        "computed_on": today.isoformat(),
        "year": today.year,
        "first_day": start.isoformat(),
        "headline": headline,
        "cities": rows,
        "total": total,
        "historic": {
            "sources": list(sources),
            "first_year": min(years) if years else None,
            "last_year": max(years) if years else None,
        },
    }


def networks():
    return Organisation.objects.filter(kind=OrganisationKind.NETWORK, is_active=True).order_by("pk")


def refresh_network(network: Organisation, *, now: datetime.datetime | None = None):
    """Compute and store one network's snapshot (older snapshots are kept, the page reads
    the latest)."""
    now = now or clock.now()
    figures = snapshot(network, today=timezone.localdate(now))
    with transaction.atomic():
        return PublicSnapshot.objects.create(network=network, computed_at=now, figures=figures)


def refresh_public_snapshot(now: datetime.datetime | None = None) -> int:
    """Store a snapshot for every active network; how many were written."""
    count = 0
    for network in networks():
        refresh_network(network, now=now)
        count += 1
    return count


def latest(network: Organisation) -> PublicSnapshot | None:
    return (
        PublicSnapshot.objects.filter(network=network, figures__layout=LAYOUT)
        .order_by("-computed_at", "-pk")
        .first()
    )
