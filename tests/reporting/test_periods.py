"""A period is cut into whole years, whole months and days, exactly."""

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tisser.reporting.enums import Grain
from tisser.reporting.periods import cover, piece_end

D = datetime.date
days = st.dates(min_value=D(2018, 1, 1), max_value=D(2030, 12, 31))


def _days_of(pieces):
    found = []
    for grain, first in pieces:
        day = first
        while day <= piece_end(grain, first):
            found.append(day)
            day += datetime.timedelta(days=1)
    return found


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(days, days)
def test_the_pieces_cover_the_period_exactly_without_overlap(one, other):
    start, end = min(one, other), max(one, other)
    covered = _days_of(cover(start, end))
    expected = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
    # Each day once (no overlap), every day of the period and nothing else.
    assert covered == expected


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(days, days)
def test_whole_months_and_years_are_read_as_one_piece(one, other):
    start, end = min(one, other), max(one, other)
    pieces = cover(start, end)
    # At most two partial months of days, and at most 22 whole months on either side of
    # the years: a period of any length is a handful of rows.
    assert sum(1 for grain, _first in pieces if grain == Grain.DAY) <= 60
    assert sum(1 for grain, _first in pieces if grain == Grain.MONTH) <= 22


def test_a_year_across_two_calendar_years():
    assert cover(D(2025, 12, 30), D(2027, 2, 1)) == [
        (Grain.DAY, D(2025, 12, 30)),
        (Grain.DAY, D(2025, 12, 31)),
        (Grain.YEAR, D(2026, 1, 1)),
        (Grain.MONTH, D(2027, 1, 1)),
        (Grain.DAY, D(2027, 2, 1)),
    ]


def test_february_of_a_leap_year_is_a_whole_month():
    assert cover(D(2028, 2, 1), D(2028, 2, 29)) == [(Grain.MONTH, D(2028, 2, 1))]
