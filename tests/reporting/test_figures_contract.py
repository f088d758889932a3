"""The figures API on the first indicator: people counted once across sites and days."""

import datetime

import pytest

from tests.accounts.factories import SiteFactory
from tests.activities.factories import ActivityFactory, ParticipationFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tisser.reporting import figures, rollups
from tisser.reporting.figures import Selection

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 10)


def test_a_person_seen_at_two_sites_on_two_days_counts_once():
    first = SiteFactory()
    second = SiteFactory(network=first.network)
    person = BeneficiaryFactory(site=first)
    other = BeneficiaryFactory(site=second)
    for site, day in ((first, DAY), (second, DAY + datetime.timedelta(days=40))):
        ParticipationFactory(activity=ActivityFactory(site=site, date=day), beneficiary=person)
    ParticipationFactory(activity=ActivityFactory(site=second, date=DAY), beneficiary=other)
    selection = Selection(
        network_id=first.network_id, start=DAY, end=DAY + datetime.timedelta(days=60)
    )
    rollups.rebuild(selection.start, selection.end)
    for source in ("raw", "rollups"):
        found = figures.compute(selection, ["people_helped"], source=source)["people_helped"]
        assert (found.value, found.base) == (2, 2)
    per_site = figures.compute_split(selection, ["people_helped"], by="site", source="raw")
    assert {site: figure.value for site, figure in per_site["people_helped"].items()} == {
        first.pk: 1,
        second.pk: 2,
    }
