"""Two saves from the same appointment at once (PostgreSQL): the appointment's row lock and
the unique constraint let exactly one record through."""

import threading

import pytest
from django.db import connection

from tests.activities.conftest import individual
from tests.referrals.factories import AppointmentFactory
from tisser.activities import services
from tisser.activities.models import Activity
from tisser.core.errors import DomainError

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks (runs in the PostgreSQL pass)"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_mediators_saving_one_appointment_at_once_give_one_record(team):
    appointment = AppointmentFactory(site=team.site)
    barrier = threading.Barrier(2)
    outcomes = []

    def save(actor):
        try:
            barrier.wait(timeout=5)
            services.activity_create(actor=actor, data=individual(), appointment=appointment)
            outcomes.append("saved")
        except DomainError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(team.mediator,)),
        threading.Thread(target=save, args=(team.colleague,)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(outcomes) == ["refused", "saved"]
    assert Activity.objects.filter(appointment=appointment).count() == 1
