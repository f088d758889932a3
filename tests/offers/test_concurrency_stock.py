"""Several counters reserving the last units while the manager ships them out (PostgreSQL):
the level rows are locked in order and the vouchers are taken with SKIP LOCKED, so stock
never goes negative and exactly what was available goes through."""

import pytest
from django.db import connection

from tests.helpers import run_together
from tests.offers.stock_helpers import (
    assert_ledger_agrees,
    make_crew,
    receive_units,
    receive_vouchers,
    send_units,
)
from tisser.offers import reservations
from tisser.offers.enums import ReservationStatus, VoucherStatus
from tisser.offers.models import Reservation, StockLevel, Transfer

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks (runs in the PostgreSQL pass)"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("offer_name", ["recharge", "cables"])
def test_reservations_and_transfers_racing_for_the_last_units(offer_name):
    crew = make_crew()
    offer = getattr(crew, offer_name)
    available = 3
    if offer_name == "recharge":
        receive_vouchers(crew.site, offer, available)
    else:
        receive_units(crew.site, offer, available)

    def reserve():
        reservations.units_reserve(actor=crew.mediator, site=crew.site, offer=offer, quantity=1)

    def ship():
        send_units(crew.site, crew.other_site, offer, 1)

    outcomes = run_together([reserve] * 4 + [ship] * 3)

    assert outcomes.count("done") == available
    level = StockLevel.objects.get(site=crew.site, offer=offer)
    reserved = Reservation.objects.filter(status=ReservationStatus.ACTIVE).count()
    shipped = Transfer.objects.count()
    assert reserved + shipped == available
    assert level.on_hand == available - shipped >= 0
    assert level.reserved == reserved <= level.on_hand
    if offer_name == "recharge":
        assert offer.vouchers.filter(status=VoucherStatus.RESERVED).count() == reserved
        assert offer.vouchers.filter(transfer__isnull=False).count() == shipped
    assert_ledger_agrees(crew.site, offer)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_counters_reserving_vouchers_do_not_take_the_same_one():
    crew = make_crew()
    receive_vouchers(crew.site, crew.recharge, 6)

    def reserve():
        reservations.units_reserve(
            actor=crew.mediator, site=crew.site, offer=crew.recharge, quantity=2
        )

    outcomes = run_together([reserve] * 4)

    assert outcomes.count("done") == 3
    held = list(
        crew.recharge.vouchers.filter(status=VoucherStatus.RESERVED).values_list(
            "reservation", flat=True
        )
    )
    assert len(held) == 6 and len(set(held)) == 3
    assert_ledger_agrees(crew.site, crew.recharge)
