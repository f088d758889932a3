"""The certificate of completion: numbering, threshold, who issues it."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

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


@pytest.mark.django_db
def test_the_hours_page_issues_and_prints_the_certificate(login):
    from tests.training.test_signature_sheets import pdf_pages

    group = a_class(people=2)
    short_programme(group, minutes=300)
    with clock.frozen_at(DURING):
        roll_call_record(
            actor=group.mediator,
            session=group.session,
            marks={group.enrolments[0].pk: Mark(S.PRESENT), group.enrolments[1].pk: Mark(S.ABSENT)},
        )
    client = login(group.mediator)
    hours_url = reverse("training:cohort_hours", kwargs={"pk": group.cohort.pk})
    page = client.get(hours_url).content.decode()
    assert "4 h / 5 h (80 %)" in page
    assert "0 h / 5 h (0 %)" in page
    assert page.count("Délivrer l'attestation") == 1
    assert 'data-label="Heures suivies"' in page
    eligible, below = group.enrolments
    refused = client.post(reverse("training:certificate_issue", kwargs={"pk": below.pk}))
    assert refused.status_code == 302
    assert not Enrolment.objects.get(pk=below.pk).certificate_number
    client.post(reverse("training:certificate_issue", kwargs={"pk": eligible.pk}))
    number = Enrolment.objects.get(pk=eligible.pk).certificate_number
    assert number == f"{group.site.short_code}-{clock.localdate().year}-1"
    assert f"Attestation n° {number}" in client.get(hours_url).content.decode()
    (text,) = pdf_pages(client.get(reverse("training:certificate_pdf", kwargs={"pk": eligible.pk})))
    assert "Attestation de fin de formation" in text
    assert eligible.beneficiary.first_name in text and eligible.beneficiary.last_name in text
    assert group.cohort.programme.name in text
    assert "Heures suivies : 4 h sur 5 h (80 %)" in text
    assert number in text and group.site.name in text
    assert JournalEntry.objects.filter(action="training.certificate_printed").count() == 1
    assert JournalEntry.objects.filter(action="training.hours_viewed").count() == 2
