"""The file's timeline shows the person's programmes — enrolled, waiting, dropped out — and
each session's attendance, in two queries; the file offers « Inscrire à un programme »."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.training.enrolment_world import build_team
from tests.training.factories import AttendanceFactory, CohortSessionFactory, EnrolmentFactory
from tisser.core.timeline import beneficiary_actions, beneficiary_timeline
from tisser.training.enums import AttendanceStatus, DropReason, EnrolmentStatus
from tisser.training.timeline_events import file_actions, timeline_events

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(site, network):
    return build_team(site, network)


def test_enrolment_waiting_drop_and_attendance_read_in_french(team):
    file = BeneficiaryFactory(site=team.site)
    at = timezone.now() - datetime.timedelta(days=20)
    enrolment = EnrolmentFactory(
        cohort=team.cohort,
        beneficiary=file,
        referral=None,
        waiting_since=at,
        enrolled_at=at + datetime.timedelta(days=2),
        status=EnrolmentStatus.DROPPED,
        dropped_on=timezone.localdate(),
        drop_reason=DropReason.JOB,
        drop_note="CDI",
    )
    AttendanceFactory(session=team.first, enrolment=enrolment, status=AttendanceStatus.PRESENT)
    AttendanceFactory(
        session=team.second,
        enrolment=enrolment,
        status=AttendanceStatus.LATE,
        minutes_missed=20,
    )
    third = CohortSessionFactory(
        cohort=team.cohort, starts_at=team.second.starts_at + datetime.timedelta(days=2)
    )
    AttendanceFactory(session=third, enrolment=enrolment, status=AttendanceStatus.EXCUSED)
    programme, cohort = team.cohort.programme.name, team.cohort.name
    events = {event.kind: event for event in timeline_events(file)}
    assert events["training.waiting"].title == "En liste d'attente"
    assert events["training.waiting"].detail == f"Programme « {programme} » (groupe « {cohort} »)"
    assert events["training.enrolled"].title == (
        f"Inscrit au programme « {programme} » (groupe « {cohort} »)"
    )
    assert events["training.dropped"].title == "Abandon : a trouvé un emploi"
    assert events["training.dropped"].detail.endswith("— CDI")
    assert events["training.attendance.present"].title == "Séance « Accueil » : présent"
    assert events["training.attendance.present"].at == team.first.starts_at
    assert events["training.attendance.late"].title == (
        "Séance « Pièces jointes » : en retard (20 minutes manquées)"
    )
    assert events["training.attendance.excused"].title.endswith(": absent excusé")
    # Found by the registry: the file's whole timeline holds them, newest first.
    kinds = [
        event.kind for event in beneficiary_timeline(file) if event.kind.startswith("training")
    ]
    assert kinds.index("training.enrolled") > kinds.index("training.attendance.present")


def test_the_provider_runs_a_constant_number_of_queries_whatever_the_number_of_programmes(
    team, site, network
):
    file = BeneficiaryFactory(site=team.site)
    enrolment = EnrolmentFactory(cohort=team.cohort, beneficiary=file, referral=None)
    AttendanceFactory(session=team.first, enrolment=enrolment)
    with CaptureQueriesContext(connection) as one:
        timeline_events(file)
    for _ in range(3):
        other = build_team(site, network)
        more = EnrolmentFactory(cohort=other.cohort, beneficiary=file, referral=None)
        AttendanceFactory(session=other.first, enrolment=more)
        AttendanceFactory(session=other.second, enrolment=more, status=AttendanceStatus.ABSENT)
    with CaptureQueriesContext(connection) as many:
        events = timeline_events(file)
    # Enrolments, attendance, then the survey invitations and responses (survey_events).
    assert len(one) == len(many) == 4
    assert len([e for e in events if e.kind.startswith("training.attendance")]) == 7


def test_the_file_offers_enrolment_to_the_team_that_enrols(team, other_site):
    file = BeneficiaryFactory(site=team.site)
    for member in (team.manager, team.mediator, team.admin):
        (action,) = file_actions(file, member)
        assert action.label == "Inscrire à un programme"
        assert action.url == f"/espace-pro/formations/dossiers/{file.pk}/inscrire/"
    assert file_actions(file, team.volunteer) == []
    outsider = build_team(other_site, other_site.network).manager
    assert file_actions(file, outsider) == []
    assert "Inscrire à un programme" in [a.label for a in beneficiary_actions(file, team.manager)]
