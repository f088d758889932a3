"""The programme's figures on a hand-built set whose answers are known (helper D)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.beneficiaries.factories import AccompanimentPeriodFactory
from tests.diagnostics.builders import at, finished
from tests.training.factories import (
    AttendanceFactory,
    CohortFactory,
    CohortSessionFactory,
    EnrolmentFactory,
    ProgrammeFactory,
    SurveyResponseFactory,
)
from tisser.accounts.enums import Role
from tisser.diagnostics.enums import DiagnosticKind
from tisser.training.enums import AttendanceStatus, DropReason, EnrolmentStatus, SurveyKind
from tisser.training.models import SurveyResponse
from tisser.training.reporting import (
    ProgrammeFilter,
    completion_minutes,
    programme_report,
    readable_programmes,
    reader_site_ids,
    referred_enrolments,
)
from tisser.training.surveys import satisfaction_counts

pytestmark = pytest.mark.django_db
P, L, X, A = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.LATE,
    AttendanceStatus.EXCUSED,
    AttendanceStatus.ABSENT,
)


def taken(cohort, day):
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
    return CohortSessionFactory(
        cohort=cohort, starts_at=start, ends_at=start + datetime.timedelta(minutes=240),
        roll_call_at=start,
    )  # fmt: skip


def dropped(cohort, reason, *, enrolled=True):
    return EnrolmentFactory(
        cohort=cohort,
        status=EnrolmentStatus.DROPPED,
        dropped_on=datetime.date(2026, 3, 10),
        drop_reason=reason,
        enrolled_at=timezone.now() if enrolled else None,
    )


def attend(session, enrolment, status, missed=0):
    AttendanceFactory(session=session, enrolment=enrolment, status=status, minutes_missed=missed)


def diagnosed(enrolment, entry, exit_, *, entry_on, exit_on):
    person = enrolment.beneficiary
    period = AccompanimentPeriodFactory(
        beneficiary=person, site=enrolment.cohort.site, opened_on=datetime.date(2026, 1, 1)
    )
    finished(person, entry, when=entry_on, period=period)
    finished(person, exit_, kind=DiagnosticKind.EXIT, when=exit_on, period=period)


@pytest.fixture
def world(network, site, other_site):
    programme = ProgrammeFactory(network=network, total_minutes=480, target_participants=40)
    a = CohortFactory(
        site=site, programme=programme, capacity=12, starts_on=datetime.date(2026, 3, 2),
        closed_on=datetime.date(2026, 3, 31),
    )  # fmt: skip
    b = CohortFactory(
        site=other_site, programme=programme, capacity=8, starts_on=datetime.date(2026, 3, 9)
    )
    a1, a2 = taken(a, datetime.date(2026, 3, 2)), taken(a, datetime.date(2026, 3, 4))
    b1 = taken(b, datetime.date(2026, 3, 9))
    CohortSessionFactory(cohort=b)  # roll call not taken: no hours delivered
    e1, e2, e3 = (EnrolmentFactory(cohort=a) for _ in range(3))
    e4 = dropped(a, DropReason.JOB)
    EnrolmentFactory(cohort=a, status=EnrolmentStatus.WAITING, enrolled_at=None)
    dropped(a, DropReason.OTHER, enrolled=False)  # left the waiting list: not counted
    attend(a1, e1, P), attend(a2, e1, P)  # 480
    attend(a1, e2, P), attend(a2, e2, L, 30)  # 450
    attend(a1, e3, P), attend(a2, e3, A)  # 240
    attend(a1, e4, X)  # 0
    f1 = EnrolmentFactory(cohort=b)
    dropped(b, DropReason.HEALTH)
    attend(b1, f1, P)
    # Not selected: a cancelled cohort, another programme.
    c = CohortFactory(site=site, programme=programme, cancelled_at=timezone.now())
    attend(taken(c, datetime.date(2026, 3, 2)), EnrolmentFactory(cohort=c), P)
    EnrolmentFactory(cohort=CohortFactory(site=site))

    for overall in (5, 4, 3, None):
        SurveyResponseFactory(site=site, programme=programme, cohort=a, overall=overall)
    SurveyResponseFactory(site=other_site, programme=programme, cohort=b, overall=2)
    SurveyResponseFactory(site=site, programme=programme, cohort=None, overall=5)
    for answers in (
        {"situation": "emploi", "numerique_seul": "oui"},
        {"situation": "non", "numerique_seul": "non", "demarche_seul": "oui"},
    ):
        SurveyResponseFactory(
            kind=SurveyKind.OUTCOME, site=site, programme=programme, cohort=a,
            answers=answers, overall=None,
        )  # fmt: skip

    # e1: a pair inside cohort a (+2 appareil, 0 securite); f1: a pair inside cohort b (-1).
    diagnosed(e1, {"appareil": 1, "securite": 2}, {"appareil": 3, "securite": 2},
              entry_on=at(2), exit_on=at(20))  # fmt: skip
    diagnosed(f1, {"appareil": 2}, {"appareil": 1}, entry_on=at(10), exit_on=at(25))
    # e2: entry before the cohort's first day; e3: exit after its closing day.
    diagnosed(e2, {"appareil": 0}, {"appareil": 4}, entry_on=at(1, 2), exit_on=at(20))
    diagnosed(e3, {"appareil": 0}, {"appareil": 4}, entry_on=at(3), exit_on=at(15, 4))
    return {"programme": programme, "a": a, "b": b}


def test_every_figure_per_cohort_site_and_total(world, site, django_assert_num_queries):
    flt = ProgrammeFilter(programme=world["programme"])
    with django_assert_num_queries(7):
        report = programme_report(flt)
    by_key = {line.key: line.figures for line in report.cohorts}
    a, b = by_key[f"cohort-{world['a'].pk}"], by_key[f"cohort-{world['b'].pk}"]
    # enrolled: three enrolled + one dropped after enrolment; the waiting and the one who
    # left the waiting list do not count.
    assert (a.enrolled, a.dropped, b.enrolled, b.dropped) == (4, 1, 2, 1)
    assert (a.sessions_taken, a.delivered_minutes, b.delivered_minutes) == (2, 480, 240)
    assert (a.scheduled_minutes, a.attended_minutes) == (7 * 240, 480 + 450 + 240)
    assert a.attendance_rate == Decimal("0.70")
    assert a.attendees == 4
    # 80 % of 480 = 384 minutes: e1 (480) and e2 (450) of four; b is not closed.
    assert (a.closed_enrolled, a.completed, a.completion_rate) == (4, 2, Decimal("0.50"))
    assert (b.closed_enrolled, b.completion_rate) == (0, None)
    assert a.drop_reasons == {DropReason.JOB: 1}
    assert (a.satisfaction_answers, a.satisfied, b.satisfaction_answers) == (3, 2, 1)
    assert a.outcomes == {"situation": (2, 1), "numerique_seul": (2, 1), "demarche_seul": (1, 1)}
    assert a.gains["appareil"].pairs == 1 and a.gains["appareil"].total_gain == 2
    assert a.gains["securite"].share_up == Decimal("0.00")

    total = report.total
    assert total.target == 40
    assert total.figures.enrolled == 6
    assert total.figures.drop_reasons == {DropReason.JOB: 1, DropReason.HEALTH: 1}
    assert total.figures.satisfaction_rate == Decimal("0.50")
    assert total.figures.completion_rate == Decimal("0.50")
    assert total.figures.outcome_rate("situation") == Decimal("0.50")
    appareil = total.figures.gains["appareil"]
    assert (appareil.pairs, appareil.mean, appareil.share_up) == (
        2,
        Decimal("0.50"),
        Decimal("0.50"),
    )
    assert report.domains == ["appareil", "securite"]
    assert [(line.label, line.figures.enrolled, line.target) for line in report.sites] == sorted(
        [(site.name, 4, 12), (world["b"].site.name, 2, 8)]
    )


def test_filters_narrow_by_site_cohort_and_the_period_a_cohort_starts_in(world, other_site):
    programme = world["programme"]
    by_site = programme_report(
        ProgrammeFilter(programme=programme, site_ids=frozenset({other_site.pk}))
    )
    assert [line.key for line in by_site.cohorts] == [f"cohort-{world['b'].pk}"]
    by_cohort = programme_report(ProgrammeFilter(programme=programme, cohort_id=world["a"].pk))
    assert by_cohort.total.figures.enrolled == 4
    later = programme_report(ProgrammeFilter(programme=programme, start=datetime.date(2026, 3, 5)))
    assert later.total.figures.enrolled == 2
    earlier = programme_report(ProgrammeFilter(programme=programme, end=datetime.date(2026, 3, 5)))
    assert earlier.total.figures.enrolled == 4


def test_a_site_manager_counts_their_site_only(world, site, member_factory):
    manager = member_factory(site, Role.SITE_MANAGER)
    report = programme_report(
        ProgrammeFilter(programme=world["programme"]), site_ids=reader_site_ids(manager)
    )
    assert report.total.figures.enrolled == 4


def test_who_may_open_which_programme(world, site, network, member_factory, partner):
    programme = world["programme"]
    assert programme in readable_programmes(member_factory(network, Role.NETWORK_ADMIN))
    assert programme in readable_programmes(member_factory(site, Role.SITE_MANAGER))
    funder = programme.convention.funder
    assert list(readable_programmes(member_factory(funder, Role.FUNDER_VIEWER))) == [programme]
    other = ProgrammeFactory(network=network).convention.funder
    assert programme not in readable_programmes(member_factory(other, Role.FUNDER_VIEWER))
    assert not readable_programmes(member_factory(partner, Role.PARTNER_REFERRER)).exists()
    assert not readable_programmes(member_factory(site, Role.MEDIATOR)).exists()
    assert not readable_programmes(None).exists()
    assert not referred_enrolments(membership=None).exists()
    assert not referred_enrolments(membership=member_factory(network, Role.NETWORK_ADMIN)).exists()


def test_satisfaction_rate_over_the_answers_with_an_overall(world):
    # The survey's own rule (training/surveys.py), which the dashboard's figures follow.
    counts = satisfaction_counts(SurveyResponse.objects.all())
    # 5, 4, 3, 2 and the one without a cohort (5); the None is not an answer.
    assert (counts["answers"], counts["satisfied"], counts["rate"]) == (5, 3, Decimal("0.6"))
    assert satisfaction_counts(SurveyResponse.objects.none())["rate"] is None


def test_the_certificate_threshold_rounds_up(world):
    programme = world["programme"]
    programme.total_minutes, programme.completion_percent = 1925, 80
    assert completion_minutes(programme) == 1540
    programme.total_minutes = 1926
    assert completion_minutes(programme) == 1541  # 1540.8


def test_the_sheet_writes_shares_as_percentages_and_hides_small_figures(world):
    from tisser.training import dashboard

    report = programme_report(ProgrammeFilter(programme=world["programme"]))
    exact = dashboard.spreadsheet_rows(dashboard.build(report, aggregated=False))
    row = next(row for row in exact if row[:2] == ["Groupe", world["a"].name])
    # Inscrits, objectif, heures données, heures suivies, présence (%), achèvement (%)…
    assert row[2:8] == [4, 12, Decimal("8.0"), Decimal("19.5"), Decimal("70.00"), Decimal("50.00")]
    aggregated = dashboard.spreadsheet_rows(dashboard.build(report, aggregated=True))
    row = next(row for row in aggregated if row[:2] == ["Groupe", world["a"].name])
    assert row[2] == "moins de 10"
