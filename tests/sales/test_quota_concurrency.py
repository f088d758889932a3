"""Ten sales at once for one person (PostgreSQL row locks): a rule is never exceeded."""

import pytest
from django.db import connection

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.notifications.test_concurrency import run_together
from tests.sales.helpers import buy
from tisser.beneficiaries import services as files
from tisser.core.errors import DomainError
from tisser.sales.models import QuotaConsumption

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks (runs in the PostgreSQL pass)"
)


def _sell(actor, person, offer):
    def attempt():
        try:
            buy(actor, person, offer)
        except DomainError:
            return "refused"
        return "sold"

    return attempt


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_ten_recharges_at_once_never_pass_30_euros(team, offers, rules):
    person = BeneficiaryFactory(site=team.site)
    results = run_together(_sell(team.mediator, person, offers.recharge10), count=10)
    assert sorted(results) == ["refused"] * 7 + ["sold"] * 3
    assert QuotaConsumption.objects.filter(beneficiary=person).count() == 3


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_ten_laptops_at_once_for_one_household_give_one_sale(team, offers, rules):
    people = [BeneficiaryFactory(site=team.site) for _ in range(2)]
    files.household_link(actor=team.mediator, beneficiary=people[0], other=people[1])
    sellers = [_sell(team.mediator, people[index % 2], offers.laptop) for index in range(10)]
    counter = iter(range(10))
    results = run_together(lambda: sellers[next(counter)](), count=10)
    assert sorted(results) == ["refused"] * 9 + ["sold"]
    assert QuotaConsumption.objects.filter(family="ORDINATEUR_PORTABLE").count() == 1
