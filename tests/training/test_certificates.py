"""The certificate of completion: numbering, threshold, who issues it."""

import datetime

import pytest
from django.db import connection

from tests.helpers import run_together
from tests.training.factories import EnrolmentFactory
from tests.training.roll_helpers import DURING, a_class
from tisser.core import clock
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.training.enums import AttendanceStatus as S
from tisser.training.hours import certificate_issue
from tisser.training.models import Enrolment
from tisser.training.roll_call import Mark, roll_call_record

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks (runs in the PostgreSQL pass)"
)


def short_programme(group, minutes=240):
    programme = group.cohort.programme
    programme.total_minutes = minutes
    programme.save()


def call_all(group, status=S.PRESENT):
    with clock.frozen_at(DURING):
        roll_call_record(
            actor=group.mediator,
            session=group.session,
            marks={e.pk: Mark(status) for e in group.enrolments},
        )


@pytest.mark.django_db
def test_certificates_are_numbered_per_site_and_year():
    group = a_class()
    short_programme(group)
    call_all(group)
    with clock.frozen_at(DURING + datetime.timedelta(days=3)):
        issued = [certificate_issue(actor=group.manager, enrolment=e) for e in group.enrolments]
    code = group.site.short_code
    assert [e.certificate_number for e in issued] == [f"{code}-2026-{n}" for n in (1, 2, 3)]
    assert all(e.certificate_issued_at is not None for e in issued)
    assert JournalEntry.objects.filter(action="training.certificate_issued").count() == 3
    with pytest.raises(DomainError, match="déjà délivrée"):
        certificate_issue(actor=group.manager, enrolment=group.enrolments[0])


@pytest.mark.django_db
def test_below_the_threshold_no_certificate():
    group = a_class(people=1)
    short_programme(group, minutes=400)  # 240 of 400 minutes: 60 %
    call_all(group)
    with pytest.raises(DomainError, match="60 % des heures suivies, il en faut 80 %"):
        certificate_issue(actor=group.mediator, enrolment=group.enrolments[0])
    assert Enrolment.objects.get().certificate_number == ""


@pytest.mark.django_db
def test_a_volunteer_who_does_not_train_the_group_issues_none():
    group = a_class(people=1)
    short_programme(group)
    call_all(group)
    with pytest.raises(DomainError, match="délivrent les attestations"):
        certificate_issue(actor=group.volunteer, enrolment=group.enrolments[0])
    assert certificate_issue(actor=group.trainer, enrolment=group.enrolments[0]).certificate_number


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_certificates_issued_at_once_get_distinct_numbers():
    group = a_class()
    short_programme(group)
    call_all(group)
    # Five people of the site get their certificates at the same moment.
    others = [EnrolmentFactory(cohort=group.cohort) for _ in range(2)]
    with clock.frozen_at(DURING):
        roll_call_record(
            actor=group.mediator,
            session=group.session,
            marks={e.pk: Mark(S.PRESENT) for e in [*group.enrolments, *others]},
        )
    everyone = [*group.enrolments, *others]
    outcomes = run_together(
        [(lambda e=e: certificate_issue(actor=group.manager, enrolment=e)) for e in everyone]
    )
    assert outcomes == ["done"] * len(everyone)
    numbers = list(Enrolment.objects.values_list("certificate_number", flat=True))
    assert sorted(numbers) == sorted(
        f"{group.site.short_code}-{clock.localdate().year}-{n}" for n in range(1, len(everyone) + 1)
    )
