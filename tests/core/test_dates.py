"""French dates for people (tisser/core/dates.py): the year only when it is not this year."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone

from tisser.core.dates import format_when

PARIS = ZoneInfo("Europe/Paris")
TODAY = datetime.date(2026, 11, 29)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime.datetime(2027, 1, 5, 14, 30, tzinfo=PARIS), "mardi 5 janvier 2027 à 14 h 30"),
        (datetime.datetime(2026, 12, 1, 9, 0, tzinfo=PARIS), "mardi 1er décembre à 9 h"),
        (
            datetime.datetime(2025, 12, 31, 18, 5, tzinfo=PARIS),
            "mercredi 31 décembre 2025 à 18 h 05",
        ),
        # 23:30 UTC on 31 December is already next year in Paris.
        (
            datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC),
            "vendredi 1er janvier 2027 à 0 h 30",
        ),
    ],
)
def test_the_year_is_written_only_when_it_is_not_the_current_one(moment, expected):
    assert format_when(moment, today=TODAY) == expected


def test_the_template_filter_uses_the_same_helper():
    moment = datetime.datetime(timezone.localdate().year + 1, 1, 5, 14, 30, tzinfo=PARIS)
    rendered = Template("{% load tisser_dates %}le {{ moment|when }}").render(
        Context({"moment": moment})
    )
    assert rendered == f"le {format_when(moment)}"
    assert str(moment.year) in rendered


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.date(2026, 11, 29), "29 novembre 2026"),
        (datetime.date(2026, 12, 1), "1er décembre 2026"),
        (datetime.datetime(2026, 8, 14, 23, 30, tzinfo=datetime.UTC), "15 août 2026"),
    ],
)
def test_format_day_writes_the_day_in_french(value, expected):
    from tisser.core.dates import format_day

    assert format_day(value) == expected
