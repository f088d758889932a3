"""Test data for the dashboards: people helped at a site on a day, roll-ups built after."""

import datetime

from tests.activities.factories import ActivityFactory, ParticipationFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tisser.core.small_counts import is_small
from tisser.reporting import rollups
from tisser.reporting.dashboard_types import Dashboard, Shown
from tisser.reporting.enums import Measure

START = datetime.date(2026, 3, 1)
END = datetime.date(2026, 5, 31)
PERIOD = {"debut": "2026-03-01", "fin": "2026-05-31"}


def helped(site, day, count, *, kind=None):
    """``count`` new people helped at ``site`` on ``day`` (one activity)."""
    activity = ActivityFactory(site=site, date=day, **({"kind": kind} if kind else {}))
    people = [BeneficiaryFactory(site=site) for _ in range(count)]
    for person in people:
        ParticipationFactory(activity=activity, beneficiary=person)
    return people


def rebuild(start=datetime.date(2025, 1, 1), end=datetime.date(2026, 12, 31)):
    rollups.rebuild(start, end)


def every_shown(dashboard: Dashboard):
    for block in dashboard.groups:
        for line in block.lines:
            yield line.current
            if line.previous is not None:
                yield line.previous
    for table in tables(dashboard):
        for row in table.rows:
            yield from (cell for cell in row if isinstance(cell, Shown))


def tables(dashboard: Dashboard):
    found = [chart.table for chart in dashboard.charts]
    if dashboard.per_site is not None:
        found.append(dashboard.per_site)
    return found


def small_counts_shown(dashboard: Dashboard) -> list:
    """Every figure shown that is drawn from 1 to 9 people (an activity count of 2 drawn
    from 16 people may show; a count of 2 people may not)."""
    return [
        shown
        for shown in every_shown(dashboard)
        if not shown.hidden and shown.base is not None and is_small(shown.base)
    ]


def recomputable(dashboard: Dashboard) -> list[str]:
    """Each column of each table whose last row is the total: a hidden value alone in its
    equation could be recomputed from the total and the other parts."""
    problems = []
    for table in tables(dashboard):
        *parts, total = table.rows
        for column in range(1, len(table.header)):
            members = [row[column] for row in parts] + [total[column]]
            hidden = [cell for cell in members if isinstance(cell, Shown) and cell.hidden]
            if len(hidden) == 1:
                problems.append(f"{table.title} / {table.header[column]}")
    return problems


def assert_rows_follow_the_contract(indicators, window, facet_prefix: str) -> None:
    """Every stored indicator's rows over the window: some rows, each with exactly the
    contract's columns (``Indicator.rows``), a date, and a facet of ``facet_prefix``."""
    for item in indicators:
        if item.rows is None:
            continue
        rows = list(item.rows(window))
        measure = "person" if item.measure == Measure.PEOPLE else "amount"
        assert rows, item.code
        for row in rows:
            assert set(row) == {"site_id", "day", "key", "facet", measure}, item.code
            assert isinstance(row["day"], datetime.date), item.code
            assert row["facet"] == "" or row["facet"].startswith(facet_prefix), item.code
