"""The demo's training (issue 15), read from the shared ``ci`` demo: the 32-hour programme
with the Bas-Rhin employment service, its cohorts in Strasbourg, one activity record per
called session, satisfaction in the nineties, the journey's person in the running cohort,
and workshops with registrations at the other space."""

import pytest
from django.db.models import Count
from django.utils import timezone

from tisser.accounts.demo import STRASBOURG_SITE
from tisser.accounts.enums import FunderKind
from tisser.activities.enums import ActivityKind
from tisser.beneficiaries.models import Beneficiary
from tisser.core.clock import manual_clock
from tisser.learning.models import ModuleAssignment
from tisser.training import demo as training_demo
from tisser.training import hours
from tisser.training.enums import (
    AttendanceStatus,
    EnrolmentStatus,
    RegistrationStatus,
    SessionDiagnostic,
    SurveyKind,
)
from tisser.training.models import (
    Attendance,
    Cohort,
    CohortSession,
    Enrolment,
    Programme,
    SurveyInvitation,
    SurveyResponse,
    Workshop,
    WorkshopRegistration,
)

pytestmark = pytest.mark.django_db


def test_the_32_hour_programme_with_the_employment_service(demo_ci):
    programme = Programme.objects.get()
    assert programme.name == training_demo.PROGRAMME_NAME
    assert programme.total_minutes == 32 * 60
    assert (programme.target_participants, programme.completion_percent) == (400, 80)
    assert programme.partner.name == training_demo.REFERRING_PARTNER
    assert programme.convention.funder.funder_kind == FunderKind.EMPLOYMENT_SERVICE
    plan = list(programme.plan.order_by("position"))
    assert [p.duration_minutes for p in plan] == [240] * 8
    assert plan[0].diagnostic == SessionDiagnostic.ENTRY
    assert plan[-1].diagnostic == SessionDiagnostic.EXIT
    assert {"preparer-cv", "offre-emploi-postuler"} <= {k for p in plan for k in p.modules}


def test_ci_is_small_one_closed_and_one_running_cohort(demo_ci):
    result = demo_ci.training
    cohorts = Cohort.objects.all()
    assert cohorts.count() == result.cohorts == 2
    assert {c.site.name for c in cohorts} == {STRASBOURG_SITE}
    closed = cohorts.get(closed_on__isnull=False)
    running = cohorts.get(closed_on__isnull=True)
    assert closed.closed_on < timezone.localdate()
    assert running.sessions.filter(starts_at__lt=timezone.now()).exists()
    assert running.sessions.filter(starts_at__gt=timezone.now()).exists()
    assert CohortSession.objects.count() == result.sessions == 16
    assert Enrolment.objects.count() <= 30
    assert Workshop.objects.count() == result.workshops <= 5


def test_every_called_session_has_exactly_one_activity(demo_ci):
    called = CohortSession.objects.filter(roll_call_at__isnull=False).select_related(
        "activity", "cohort"
    )
    assert called.count() >= 8 + 1
    assert not CohortSession.objects.filter(
        roll_call_at__isnull=True, starts_at__lt=timezone.now(), cohort__closed_on__isnull=False
    ).exists()
    activities = [s.activity for s in called]
    assert all(a is not None for a in activities)
    assert len({a.pk for a in activities}) == len(activities)
    for session in called:
        activity = session.activity
        assert activity.kind == ActivityKind.COLLECTIF
        assert activity.site_id == session.cohort.site_id
        assert activity.date == timezone.localdate(session.starts_at)
        assert activity.duration_minutes == session.minutes
        came = set(
            Attendance.objects.filter(
                session=session, status__in=(AttendanceStatus.PRESENT, AttendanceStatus.LATE)
            ).values_list("enrolment__beneficiary_id", flat=True)
        )
        named = set(activity.participations.values_list("beneficiary_id", flat=True))
        assert named == came
        assert activity.participant_count == len(came)
    # Every enrolled person is marked at every called session of their cohort.
    for session in called:
        marked = session.attendances.count()
        assert marked >= session.cohort.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()


