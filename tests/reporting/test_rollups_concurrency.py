"""The claim of the stale marks waits for a writer whose mark met an existing one
(PostgreSQL): its records are counted, not lost with the mark it shared."""

import datetime
import threading
import time

import pytest
from django.db import connection, connections, transaction

from tests.accounts.factories import SiteFactory
from tests.activities.factories import ActivityFactory, ParticipationFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tisser.core import stale_figures
from tisser.core.models import StaleFigure
from tisser.reporting import figures, rollups
from tisser.reporting.figures import Selection

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="table locks (runs in the PostgreSQL pass)"
)

DAY = datetime.date(2026, 3, 10)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_write_whose_mark_was_already_there_is_counted_by_the_refresh():
    site = SiteFactory()
    person = BeneficiaryFactory(site=site)
    newcomer = BeneficiaryFactory(site=site)
    ParticipationFactory(activity=ActivityFactory(site=site, date=DAY), beneficiary=person)
    stale_figures.mark_stale(site_id=site.pk, day=DAY, dimension=stale_figures.ACTIVITIES)
    marked = threading.Event()
    failures = []

    def writer():
        try:
            with transaction.atomic():
                ParticipationFactory(
                    activity=ActivityFactory(site=site, date=DAY), beneficiary=newcomer
                )
                # The day is already marked: this mark inserts nothing.
                stale_figures.mark_stale(
                    site_id=site.pk, day=DAY, dimension=stale_figures.ACTIVITIES
                )
                marked.set()
                time.sleep(1)  # the refresh starts meanwhile
        except Exception as error:  # reported to the test below
            failures.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    assert marked.wait(10)
    rollups.refresh_stale()
    thread.join()
    assert not failures
    selection = Selection(network_id=site.network_id, start=DAY, end=DAY)
    found = figures.compute(selection, ["people_helped"])["people_helped"]
    # Either the refresh read the newcomer, or its mark is still there for the next run.
    assert found.value == 2 or StaleFigure.objects.filter(site_id=site.pk).exists()
    assert found.value == 2
