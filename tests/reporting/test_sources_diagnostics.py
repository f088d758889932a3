"""The diagnostic indicators on hand-built sittings whose answers are known, read from the
raw records and from the roll-ups; the autonomy rule (decision 0055)."""

import datetime
from decimal import Decimal

import pytest

from tests.accounts.factories import SiteFactory
from tests.activities.factories import ActivityFactory, ParticipationFactory
from tests.beneficiaries.factories import AccompanimentPeriodFactory, BeneficiaryFactory
from tests.diagnostics.factories import DiagnosticFactory, DiagnosticResultFactory
from tests.reporting.datasets import at, split, value, values
from tisser.activities.enums import Autonomy
from tisser.beneficiaries.enums import PeriodCloseReason
from tisser.diagnostics import framework
from tisser.diagnostics.enums import DiagnosticKind, DiagnosticStatus
from tisser.reporting import figures
from tisser.reporting.figures import Selection
from tisser.reporting.sources.diagnostics import AUTONOMY_DOMAINS

pytestmark = pytest.mark.django_db

D = datetime.date
ENTRY, EXIT = DiagnosticKind.ENTRY, DiagnosticKind.EXIT
CODES = [
    "entry_diagnostics",
    "exit_diagnostics",
    "people_autonomous",
    "people_with_progress",
    "level_gains",
    "progress_pairs",
    "average_progress",
]


def sitting(person, site, kind, moment, levels, period=None, **kwargs):
    """A finished sitting with ``levels`` ({domain: level})."""
    found = DiagnosticFactory(
        beneficiary=person,
        site=site,
        kind=kind,
        period=period,
        domains=list(levels),
        status=DiagnosticStatus.FINISHED,
        finished_at=moment,
        item_count=18,
        **kwargs,
    )
    for domain, level in levels.items():
        DiagnosticResultFactory(diagnostic=found, domain=domain, level=level)
    return found


def five(*levels):
    return dict(zip(AUTONOMY_DOMAINS, levels, strict=True))


@pytest.fixture
def sittings():
    first = SiteFactory()
    second = SiteFactory(network=first.network)
    anna, bruno, chloe, denis, eve = (BeneficiaryFactory(site=first) for _ in range(5))
    anna_again = BeneficiaryFactory(site=second, merged_into=anna)
    anna_period = AccompanimentPeriodFactory(site=first, beneficiary=anna)
    bruno_period = AccompanimentPeriodFactory(site=second, beneficiary=bruno)
    # Anna: entry then exit in one period, autonomous everywhere at exit (23:30 in Paris).
    sitting(anna, first, ENTRY, at(D(2026, 1, 10)), five(1, 2, 1, 0, 2), anna_period)
    sitting(anna, first, EXIT, at(D(2026, 3, 15), 23, 30), five(3, 3, 3, 3, 4), anna_period)
    # Her merged duplicate took another entry at the second site.
    sitting(anna_again, second, ENTRY, at(D(2026, 6, 1)), five(2, 2, 2, 2, 2))
    # Bruno: entry before the year, exit in it; one domain below 3: not autonomous.
    sitting(bruno, second, ENTRY, at(D(2025, 11, 2)), five(2, 3, 1, 2, 3), bruno_period)
    sitting(bruno, second, EXIT, at(D(2026, 2, 20)), five(3, 3, 3, 2, 3), bruno_period)
    # Chloé: exit without a period (no pair); autonomous in the five, job search at 1.
    sitting(chloe, first, EXIT, at(D(2026, 4, 1)), {**five(3, 4, 3, 3, 3), "emploi": 1})
    # Denis: exit measuring two domains only, at 4: not autonomous in the five.
    sitting(denis, first, EXIT, at(D(2026, 5, 1)), {"appareil": 4, "securite": 4})
    # Eve: an entry, then an exit abandoned (never counts).
    sitting(eve, second, ENTRY, at(D(2026, 2, 1)), five(1, 1, 1, 1, 1))
    DiagnosticFactory(beneficiary=eve, site=second, kind=EXIT, status=DiagnosticStatus.ABANDONED)
    return first, second


