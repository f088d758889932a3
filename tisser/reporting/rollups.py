"""Writing the roll-ups: refresh what is marked stale, rebuild a date range (decision 0055).

CONTRACT (helper ENGINE implements): ``refresh_stale(now=None) -> int`` recomputes every
(site, day, dimension) marked in ``core.StaleFigure`` (then its month, year and the
network rows) and deletes the marks, idempotently; ``rebuild(start, end, network_id=None)
-> int`` recomputes every day of the range.
"""

from __future__ import annotations

import datetime


def refresh_stale(*, now: datetime.datetime | None = None) -> int:
    return 0


def rebuild(start: datetime.date, end: datetime.date, *, network_id: int | None = None) -> int:
    return 0
