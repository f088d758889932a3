"""Two visits recorded at once for one person open one period (PostgreSQL row locks)."""

import pytest
from django.db import connection
from django.utils import timezone

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.notifications.test_concurrency import run_together
from tisser.beneficiaries import services
from tisser.beneficiaries.models import AccompanimentPeriod

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks (runs in the PostgreSQL pass)"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_visits_open_one_period(team):
    beneficiary = BeneficiaryFactory(site=team.site)

    def open_period():
        period, _created = services.accompaniment_period_open_if_none(
            actor=team.mediator, beneficiary=beneficiary, site=team.site, on=timezone.localdate()
        )
        return period.pk

    results = run_together(open_period)

    assert len(results) == 2 and len(set(results)) == 1
    assert AccompanimentPeriod.objects.filter(beneficiary=beneficiary).count() == 1