def year(site, **kwargs):
    return Selection(network_id=site.network_id, start=D(2026, 1, 1), end=D(2026, 12, 31), **kwargs)


def test_the_autonomy_domains_are_the_frameworks_common_domains():
    domains = {domain.code: domain for domain in framework.domains()}
    assert set(AUTONOMY_DOMAINS) <= set(domains)
    assert not any(domains[code].jobseekers_only for code in AUTONOMY_DOMAINS)
    assert set(domains) - set(AUTONOMY_DOMAINS) == {"emploi"}


def test_the_known_sittings_give_the_known_figures(sittings):
    first, _second = sittings
    assert values(year(first), CODES) == {
        "entry_diagnostics": (2, 2),  # Anna (twice, two merged files) and Eve
        "exit_diagnostics": (4, 4),
        "people_autonomous": (2, 2),  # Anna and Chloé
        "people_with_progress": (2, 2),  # Anna and Bruno
        "level_gains": (13, 2),  # 2+1+2+3+2 and 1+0+2+0+0
        "progress_pairs": (10, 2),
        "average_progress": (Decimal("1.3000"), 2),
    }


def test_progress_per_domain(sittings):
    first, _second = sittings
    assert split(year(first), "level_gains", by="key") == {
        "appareil": 3,
        "informations": 1,
        "communiquer": 4,
        "demarches": 3,
        "securite": 2,
    }
    per_domain = figures.compute_split(year(first), ["average_progress"], by="key", source="raw")
    assert {key: f.value for key, f in per_domain["average_progress"].items()} == {
        "appareil": Decimal("1.5000"),
        "informations": Decimal("0.5000"),
        "communiquer": Decimal("2.0000"),
        "demarches": Decimal("1.5000"),
        "securite": Decimal("1.0000"),
    }


def test_split_by_site_and_month(sittings):
    first, second = sittings
    assert split(year(first), "entry_diagnostics", by="site") == {first.pk: 1, second.pk: 2}
    assert split(year(first), "exit_diagnostics", by="site") == {first.pk: 3, second.pk: 1}
    assert split(year(first), "people_autonomous", by="month") == {
        D(2026, 3, 1): 1,
        D(2026, 4, 1): 1,
    }


def test_period_edges_are_inclusive_paris_days(sittings):
    first, _second = sittings
    the_day = Selection(network_id=first.network_id, start=D(2026, 3, 15), end=D(2026, 3, 15))
    assert value(the_day, "exit_diagnostics") == 1
    assert value(the_day, "people_autonomous") == 1
    after = Selection(network_id=first.network_id, start=D(2026, 3, 16), end=D(2026, 4, 1))
    assert values(after, ["people_autonomous", "exit_diagnostics"]) == {
        "people_autonomous": (1, 1),
        "exit_diagnostics": (1, 1),
    }


def test_autonomy_never_comes_from_a_closing_reason_nor_an_activity():
    site = SiteFactory()
    person = BeneficiaryFactory(site=site)
    AccompanimentPeriodFactory(
        site=site,
        beneficiary=person,
        opened_on=D(2026, 1, 5),
        closed_on=D(2026, 3, 1),
        close_reason=PeriodCloseReason.AUTONOMOUS,
    )
    activity = ActivityFactory(site=site, date=D(2026, 2, 1), autonomy=Autonomy.AUTONOME)
    ParticipationFactory(activity=activity, beneficiary=person)
    # An entry sitting autonomous everywhere is not an exit either.
    sitting(person, site, ENTRY, at(D(2026, 2, 2)), five(4, 4, 4, 4, 4))
    assert value(year(site), "people_autonomous") == 0
    sitting(person, site, EXIT, at(D(2026, 3, 1)), five(3, 3, 3, 3, 3))
    assert value(year(site), "people_autonomous") == 1
