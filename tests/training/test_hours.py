"""Hours attended from the roll calls: late minutes, excused absences, the threshold."""

import datetime

import pytest

from tests.training.factories import CohortSessionFactory, ProgrammeSessionFactory
from tests.training.roll_helpers import a_class
from tisser.core import clock
from tisser.training.enums import AttendanceStatus as S
from tisser.training.hours import cohort_hours, enrolment_hours, format_minutes
from tisser.training.roll_call import Mark, roll_call_record

pytestmark = pytest.mark.django_db


def second_session(group, minutes=120):
    plan = ProgrammeSessionFactory(
        programme=group.cohort.programme, position=2, duration_minutes=minutes
    )
    start = group.session.starts_at + datetime.timedelta(days=2)
    return CohortSessionFactory(
        cohort=group.cohort,
        plan=plan,
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=minutes),
    )


def call(group, session, *statuses):
    with clock.frozen_at(session.starts_at + datetime.timedelta(minutes=5)):
        roll_call_record(
            actor=group.mediator,
            session=session,
            marks={
                e.pk: s if isinstance(s, Mark) else Mark(s)
                for e, s in zip(group.enrolments, statuses, strict=True)
            },
        )


def test_present_counts_the_session_late_its_minutes_less_the_missed_ones():
    group = a_class()
    other = second_session(group)
    call(group, group.session, S.PRESENT, Mark(S.LATE, 30), S.EXCUSED)
    call(group, other, Mark(S.LATE, 15), S.ABSENT, S.PRESENT)
    hours = {h.enrolment.pk: h for h in cohort_hours(group.cohort)}
    first, second, third = (hours[e.pk] for e in group.enrolments)
    assert first.attended_minutes == 240 + 120 - 15
    assert second.attended_minutes == 240 - 30
    assert (second.sessions_attended, second.sessions_missed) == (1, 1)
    # Excused minutes are counted apart, never as hours attended.
    assert (third.attended_minutes, third.excused_minutes) == (120, 240)
    assert first.excused_minutes == 0
    assert first.total_minutes == 32 * 60
    assert first.attended_hours == "5 h 45" and third.excused_hours == "4 h"
    assert enrolment_hours(group.enrolments[0]).attended_minutes == 345


def test_the_threshold_is_the_programme_share_rounded_down():
    group = a_class(people=1)
    programme = group.cohort.programme
    programme.total_minutes = 300
    programme.save()
    call(group, group.session, Mark(S.LATE, 1))  # 239 of 300 minutes: 79.67 %
    hours = enrolment_hours(group.enrolments[0])
    assert hours.percent == 79 and not hours.eligible
    call(group, group.session, S.PRESENT)  # 240 of 300: exactly 80 %
    hours = enrolment_hours(group.enrolments[0])
    assert hours.percent == 80 and hours.eligible
    programme.completion_percent = 90
    programme.save()
    assert not enrolment_hours(group.enrolments[0]).eligible


def test_nobody_called_has_no_hours_and_the_cohort_is_read_in_one_query(
    django_assert_num_queries,
):
    group = a_class()
    second_session(group)
    call(group, group.session, S.PRESENT, S.PRESENT, S.ABSENT)
    group.cohort.programme
    with django_assert_num_queries(1):
        rows = cohort_hours(group.cohort)
    assert [h.attended_minutes for h in rows] == [240, 240, 0]


def test_hours_read_nicely():
    assert format_minutes(1920) == "32 h"
    assert format_minutes(95) == "1 h 35"
