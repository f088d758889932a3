"""The cohort's calendar as pure functions: weekdays, holidays (Alsace-Moselle too),
closures, sessions that end after midnight, long plans, and moving a session."""

import datetime

import pytest
from django.utils import timezone

from tisser.core.errors import DomainError
from tisser.training.schedule import (
    Busy,
    ClosedDays,
    at,
    check_move,
    closed_reason,
    generate,
)

STRASBOURG = "67000"
PARIS = "75011"
NINE = datetime.time(9, 0)


def days_of(slots):
    return [timezone.localtime(slot.starts_at).date() for slot in slots]


def test_one_session_per_plan_session_on_the_weekdays_in_order():
    # Monday 2 March 2026, Mondays and Wednesdays.
    slots = generate(
        durations=[240, 180, 120],
        starts_on=datetime.date(2026, 3, 2),
        weekdays=[0, 2],
        start_time=NINE,
        postal_code=PARIS,
    )
    assert days_of(slots) == [
        datetime.date(2026, 3, 2),
        datetime.date(2026, 3, 4),
        datetime.date(2026, 3, 9),
    ]
    assert [slot.position for slot in slots] == [1, 2, 3]
    first = timezone.localtime(slots[0].starts_at)
    assert (first.hour, first.minute) == (9, 0)
    assert [(s.ends_at - s.starts_at).total_seconds() // 60 for s in slots] == [240, 180, 120]


def test_the_first_day_counts_only_when_it_is_one_of_the_weekdays():
    # Tuesday 3 March 2026; sessions on Mondays: the first is Monday 9 March.
    slots = generate(
        durations=[60],
        starts_on=datetime.date(2026, 3, 3),
        weekdays=[0],
        start_time=NINE,
        postal_code=PARIS,
    )
    assert days_of(slots) == [datetime.date(2026, 3, 9)]


def test_easter_monday_and_ascension_are_skipped():
    # Mondays from 30 March 2026: 6 April is Easter Monday.
    slots = generate(
        durations=[60, 60],
        starts_on=datetime.date(2026, 3, 30),
        weekdays=[0],
        start_time=NINE,
        postal_code=PARIS,
    )
    assert days_of(slots) == [datetime.date(2026, 3, 30), datetime.date(2026, 4, 13)]
    # Thursdays from 7 May 2026: 14 May is Ascension.
    slots = generate(
        durations=[60, 60],
        starts_on=datetime.date(2026, 5, 7),
        weekdays=[3],
        start_time=NINE,
        postal_code=PARIS,
    )
    assert days_of(slots) == [datetime.date(2026, 5, 7), datetime.date(2026, 5, 21)]


def test_good_friday_is_a_holiday_in_alsace_moselle_only():
    # Fridays from 27 March 2026: 3 April 2026 is Good Friday.
    kwargs = {
        "durations": [60, 60],
        "starts_on": datetime.date(2026, 3, 27),
        "weekdays": [4],
        "start_time": NINE,
    }
    assert days_of(generate(postal_code=PARIS, **kwargs))[1] == datetime.date(2026, 4, 3)
    assert days_of(generate(postal_code=STRASBOURG, **kwargs))[1] == datetime.date(2026, 4, 10)
    assert days_of(generate(postal_code="57000", **kwargs))[1] == datetime.date(2026, 4, 10)


def test_saint_stephen_is_skipped_in_alsace_moselle():
    # Saturday 26 December 2026.
    kwargs = {
        "durations": [60],
        "starts_on": datetime.date(2026, 12, 26),
        "weekdays": [5],
        "start_time": NINE,
    }
    assert days_of(generate(postal_code=PARIS, **kwargs)) == [datetime.date(2026, 12, 26)]
    assert days_of(generate(postal_code="68100", **kwargs)) == [datetime.date(2027, 1, 2)]


def test_closures_of_the_site_are_skipped_whole_days():
    closures = [ClosedDays(datetime.date(2026, 3, 4), datetime.date(2026, 3, 10), "Travaux")]
    slots = generate(
        durations=[60, 60, 60],
        starts_on=datetime.date(2026, 3, 2),
        weekdays=[0, 2],
        start_time=NINE,
        postal_code=PARIS,
        closures=closures,
    )
    assert days_of(slots) == [
        datetime.date(2026, 3, 2),
        datetime.date(2026, 3, 11),
        datetime.date(2026, 3, 16),
    ]


def test_a_plan_longer_than_the_weeks_runs_on_until_it_is_done():
    # Thirty-two sessions of one hour, once a week from May to December.
    slots = generate(
        durations=[60] * 32,
        starts_on=datetime.date(2026, 5, 4),
        weekdays=[0],
        start_time=NINE,
        postal_code=PARIS,
    )
    days = days_of(slots)
    assert len(days) == 32
    assert all(day.weekday() == 0 for day in days)
    assert days == sorted(set(days))
    # Pentecost Monday (25 May 2026) is skipped: the last session is a week later.
    assert datetime.date(2026, 5, 25) not in days
    assert all(closed_reason(day, postal_code=PARIS, closures=()) is None for day in days)
    assert days[-1] == datetime.date(2026, 12, 14)


def test_a_plan_that_never_fits_is_refused_in_french():
    closures = [ClosedDays(datetime.date(2026, 1, 1), datetime.date(2030, 1, 1), "Travaux")]
    with pytest.raises(DomainError, match="ne tiennent pas en deux ans"):
        generate(
            durations=[60],
            starts_on=datetime.date(2026, 3, 2),
            weekdays=[0],
            start_time=NINE,
            postal_code=PARIS,
            closures=closures,
        )


@pytest.mark.parametrize("weekdays", [[], [7], [-1]])
def test_weekdays_must_be_days_of_the_week(weekdays):
    with pytest.raises(DomainError, match="au moins un jour"):
        generate(
            durations=[60],
            starts_on=datetime.date(2026, 3, 2),
            weekdays=weekdays,
            start_time=NINE,
            postal_code=PARIS,
        )


def test_a_session_that_would_end_after_midnight_is_refused():
    with pytest.raises(DomainError, match="après minuit"):
        generate(
            durations=[60, 300],
            starts_on=datetime.date(2026, 3, 2),
            weekdays=[0],
            start_time=datetime.time(20, 0),
            postal_code=PARIS,
        )


def test_an_empty_plan_is_refused():
    with pytest.raises(DomainError, match="aucune séance"):
        generate(
            durations=[],
            starts_on=datetime.date(2026, 3, 2),
            weekdays=[0],
            start_time=NINE,
            postal_code=PARIS,
        )


# --- moving a session -------------------------------------------------------------------------

TODAY = datetime.date(2026, 3, 1)


def move(new_start, **overrides):
    kwargs = {
        "new_start": new_start,
        "minutes": 120,
        "postal_code": STRASBOURG,
        "closures": (),
        "busy": (),
        "after": None,
        "before": None,
        "today": TODAY,
    }
    kwargs.update(overrides)
    return check_move(**kwargs)


def test_a_move_keeps_the_duration():
    start = at(datetime.date(2026, 3, 5), datetime.time(14, 0))
    assert move(start) == start + datetime.timedelta(minutes=120)


def test_a_move_to_a_public_holiday_is_refused_with_its_name():
    with pytest.raises(DomainError, match="Vendredi saint"):
        move(at(datetime.date(2026, 4, 3), NINE))
    # Not a holiday outside Alsace-Moselle.
    assert move(at(datetime.date(2026, 4, 3), NINE), postal_code=PARIS)


def test_a_move_into_a_closure_is_refused_with_its_reason():
    closures = [ClosedDays(datetime.date(2026, 3, 4), datetime.date(2026, 3, 6), "Travaux")]
    with pytest.raises(DomainError, match="fermé le 5 mars 2026 \\(Travaux\\)"):
        move(at(datetime.date(2026, 3, 5), NINE), closures=closures)


def test_a_move_onto_another_session_is_refused():
    other = Busy(
        at(datetime.date(2026, 3, 5), datetime.time(10, 0)),
        at(datetime.date(2026, 3, 5), datetime.time(12, 0)),
        "Groupe B – Séance 2",
    )
    with pytest.raises(DomainError, match="chevauche « Groupe B – Séance 2 »"):
        move(at(datetime.date(2026, 3, 5), NINE), busy=[other])
    # Back to back is not an overlap.
    assert move(at(datetime.date(2026, 3, 5), datetime.time(12, 0)), busy=[other])
    assert move(at(datetime.date(2026, 3, 5), datetime.time(8, 0)), busy=[other])


def test_a_move_keeps_the_plan_order():
    previous_end = at(datetime.date(2026, 3, 10), datetime.time(12, 0))
    next_start = at(datetime.date(2026, 3, 20), NINE)
    with pytest.raises(DomainError, match="précédente"):
        move(at(datetime.date(2026, 3, 9), NINE), after=previous_end, before=next_start)
    with pytest.raises(DomainError, match="suivante"):
        move(
            at(datetime.date(2026, 3, 20), datetime.time(8, 0)),
            after=previous_end,
            before=next_start,
        )
    assert move(at(datetime.date(2026, 3, 12), NINE), after=previous_end, before=next_start)


def test_a_move_that_ends_after_midnight_or_too_far_is_refused():
    with pytest.raises(DomainError, match="après minuit"):
        move(at(datetime.date(2026, 3, 5), datetime.time(23, 0)))
    with pytest.raises(DomainError, match="deux ans"):
        move(at(datetime.date(2029, 3, 5), NINE))
