"""A period cut into the roll-ups' grains: whole years, then whole months, then days.

``cover(start, end)`` returns the fewest (grain, first day) pieces whose union is exactly
the days ``start`` to ``end``: the roll-ups answer any period from a handful of rows.
"""

from __future__ import annotations

import datetime

from tisser.reporting.enums import Grain

Piece = tuple[str, datetime.date]


def month_end(day: datetime.date) -> datetime.date:
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def piece_end(grain: str, first: datetime.date) -> datetime.date:
    if grain == Grain.YEAR:
        return first.replace(month=12, day=31)
    if grain == Grain.MONTH:
        return month_end(first)
    return first


def cover(start: datetime.date, end: datetime.date) -> list[Piece]:
    pieces: list[Piece] = []
    day = start
    while day <= end:
        if day.month == 1 and day.day == 1 and day.replace(month=12, day=31) <= end:
            pieces.append((Grain.YEAR, day))
            day = day.replace(year=day.year + 1)
        elif day.day == 1 and month_end(day) <= end:
            pieces.append((Grain.MONTH, day))
            day = month_end(day) + datetime.timedelta(days=1)
        else:
            pieces.append((Grain.DAY, day))
            day += datetime.timedelta(days=1)
    return pieces
