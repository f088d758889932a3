"""The learning-module indicators on hand-built progress whose answers are known, read
from the raw records and from the roll-ups."""

import datetime

import pytest

from tests.accounts.factories import SiteFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.learning.factories import ModuleProgressFactory
from tests.reporting.datasets import at, split, value, values
from tisser.learning.models import ModuleProgress
from tisser.reporting.figures import Selection

pytestmark = pytest.mark.django_db

D = datetime.date
CODES = ["people_started_module", "modules_started", "people_completed_module", "modules_completed"]


def module(person, key, started, finished=None):
    found = ModuleProgressFactory(beneficiary=person, module_key=key)
    ModuleProgress.objects.filter(pk=found.pk).update(
        started_at=started, finished_at=finished, last_activity_at=finished or started
    )
    return found


@pytest.fixture
def progress():
    first = SiteFactory()
    second = SiteFactory(network=first.network)
    anna, bruno = BeneficiaryFactory(site=first), BeneficiaryFactory(site=second)
    anna_again = BeneficiaryFactory(site=second, merged_into=anna)
    module(anna, "m1", at(D(2026, 1, 10)), at(D(2026, 1, 12)))
    module(anna, "m2", at(D(2026, 2, 1)), at(D(2026, 2, 28), 23, 30))
    module(bruno, "m1", at(D(2026, 2, 5)))  # not finished
    module(bruno, "m3", at(D(2025, 12, 20)), at(D(2026, 1, 3)))  # started the year before
    # On the merged duplicate: counts for Anna, at the site of her kept file.
    module(anna_again, "m3", at(D(2026, 3, 1)), at(D(2026, 3, 2)))
    return first, second


def year(site):
    return Selection(network_id=site.network_id, start=D(2026, 1, 1), end=D(2026, 12, 31))


def test_the_known_progress_gives_the_known_figures(progress):
    first, _second = progress
    assert values(year(first), CODES) == {
        "people_started_module": (2, 2),
        "modules_started": (4, 2),
        "people_completed_module": (2, 2),
        "modules_completed": (4, 2),
    }


def test_split_by_the_learners_site_and_by_paris_month(progress):
    first, second = progress
    assert split(year(first), "modules_completed", by="site") == {first.pk: 3, second.pk: 1}
    assert split(year(first), "people_completed_module", by="site") == {
        first.pk: 1,
        second.pk: 1,
    }
    assert split(year(first), "modules_completed", by="month") == {
        D(2026, 1, 1): 2,
        D(2026, 2, 1): 1,  # 28 February 23:30 in Paris
        D(2026, 3, 1): 1,
    }
    assert split(year(first), "people_started_module", by="month") == {
        D(2026, 1, 1): 1,
        D(2026, 2, 1): 2,
        D(2026, 3, 1): 1,
    }


def test_period_edges_are_inclusive(progress):
    first, second = progress
    edges = Selection(network_id=first.network_id, start=D(2026, 2, 28), end=D(2026, 3, 2))
    assert values(edges, ["modules_completed", "people_completed_module"]) == {
        "modules_completed": (2, 1),
        "people_completed_module": (1, 1),
    }
    at_second = Selection(
        network_id=first.network_id,
        start=D(2026, 1, 1),
        end=D(2026, 12, 31),
        site_ids=frozenset({second.pk}),
    )
    assert value(at_second, "modules_started") == 1
