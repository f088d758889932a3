"""Figures of the diagnostic on hand-built data whose answers are known."""

import datetime
from decimal import Decimal

import pytest

from tests.beneficiaries.factories import AccompanimentPeriodFactory, BeneficiaryFactory
from tests.diagnostics.builders import at, finished
from tests.diagnostics.factories import DiagnosticFactory
from tisser.accounts.enums import Role
from tisser.beneficiaries.models import Beneficiary
from tisser.diagnostics import reporting
from tisser.diagnostics.enums import DiagnosticKind
from tisser.diagnostics.reporting import (
    DiagnosticFilter,
    autonomy_at_exit,
    diagnostic_counts,
    entry_levels,
    gains,
)

pytestmark = pytest.mark.django_db
EXIT = DiagnosticKind.EXIT


def person_with(site, entry, exit_=None, *, entry_on=at(2), exit_on=at(15, 6), same_period=True):
    person = BeneficiaryFactory(site=site)
    period = AccompanimentPeriodFactory(
        beneficiary=person, site=site, opened_on=datetime.date(2026, 3, 1)
    )
    finished(person, entry, when=entry_on, period=period)
    if exit_ is not None:
        if not same_period:
            period.closed_on = datetime.date(2026, 4, 1)
            period.close_reason = "autonomous"
            period.save()
            period = AccompanimentPeriodFactory(
                beneficiary=person, site=site, opened_on=datetime.date(2026, 5, 1)
            )
        finished(person, exit_, kind=EXIT, when=exit_on, period=period)
    return person


@pytest.fixture
def world(site, other_site):
    """Four people at ``site``, one at ``other_site``; answers worked out by hand below."""
    return {
        # a: +1 appareil, +2 securite; autonomous at exit (3, 3).
        "a": person_with(site, {"appareil": 2, "securite": 1}, {"appareil": 3, "securite": 3}),
        # b: -1 appareil, 0 securite; not autonomous (1, 2).
        "b": person_with(site, {"appareil": 2, "securite": 2}, {"appareil": 1, "securite": 2}),
        # c: entry only (appareil 0, securite 4).
        "c": person_with(site, {"appareil": 0, "securite": 4}),
        # d: exit in another period than the entry: no pair; autonomous at exit (4, 3).
        "d": person_with(
            site, {"appareil": 1, "securite": 1}, {"appareil": 4, "securite": 3}, same_period=False
        ),
        # e: another site, +4 appareil.
        "e": person_with(other_site, {"appareil": 0}, {"appareil": 4}),
    }


@pytest.fixture
def admin_scope(network_admin):
    return reporting.figure_scope(network_admin)


def test_counts_per_kind_for_the_network_a_site_and_dates(world, site, network_admin):
    assert diagnostic_counts(network_admin) == reporting.Counts(entry=5, exit=4)
    assert diagnostic_counts(network_admin, DiagnosticFilter(site_id=site.pk)).exit == 3
    in_june = DiagnosticFilter(start=datetime.date(2026, 6, 1), end=datetime.date(2026, 6, 15))
    assert diagnostic_counts(network_admin, in_june) == reporting.Counts(entry=0, exit=4)
    # The end day counts whole (Paris days); the day after does not.
    assert (
        diagnostic_counts(network_admin, DiagnosticFilter(end=datetime.date(2026, 6, 14))).exit == 0
    )
    # In progress and abandoned sittings never count.
    DiagnosticFactory(beneficiary=world["c"], kind=EXIT)
    assert diagnostic_counts(network_admin).exit == 4


def test_a_site_team_counts_its_own_site_only_and_others_nothing(
    world, site, other_site, member_factory
):
    mediator = member_factory(site, Role.MEDIATOR)
    assert diagnostic_counts(mediator) == reporting.Counts(entry=4, exit=3)
    # A filter narrows, never widens.
    assert diagnostic_counts(mediator, DiagnosticFilter(site_id=other_site.pk)).total == 0
    assert reporting.figure_scope(member_factory(other_site, Role.VOLUNTEER)).site_ids == {
        other_site.pk
    }
    assert reporting.figure_scope(None) is reporting.NOTHING
    assert diagnostic_counts(scope=reporting.NOTHING).total == 0


def test_entry_levels_are_a_distribution_per_domain(world, network_admin):
    assert entry_levels(network_admin) == {
        "appareil": [2, 1, 2, 0, 0],
        "securite": [0, 2, 1, 0, 1],
    }


def test_gains_count_pairs_of_the_same_period_only(world, network_admin):
    found = gains(network_admin)
    assert found == {
        "appareil": reporting.DomainGain(pairs=3, total_gain=4, up=2, same=0, down=1),
        "securite": reporting.DomainGain(pairs=2, total_gain=2, up=1, same=1, down=0),
    }
    assert found["appareil"].mean_gain == Decimal("1.33")


def test_autonomy_at_exit_takes_each_persons_latest_exit(world, network_admin):
    assert autonomy_at_exit(network_admin) == reporting.Autonomy(people=4, autonomous=3)
    # b's later exit reaches 3 everywhere: b counts once, as autonomous.
    period = world["b"].periods.get()
    finished(world["b"], {"appareil": 3, "securite": 4}, kind=EXIT, when=at(1, 9), period=period)
    found = autonomy_at_exit(network_admin)
    assert found == reporting.Autonomy(people=4, autonomous=4)
    assert found.share == Decimal("1.00")
    # Restricted to June, b's latest exit there is the first one.
    june = DiagnosticFilter(start=datetime.date(2026, 6, 1), end=datetime.date(2026, 6, 30))
    assert autonomy_at_exit(network_admin, june).share == Decimal("0.75")


def test_any_set_of_files_as_a_queryset_or_ids(world, network_admin):
    cohort = Beneficiary.objects.filter(pk__in=[world["a"].pk, world["b"].pk])
    by_queryset = DiagnosticFilter(files=cohort)
    by_ids = DiagnosticFilter(files=[world["a"].pk, str(world["b"].pk)])
    for flt in (by_queryset, by_ids):
        assert diagnostic_counts(network_admin, flt) == reporting.Counts(entry=2, exit=2)
        assert gains(network_admin, flt)["appareil"].total_gain == 0
        assert autonomy_at_exit(network_admin, flt) == reporting.Autonomy(people=2, autonomous=1)


def test_each_figure_runs_a_fixed_number_of_queries(
    world, site, admin_scope, django_assert_num_queries
):
    def measure():
        cohort = DiagnosticFilter(files=Beneficiary.objects.filter(site=site))
        with django_assert_num_queries(4):
            diagnostic_counts(scope=admin_scope, flt=cohort)
            entry_levels(scope=admin_scope, flt=cohort)
            gains(scope=admin_scope, flt=cohort)
            autonomy_at_exit(scope=admin_scope, flt=cohort)

    measure()
    for index in range(6):
        person_with(site, {"appareil": index % 5}, {"appareil": 4}, entry_on=at(index + 1))
    measure()
