"""Figures of the modules on hand-built data with known answers, in a fixed number of
queries, within the reader's scope (tisser/learning/reporting.py)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.learning.factories import ModuleProgressFactory, StepResultFactory
from tisser.accounts.enums import Role
from tisser.learning.enums import StepOutcome
from tisser.learning.models import ModuleProgress
from tisser.learning.reporting import (
    LearningFilter,
    figures_by_domain,
    figures_by_site,
    learning_figures,
    most_failed_steps,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("modules_content")]

DAY = datetime.date(2026, 3, 10)


def _at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def progress(person, key, *, started, finished=None, seconds=0):
    """A progress started on ``started`` (a date), finished on ``finished`` if given."""
    row = ModuleProgressFactory(beneficiary=person, module_key=key, seconds_spent=seconds)
    ModuleProgress.objects.filter(pk=row.pk).update(
        started_at=_at(started),
        last_activity_at=_at(finished or started),
        finished_at=_at(finished) if finished else None,
    )
    return row


@pytest.fixture
def data(site, other_site):
    """Site A: Ana (2 modules: one finished, one not), Bob (1 finished the next month);
    site B: Chloé (1 started, not finished). Seconds 600 + 300 + 900 + 120."""
    ana, bob = BeneficiaryFactory(site=site), BeneficiaryFactory(site=site)
    chloe = BeneficiaryFactory(site=other_site)
    a1 = progress(ana, "reperer-arnaque", started=DAY, finished=DAY, seconds=600)
    a2 = progress(ana, "envoyer-courriel", started=DAY, seconds=300)
    b1 = progress(
        bob, "reperer-arnaque", started=DAY, finished=DAY + datetime.timedelta(days=30), seconds=900
    )
    c1 = progress(chloe, "creer-compte", started=DAY + datetime.timedelta(days=1), seconds=120)
    StepResultFactory(progress=a1, step_id="exo-2", outcome=StepOutcome.SHOWN, misses=3)
    StepResultFactory(progress=b1, step_id="exo-2", outcome=StepOutcome.SHOWN, misses=3)
    StepResultFactory(progress=b1, step_id="exo-1", outcome=StepOutcome.DONE, misses=2)
    StepResultFactory(progress=a2, step_id="exo-1", outcome=StepOutcome.DONE, misses=1)
    StepResultFactory(progress=c1, step_id="exo-1", outcome=StepOutcome.SHOWN, misses=3)
    StepResultFactory(progress=c1, step_id="carte-1", outcome=StepOutcome.READ)
    return {"ana": ana, "bob": bob, "chloe": chloe}


def test_the_network_figures(network_admin, data):
    figures = learning_figures(membership=network_admin)
    assert (figures.started, figures.finished, figures.seconds, figures.learners) == (4, 2, 1920, 3)
    assert figures.completion_rate == Decimal("50.0")
    assert figures.minutes == 32


def test_a_date_range_counts_starts_and_finishes_within_it(network_admin, data):
    march = LearningFilter(starts_on=DAY, ends_on=DAY + datetime.timedelta(days=5))
    figures = learning_figures(membership=network_admin, flt=march)
    # Four started in the range; one finished in it (Bob's finished a month later).
    assert (figures.started, figures.finished, figures.started_then_finished) == (4, 1, 2)
    one_day = LearningFilter(starts_on=DAY, ends_on=DAY)
    figures = learning_figures(membership=network_admin, flt=one_day)
    assert (figures.started, figures.finished, figures.seconds, figures.learners) == (3, 1, 1800, 2)
    assert figures.completion_rate == Decimal("66.7")
    empty = learning_figures(
        membership=network_admin, flt=LearningFilter(starts_on=DAY + datetime.timedelta(days=90))
    )
    assert empty.started == 0 and empty.completion_rate is None


def test_per_site_per_domain_and_a_set_of_files(network_admin, site, other_site, data):
    by_site = figures_by_site(membership=network_admin)
    assert (by_site[site.pk].started, by_site[site.pk].finished, by_site[site.pk].seconds) == (
        3,
        2,
        1800,
    )
    assert (by_site[other_site.pk].started, by_site[other_site.pk].finished) == (1, 0)
    by_domain = figures_by_domain(membership=network_admin)
    assert set(by_domain) == {"securite", "communiquer", "demarches"}
    assert (
        by_domain["securite"].started,
        by_domain["securite"].finished,
        by_domain["securite"].learners,
    ) == (2, 2, 2)
    assert by_domain["securite"].completion_rate == Decimal("100.0")
    securite = learning_figures(membership=network_admin, flt=LearningFilter(domain="securite"))
    assert (securite.started, securite.seconds) == (2, 1500)
    files = LearningFilter(beneficiary_ids=(data["ana"].pk, data["chloe"].pk))
    figures = learning_figures(membership=network_admin, flt=files)
    assert (figures.started, figures.finished, figures.learners) == (3, 1, 2)
    assert (
        learning_figures(
            membership=network_admin, flt=LearningFilter(site_ids=(other_site.pk,))
        ).started
        == 1
    )


def test_the_most_failed_steps(network_admin, data):
    steps = most_failed_steps(membership=network_admin)
    top = [(row.module_key, row.step_id, row.shown, row.misses, row.people) for row in steps]
    assert top == [
        ("reperer-arnaque", "exo-2", 2, 6, 2),
        ("creer-compte", "exo-1", 1, 3, 1),
        ("reperer-arnaque", "exo-1", 0, 2, 1),
        ("envoyer-courriel", "exo-1", 0, 1, 1),
    ]
    assert steps[0].module_title == "Repérer une arnaque"
    assert steps[0].step_title == "Répondez par oui ou par non."
    site_b = most_failed_steps(membership=network_admin, flt=LearningFilter(domain="demarches"))
    assert [(row.module_key, row.step_id) for row in site_b] == [("creer-compte", "exo-1")]


def test_a_site_team_reads_its_site_and_others_nothing(site, member_factory, partner, data):
    mediator = member_factory(site, Role.MEDIATOR)
    assert learning_figures(membership=mediator).started == 3
    assert most_failed_steps(membership=mediator)[0].people == 2
    referrer = member_factory(partner, Role.PARTNER_REFERRER)
    assert learning_figures(membership=referrer).started == 0
    assert figures_by_site(membership=referrer) == {}


def test_the_figures_cost_a_fixed_number_of_queries(
    network_admin, site, django_assert_num_queries, data
):
    flt = LearningFilter(starts_on=DAY, ends_on=DAY + datetime.timedelta(days=40))
    counts = []
    for _ in range(2):
        with django_assert_num_queries(5) as captured:
            learning_figures(membership=network_admin, flt=flt)
            figures_by_site(membership=network_admin, flt=flt)
            figures_by_domain(membership=network_admin, flt=flt)
            most_failed_steps(membership=network_admin, flt=flt)
        counts.append(len(captured.captured_queries))
        person = BeneficiaryFactory(site=site)
        for key in ("creer-compte", "allumer-telephone"):
            row = progress(person, key, started=DAY, finished=DAY, seconds=60)
            StepResultFactory(progress=row, step_id="exo-1", outcome=StepOutcome.SHOWN, misses=3)
    assert counts == [5, 5]
