"""Ages, days, hours and numbers the French way (core/dates.py, the tisser_dates filters)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from tisser.core import clock
from tisser.core.dates import (
    format_ago,
    format_day,
    format_day_month,
    format_hour,
    format_weekday,
)

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2026, 11, 29, 15, 0, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (NOW - datetime.timedelta(seconds=20), "à l'instant"),
        (NOW - datetime.timedelta(minutes=5, seconds=40), "il y a 5 min"),
        (NOW - datetime.timedelta(hours=3, minutes=10), "il y a 3 h"),
        (datetime.datetime(2026, 11, 28, 14, 30, tzinfo=PARIS), "hier à 14 h 30"),
        (datetime.datetime(2026, 11, 28, 9, 0, tzinfo=PARIS), "hier à 9 h"),
        (datetime.datetime(2026, 11, 24, 9, 5, tzinfo=PARIS), "il y a 5 jours"),
        (datetime.datetime(2026, 11, 22, 9, 5, tzinfo=PARIS), "il y a 1 semaine"),
        (datetime.datetime(2026, 11, 8, 9, 5, tzinfo=PARIS), "il y a 3 semaines"),
        (datetime.datetime(2026, 9, 1, 9, 5, tzinfo=PARIS), "le mardi 1er septembre à 9 h 05"),
        (datetime.datetime(2025, 12, 1, 9, 0, tzinfo=PARIS), "le lundi 1er décembre 2025 à 9 h"),
        # A moment still to come is not an age.
        (NOW + datetime.timedelta(days=2), "le mardi 1er décembre à 15 h"),
    ],
)
def test_an_age_reads_as_people_say_it(moment, expected):
    assert format_ago(moment, now=NOW) == expected


def test_just_after_midnight_last_evening_is_yesterday_not_hours_ago():
    now = datetime.datetime(2026, 11, 29, 0, 30, tzinfo=PARIS)
    last_evening = datetime.datetime(2026, 11, 28, 22, 0, tzinfo=PARIS)
    assert format_ago(last_evening, now=now) == "hier à 22 h"


def test_days_and_hours_in_french():
    assert format_day(datetime.date(2026, 12, 1)) == "1er décembre 2026"
    assert format_day(datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC)) == (
        "1er janvier 2027"
    )
    assert format_day_month(datetime.date(2026, 12, 1)) == "1er décembre"
    assert format_weekday(datetime.date(2026, 12, 1)) == "mardi 1er décembre"
    assert format_weekday(datetime.date(2026, 12, 2), year=True) == "mercredi 2 décembre 2026"
    assert format_hour(datetime.time(9, 0)) == "9 h"
    assert format_hour(datetime.time(14, 5)) == "14 h 05"


def test_the_filters_write_days_hours_ages_and_numbers_the_french_way():
    template = Template(
        "{% load tisser_dates %}{{ d|day }}|{{ t|hour }}|{{ m|ago }}|{{ n|number }}|{{ none|day }}"
    )
    with clock.frozen_at(NOW):
        rendered = template.render(
            Context(
                {
                    "d": datetime.date(2026, 3, 1),
                    "t": datetime.time(17, 30),
                    "m": NOW - datetime.timedelta(minutes=2),
                    "n": 12345,
                    "none": None,
                }
            )
        )
    assert rendered == "1er mars 2026|17 h 30|il y a 2 min|12\u202f345|"
