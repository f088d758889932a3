"""Activity records and roll calls mark their (site, day) stale, inside their transaction."""

import datetime

import pytest

from tests.accounts.factories import MembershipFactory
from tests.activities.conftest import individual
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.reporting.marks_helpers import clear_marks, explode, marks, rolled_back
from tests.training.roll_helpers import DURING, SESSION_START, a_class
from tisser.accounts.enums import Role
from tisser.activities import services
from tisser.core import clock
from tisser.core.stale_figures import ACTIVITIES, TRAINING
from tisser.training.enums import AttendanceStatus
from tisser.training.roll_call import Mark, roll_call_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def mediator(site):
    return MembershipFactory(organisation=site, role=Role.MEDIATOR)


def test_a_new_record_marks_its_site_and_day(mediator, site):
    day = clock.localdate() - datetime.timedelta(days=3)
    person = BeneficiaryFactory(site=site)
    services.activity_create(
        actor=mediator, data=individual(date=day, participants=[person], anonymous_count=0)
    )
    assert marks(ACTIVITIES) == {(site.pk, day, ACTIVITIES)}


def test_a_record_moved_to_another_day_marks_the_old_day_and_the_new(mediator, site):
    old_day = clock.localdate() - datetime.timedelta(days=5)
    new_day = clock.localdate() - datetime.timedelta(days=2)
    activity = services.activity_create(actor=mediator, data=individual(date=old_day))
    clear_marks()
    services.activity_update(actor=mediator, activity=activity, data=individual(date=new_day))
    assert marks(ACTIVITIES) == {(site.pk, old_day, ACTIVITIES), (site.pk, new_day, ACTIVITIES)}


def test_a_deleted_record_marks_its_day(mediator, site):
    day = clock.localdate() - datetime.timedelta(days=1)
    activity = services.activity_create(actor=mediator, data=individual(date=day))
    clear_marks()
    services.activity_delete(actor=mediator, activity=activity)
    assert marks() == {(site.pk, day, ACTIVITIES)}


def test_a_failed_record_leaves_no_mark(mediator, monkeypatch):
    monkeypatch.setattr(services, "record", explode)
    rolled_back(lambda: services.activity_create(actor=mediator, data=individual()))


def test_a_failed_update_leaves_no_mark(mediator, monkeypatch):
    activity = services.activity_create(actor=mediator, data=individual())
    monkeypatch.setattr(services, "record", explode)
    later = clock.localdate() - datetime.timedelta(days=4)
    rolled_back(
        lambda: services.activity_update(
            actor=mediator, activity=activity, data=individual(date=later)
        )
    )


def _roll_call(group, *statuses):
    marks_ = {
        enrolment.pk: Mark(status)
        for enrolment, status in zip(group.enrolments, statuses, strict=True)
    }
    with clock.frozen_at(DURING):
        return roll_call_record(actor=group.mediator, session=group.session, marks=marks_)


def test_a_roll_call_marks_the_session_day_for_attendance_and_its_record():
    group = a_class()
    clear_marks()
    _roll_call(group, AttendanceStatus.PRESENT, AttendanceStatus.PRESENT, AttendanceStatus.ABSENT)
    day = SESSION_START.date()
    assert (group.site.pk, day, ACTIVITIES) in marks()
    assert (group.site.pk, day, TRAINING) in marks()
    # The cohort's first day too: a cohort's figures are selected by the day it starts.
    assert (group.site.pk, group.cohort.starts_on, TRAINING) in marks()


def test_a_roll_call_taken_again_with_nobody_marks_the_deleted_record():
    group = a_class(people=1)
    _roll_call(group, AttendanceStatus.PRESENT)
    clear_marks()
    _roll_call(group, AttendanceStatus.ABSENT)
    assert (group.site.pk, SESSION_START.date(), ACTIVITIES) in marks()


def test_a_failed_roll_call_leaves_no_mark(monkeypatch):
    from tisser.training import roll_call

    group = a_class(people=1)
    monkeypatch.setattr(roll_call, "record", explode)
    rolled_back(lambda: _roll_call(group, AttendanceStatus.PRESENT))
