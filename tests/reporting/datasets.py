"""Helpers for the SRCA source tests: read a figure from the raw records and from the
roll-ups (rebuilt over the whole data set first) and check both say the same thing."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from tisser.reporting import figures, rollups
from tisser.reporting.figures import Selection

PARIS = ZoneInfo("Europe/Paris")
# Every data set of these tests lives within these days; roll-ups are rebuilt over them.
FIRST_DAY = datetime.date(2025, 1, 1)
LAST_DAY = datetime.date(2026, 12, 31)


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """A Paris moment on ``day``."""
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def values(selection: Selection, codes: Iterable[str]) -> dict:
    """``{code: (value, base)}``, the same from the raw records and from the roll-ups."""
    codes = list(codes)
    raw = figures.compute(selection, codes, source="raw")
    rollups.rebuild(FIRST_DAY, LAST_DAY)
    rolled = figures.compute(selection, codes, source="rollups")
    found = {code: (raw[code].value, raw[code].base) for code in codes}
    assert found == {code: (rolled[code].value, rolled[code].base) for code in codes}
    return found


def value(selection: Selection, code: str):
    return values(selection, [code])[code][0]


def split(selection: Selection, code: str, *, by: str) -> dict:
    """``{split: value}`` (zeros left out), the same from the raw records and the roll-ups."""
    raw = figures.compute_split(selection, [code], by=by, source="raw")[code]
    rollups.rebuild(FIRST_DAY, LAST_DAY)
    rolled = figures.compute_split(selection, [code], by=by, source="rollups")[code]
    found = {key: figure.value for key, figure in raw.items() if figure.value}
    assert found == {key: figure.value for key, figure in rolled.items() if figure.value}
    return found


def month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)
