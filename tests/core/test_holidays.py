"""French public holidays computed offline (tisser/core/holidays.py)."""

import datetime

import pytest

from tisser.core.holidays import easter_sunday, holiday_name, public_holidays


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2024, (3, 31)), (2025, (4, 20)), (2026, (4, 5)), (2027, (3, 28)), (2038, (4, 25))],
)
def test_easter_sunday_matches_the_calendar(year, easter):
    assert easter_sunday(year) == datetime.date(year, *easter)


def test_the_eleven_national_days_of_2027():
    days = public_holidays(2027, postal_code="75011")
    assert sorted(days) == [
        datetime.date(2027, 1, 1),
        datetime.date(2027, 3, 29),  # Easter Monday
        datetime.date(2027, 5, 1),
        datetime.date(2027, 5, 6),  # Ascension
        datetime.date(2027, 5, 8),
        datetime.date(2027, 5, 17),  # Whit Monday
        datetime.date(2027, 7, 14),
        datetime.date(2027, 8, 15),
        datetime.date(2027, 11, 1),
        datetime.date(2027, 11, 11),
        datetime.date(2027, 12, 25),
    ]


@pytest.mark.parametrize("postal_code", ["67000", "68100", "57000"])
def test_alsace_moselle_adds_good_friday_and_saint_stephen(postal_code):
    assert holiday_name(datetime.date(2027, 3, 26), postal_code=postal_code) == "Vendredi saint"
    assert holiday_name(datetime.date(2026, 12, 26), postal_code=postal_code) == "Saint-Étienne"
    assert len(public_holidays(2027, postal_code=postal_code)) == 13


@pytest.mark.parametrize("postal_code", ["69001", "13001", "", "06000"])
def test_elsewhere_good_friday_and_26_december_are_working_days(postal_code):
    assert holiday_name(datetime.date(2027, 3, 26), postal_code=postal_code) is None
    assert holiday_name(datetime.date(2026, 12, 26), postal_code=postal_code) is None
    assert holiday_name(datetime.date(2026, 7, 14), postal_code=postal_code) == "Fête nationale"
