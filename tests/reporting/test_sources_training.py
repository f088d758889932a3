"""The training programmes' and surveys' indicators on a tiny data set whose answers are
known, from the raw records and from the roll-ups."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.accounts.factories import SiteFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.reporting.figures_data import assert_rows_follow_the_contract
from tests.training.factories import (
    AttendanceFactory,
    CohortFactory,
    CohortSessionFactory,
    EnrolmentFactory,
    ProgrammeFactory,
    SurveyResponseFactory,
)
from tisser.beneficiaries.models import Beneficiary
from tisser.reporting import figures, rollups
from tisser.reporting.enums import FacetKind
from tisser.reporting.figures import FunderReach, Selection
from tisser.reporting.indicators import Window
from tisser.reporting.sources import training
from tisser.reporting.sources.training import programme_targets
from tisser.training.enums import AttendanceStatus, DropReason, EnrolmentStatus, SurveyKind

pytestmark = pytest.mark.django_db

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
SOURCES = ("raw", "rollups")
P, L, X, A = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.LATE,
    AttendanceStatus.EXCUSED,
    AttendanceStatus.ABSENT,
)
PROGRAMME_CODES = [
    "programme_enrolled",
    "programme_enrolled_closed",
    "programme_completed",
    "completion_rate",
    "programme_trainees",
    "training_hours",
    "training_hours_per_trainee",
]
SURVEY_CODES = [
    "survey_answers",
    "satisfied_answers",
    "satisfaction_rate",
    "outcomes_six_months",
    "outcomes_positive",
    "outcome_positive_rate",
]


def taken(cohort, day, minutes=240):
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
    return CohortSessionFactory(
        cohort=cohort,
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=minutes),
        roll_call_at=start,
    )


def attend(session, enrolment, status, missed=0):
    AttendanceFactory(session=session, enrolment=enrolment, status=status, minutes_missed=missed)


@pytest.fixture
def world(network):
    """Programme « emploi » (2 × 4 h, 80 % = 384 minutes to complete, target 40) and
    programme « bases » (one 4 h session, target 12).

    - Cohort a (site A, « emploi », 2 March, closed): e1 present twice (480 min), e2
      present then 30 minutes late (450), e3 present then absent (240), e4 excused then
      dropped out (0); one person waiting, one who left the waiting list: not counted.
    - Cohort b (site B, « emploi », 6 April, running): e1's person again (present, 240) and
      f2 absent (0).
    - Cohort q (site A, « bases », 4 May, closed): g1 present (240), whose file was then
      merged into e2's.
    - A cancelled cohort at A with someone present: never counted.
    """
    site_a = SiteFactory(network=network, name="Espace Gare")
    site_b = SiteFactory(network=network, name="Espace Port")
    emploi = ProgrammeFactory(network=network, total_minutes=480, target_participants=40)
    bases = ProgrammeFactory(network=network, total_minutes=240, target_participants=12)
    ProgrammeFactory(  # over before the year: no target shown
        network=network, starts_on=datetime.date(2024, 1, 1), ends_on=datetime.date(2024, 12, 31)
    )
    a = CohortFactory(
        site=site_a,
        programme=emploi,
        starts_on=datetime.date(2026, 3, 2),
        closed_on=datetime.date(2026, 3, 31),
    )
    a1, a2 = taken(a, datetime.date(2026, 3, 2)), taken(a, datetime.date(2026, 3, 4))
    e1, e2, e3 = (EnrolmentFactory(cohort=a) for _ in range(3))
    e4 = EnrolmentFactory(
        cohort=a,
        status=EnrolmentStatus.DROPPED,
        dropped_on=datetime.date(2026, 3, 4),
        drop_reason=DropReason.JOB,
    )
    EnrolmentFactory(cohort=a, status=EnrolmentStatus.WAITING, enrolled_at=None)
    EnrolmentFactory(
        cohort=a,
        status=EnrolmentStatus.DROPPED,
        dropped_on=datetime.date(2026, 3, 3),
        drop_reason=DropReason.OTHER,
        enrolled_at=None,
    )
    attend(a1, e1, P), attend(a2, e1, P)
    attend(a1, e2, P), attend(a2, e2, L, 30)
    attend(a1, e3, P), attend(a2, e3, A)
    attend(a1, e4, X)

    b = CohortFactory(site=site_b, programme=emploi, starts_on=datetime.date(2026, 4, 6))
    b1 = taken(b, datetime.date(2026, 4, 6))
    CohortSessionFactory(cohort=b)  # roll call not taken yet
    f1 = EnrolmentFactory(cohort=b, beneficiary=e1.beneficiary)
    f2 = EnrolmentFactory(cohort=b)
    attend(b1, f1, P), attend(b1, f2, A)

    q = CohortFactory(
        site=site_a,
        programme=bases,
        starts_on=datetime.date(2026, 5, 4),
        closed_on=datetime.date(2026, 5, 20),
    )
    g1 = EnrolmentFactory(cohort=q, beneficiary=BeneficiaryFactory(site=site_a))
    attend(taken(q, datetime.date(2026, 5, 4)), g1, P)
    Beneficiary.objects.filter(pk=g1.beneficiary_id).update(merged_into=e2.beneficiary)

    cancelled = CohortFactory(
        site=site_a,
        programme=emploi,
        starts_on=datetime.date(2026, 3, 2),
        cancelled_at=timezone.now(),
    )
    attend(taken(cancelled, datetime.date(2026, 3, 2)), EnrolmentFactory(cohort=cancelled), P)

    # Satisfaction: 5, 4, 3 and an unanswered overall at A for « emploi »; 2 at B; 5 at A
    # after an accompaniment (no programme). Every answer anonymous.
    for overall in (5, 4, 3, None):
        SurveyResponseFactory(
            site=site_a,
            programme=emploi,
            cohort=a,
            overall=overall,
            answered_on=datetime.date(2026, 3, 31),
        )
    SurveyResponseFactory(
        site=site_b, programme=emploi, cohort=b, overall=2, answered_on=datetime.date(2026, 4, 30)
    )
    SurveyResponseFactory(site=site_a, overall=5, answered_on=datetime.date(2026, 6, 15))
    SurveyResponseFactory(  # last year: out of the period
        site=site_a, programme=emploi, overall=1, answered_on=datetime.date(2025, 12, 31)
    )
    # Six months later (September at A, « emploi »).
    for answers in (
        {"situation": "emploi", "numerique_seul": "oui"},
        {"situation": "formation"},
        {"situation": "non", "demarche_seul": "oui"},
        {"numerique_seul": "oui"},  # the situation not answered
    ):
        SurveyResponseFactory(
            kind=SurveyKind.OUTCOME,
            site=site_a,
            programme=emploi,
            cohort=a,
            answers=answers,
            overall=None,
            answered_on=datetime.date(2026, 9, 30),
        )
    return {
        "network": network,
        "site_a": site_a,
        "site_b": site_b,
        "emploi": emploi,
        "bases": bases,
    }


@pytest.fixture
def built(world):
    rollups.rebuild(START, END)
    return world


def year(world, **kwargs):
    return Selection(network_id=world["network"].pk, start=START, end=END, **kwargs)


def values(selection, codes, *, source):
    found = figures.compute(selection, codes, source=source)
    return {code: figure.value for code, figure in found.items()}


@pytest.mark.parametrize("source", SOURCES)
def test_programme_figures_of_a_tiny_cohort(built, source):
    assert values(year(built), PROGRAMME_CODES, source=source) == {
        # e1 (in two cohorts at two sites), e2 (and the file merged into it), e3, e4, f2.
        "programme_enrolled": 5,
        # Closed cohorts a and q: e1, e2, e3, e4 (g1 is e2 now).
        "programme_enrolled_closed": 4,
        "programme_completed": 2,  # e1 (480 min) and e2 (450); e3 240 < 384
        "completion_rate": Decimal("0.5000"),
        "programme_trainees": 3,  # e1, e2, e3 came; e4 excused, f2 absent
        # a: 480 + 450 + 240 + 0; b: 240 + 0; q: 240 — 1,650 minutes.
        "training_hours": Decimal("27.50"),
        "training_hours_per_trainee": Decimal("9.1667"),
    }


@pytest.mark.parametrize("source", SOURCES)
def test_splits_by_site_month_and_programme(built, source):
    selection = year(built)
    by_site = figures.compute_split(
        selection, ["programme_enrolled", "training_hours"], by="site", source=source
    )
    assert {s: f.value for s, f in by_site["programme_enrolled"].items()} == {
        built["site_a"].pk: 4,  # e1..e4 in a; e2 again in q
        built["site_b"].pk: 2,  # e1, f2
    }
    assert {s: f.value for s, f in by_site["training_hours"].items()} == {
        built["site_a"].pk: Decimal("23.50"),
        built["site_b"].pk: Decimal("4.00"),
    }
    by_month = figures.compute_split(selection, ["programme_enrolled"], by="month", source=source)
    assert {m.month: f.value for m, f in by_month["programme_enrolled"].items()} == {
        3: 4,
        4: 2,
        5: 1,
    }
    emploi = year(built, facets={FacetKind.PROGRAMME: frozenset({built["emploi"].pk})})
    assert values(emploi, ["programme_enrolled", "completion_rate"], source=source) == {
        "programme_enrolled": 5,
        "completion_rate": Decimal("0.5000"),
    }
    bases = year(built, facets={FacetKind.PROGRAMME: frozenset({built["bases"].pk})})
    assert values(bases, ["programme_enrolled", "programme_completed"], source=source) == {
        "programme_enrolled": 1,
        "programme_completed": 1,
    }


@pytest.mark.parametrize("source", SOURCES)
def test_a_funder_reads_the_programmes_it_funds(built, source):
    reach = FunderReach(
        funder_id=built["emploi"].convention.funder_id,
        site_windows={},
        programmes=frozenset({built["emploi"].pk}),
    )
    found = values(
        year(built, reach=reach),
        ["programme_enrolled", "training_hours", "satisfaction_rate"],
        source=source,
    )
    assert found == {
        "programme_enrolled": 5,
        "training_hours": Decimal("23.50"),  # a and b only
        "satisfaction_rate": Decimal("0.5000"),  # 5, 4, 3, 2: the answer without programme left out
    }


@pytest.mark.parametrize("source", SOURCES)
def test_satisfaction_and_outcomes(built, source):
    assert values(year(built), SURVEY_CODES, source=source) == {
        "survey_answers": 5,  # two anonymous answers are two answers
        "satisfied_answers": 3,
        "satisfaction_rate": Decimal("0.6000"),
        "outcomes_six_months": 3,
        "outcomes_positive": 2,
        "outcome_positive_rate": Decimal("0.6667"),
    }
    rate = figures.compute(year(built), ["satisfaction_rate"], source=source)["satisfaction_rate"]
    assert rate.base == 5
    by_situation = figures.compute_split(
        year(built), ["outcomes_six_months"], by="key", source=source
    )
    assert {k: f.value for k, f in by_situation["outcomes_six_months"].items()} == {
        "emploi": 1,
        "formation": 1,
        "non": 1,
    }


def test_programme_targets_are_configuration(world):
    emploi, bases = world["emploi"], world["bases"]
    assert programme_targets(year(world)) == {emploi.pk: 40, bases.pk: 12}
    chosen = year(world, facets={FacetKind.PROGRAMME: frozenset({bases.pk})})
    assert programme_targets(chosen) == {bases.pk: 12}
    reach = FunderReach(funder_id=1, site_windows={}, programmes=frozenset({emploi.pk}))
    assert programme_targets(year(world, reach=reach)) == {emploi.pk: 40}


def test_a_partner_filter_does_not_apply(world):
    selection = year(world, facets={FacetKind.PARTNER: frozenset({1})})
    found = figures.compute(selection, ["programme_enrolled"], source="raw")
    assert found["programme_enrolled"].applicable is False


def test_every_row_follows_the_contract(world):
    assert_rows_follow_the_contract(training.INDICATORS, Window(START, END), "programme:")
