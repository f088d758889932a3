"""The last seat of a workshop under concurrency (PostgreSQL): people asking at the same
moment get one seat each up to the capacity and the rest go to the waiting list, because
seats are counted under a row lock on the workshop (select_for_update)."""

import threading

import pytest
from django.db import connection, transaction

from tests.training.factories import WorkshopFactory
from tisser.training import workshops
from tisser.training.enums import RegistrationStatus as S

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent transactions (PostgreSQL pass)"
)


def run_together(target, arguments):
    barrier = threading.Barrier(len(arguments))
    results, errors = [], []
    lock = threading.Lock()

    def run(argument):
        try:
            barrier.wait(timeout=5)
            with transaction.atomic():
                outcome = target(argument)
            with lock:
                results.append(outcome)
        except Exception as error:
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_eight_people_racing_for_the_last_seat_get_one_seat(site):
    workshop = WorkshopFactory(site=site, capacity=3)
    workshops.registration_online(workshop=workshop, first_name="Awa", phone="+33612345600")
    workshops.registration_online(workshop=workshop, first_name="Léa", phone="+33612345601")

    results = run_together(
        lambda n: (
            workshops.registration_online(
                workshop=workshop, first_name="Jean", phone=f"+336123457{n:02d}"
            )[0].status
        ),
        list(range(8)),
    )

    assert sorted(results) == sorted([S.CONFIRMED] + [S.WAITING] * 7)
    assert workshop.registrations.filter(status=S.CONFIRMED).count() == 3
    waiting = list(workshop.registrations.filter(status=S.WAITING).order_by("waiting_since", "pk"))
    assert len(waiting) == 7


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_cancellations_at_once_move_two_people_up_once_each(site, mediator):
    workshop = WorkshopFactory(site=site, capacity=2)
    seats = [
        workshops.registration_online(
            workshop=workshop, first_name="Awa", phone=f"+336123456{n:02d}"
        )[0]
        for n in range(5)
    ]

    run_together(
        lambda registration: workshops.registration_cancel(
            actor=mediator, registration=registration
        ),
        seats[:2],
    )

    assert workshop.registrations.filter(status=S.CONFIRMED).count() == 2
    assert workshop.registrations.filter(status=S.WAITING).count() == 1