def test_attendance_is_mostly_present_and_certificates_follow_the_hours(demo_ci):
    statuses = dict(
        Attendance.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    total = sum(statuses.values())
    assert statuses[AttendanceStatus.PRESENT] / total > 0.7
    late = Attendance.objects.filter(status=AttendanceStatus.LATE)
    assert all(0 < row.minutes_missed < 240 for row in late)
    closed = Cohort.objects.get(closed_on__isnull=False)
    rows = hours.cohort_hours(closed)
    certified = [row for row in rows if row.enrolment.certificate_number]
    assert certified
    for row in rows:
        # A certificate exactly for those who reached 80 % and stayed to the end.
        stayed = row.enrolment.status == EnrolmentStatus.ENROLLED
        assert bool(row.enrolment.certificate_number) == (row.eligible and stayed)
        if row.enrolment.certificate_number:
            assert row.enrolment.certificate_number.startswith(f"{closed.site.short_code}-")


def test_satisfaction_is_in_the_nineties_with_some_anonymous_answers(demo_ci):
    answers = SurveyResponse.objects.filter(kind=SurveyKind.SATISFACTION)
    count = answers.count()
    assert count == demo_ci.training.satisfaction > 0
    unsatisfied = sum(training_demo.is_unsatisfied(i) for i in range(count))
    assert answers.filter(overall__lt=4).count() == unsatisfied
    assert answers.filter(beneficiary__isnull=True).exists() or count < 8
    used = SurveyInvitation.objects.filter(kind=SurveyKind.SATISFACTION, used_at__isnull=False)
    assert used.count() == count
    assert all(a.answered_on >= a.cohort.closed_on for a in answers.select_related("cohort"))
    assert set(answers.first().answers) == {*training_demo.SATISFACTION_CODES, "ensemble"}


@pytest.mark.parametrize("answers", [60, 150, 270, 400])
def test_the_satisfaction_rate_of_a_year_of_cohorts_is_in_the_nineties(answers):
    """The ``full`` profile's 30 closed cohorts give a few hundred answers: 90 to 96 %."""
    satisfied = sum(not training_demo.is_unsatisfied(i) for i in range(answers))
    assert 0.90 <= satisfied / answers <= 0.96


def test_the_journey_person_is_enrolled_in_the_running_cohort(demo_ci):
    journey = Beneficiary.objects.get(file_number=demo_ci.rights.journey_file)
    enrolment = Enrolment.objects.select_related("cohort").get(beneficiary=journey)
    assert enrolment.status == EnrolmentStatus.ENROLLED
    assert enrolment.cohort.closed_on is None
    assert enrolment.cohort.name == demo_ci.training.journey_cohort
    first = enrolment.cohort.sessions.order_by("starts_at").first()
    assert Attendance.objects.get(session=first, enrolment=enrolment).status == (
        AttendanceStatus.PRESENT
    )
    keys = set(
        ModuleAssignment.objects.filter(beneficiary=journey).values_list("module_key", flat=True)
    )
    assert {"preparer-cv", "mail-joindre"} <= keys


def test_workshops_at_the_other_space_with_registrations(demo_ci):
    workshops = Workshop.objects.select_related("site")
    assert {w.site.name for w in workshops} == {"Espace Paris Belleville"}
    past = workshops.filter(starts_at__lt=timezone.now())
    assert past.exists()
    for workshop in past:
        assert workshop.roll_call_at is not None and workshop.activity_id is not None
    coming = workshops.filter(starts_at__gt=timezone.now(), is_public=True)
    assert coming.count() >= 2
    full = [
        w
        for w in coming
        if w.registrations.filter(status=RegistrationStatus.CONFIRMED).count() == w.capacity
    ]
    assert full and full[0].registrations.filter(status=RegistrationStatus.WAITING).exists()
    phones = WorkshopRegistration.objects.exclude(phone="").values_list("phone", flat=True)
    assert all(phone.startswith("+33639980") for phone in phones)
    assert all(len(r.cancel_token_hash) == 64 for r in WorkshopRegistration.objects.all())


def test_a_network_without_spaces_gets_nothing(demo_ci):
    """The empty guard: no Strasbourg team, no programme, no cohort, no workshop."""
    from tisser.accounts.enums import OrganisationKind
    from tisser.accounts.models import Organisation

    before = (Programme.objects.count(), Cohort.objects.count(), Workshop.objects.count())
    network = Organisation.objects.create(kind=OrganisationKind.NETWORK, name="Autre réseau")
    with manual_clock() as clock:
        result = training_demo.seed_demo_training(network=network, clock=clock)
    assert result == training_demo.DemoTrainingResult()
    after = (Programme.objects.count(), Cohort.objects.count(), Workshop.objects.count())
    assert after == before


def test_the_demo_command_refuses_to_seed_twice(demo_ci):
    """Idempotence is the command's: a database with organisations is left alone."""
    from io import StringIO

    from django.core.management import call_command

    before = Programme.objects.count()
    out = StringIO()
    call_command("seed_demo", "--if-empty", "--profile", "ci", stdout=out)
    assert "non installées" in out.getvalue()
    assert Programme.objects.count() == before == 1


def test_an_upcoming_cohort_takes_the_employment_service_s_referrals_then_waits(demo_ci):
    """The ``full`` profile's upcoming cohorts (not in ``ci``), through the services."""
    import random

    from tisser.accounts.models import Site
    from tisser.referrals.enums import ReferralStatus
    from tisser.referrals.models import Referral

    site = Site.objects.get(name=STRASBOURG_SITE)
    programme = Programme.objects.get()
    team = training_demo._team(site)
    referrals = list(
        Referral.objects.filter(site=site, status=ReferralStatus.ACCEPTED, partner__isnull=False)
    )
    rng = random.Random(1)
    now = timezone.now()
    with manual_clock() as clock:
        people = training_demo._new_files(site, 15, rng, opened=[now] * 15)
        result = training_demo.DemoTrainingResult()
        cohort = training_demo._upcoming(
            programme=programme,
            site=site,
            team=team,
            trainer=team[-1],
            referrals=list(referrals),
            people=list(people),
            days=7,
            seats_left=-3,
            rng=rng,
            clock=clock,
            today=timezone.localdate(),
            result=result,
        )
    live = cohort.enrolments.all()
    assert live.filter(status=EnrolmentStatus.ENROLLED).count() == cohort.capacity == 12
    assert live.filter(status=EnrolmentStatus.WAITING).count() == 3
    assert (result.enrolled, result.waiting) == (12, 3)
    from_referrals = live.filter(referral__isnull=False).count()
    assert from_referrals == min(len(referrals), 15)
    assert cohort.sessions.count() == 8
    assert cohort.sessions.order_by("starts_at").first().starts_at > now
