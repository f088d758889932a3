"""Reservations, their end (by hand, by the job), the sale and the return at ledger level."""

import datetime

import pytest

from tests.offers import stock_helpers
from tests.offers.stock_helpers import (
    assert_ledger_agrees,
    later,
    level,
    receive_devices,
    receive_units,
    receive_vouchers,
)
from tisser.core import clock
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.core.scheduler import registered_jobs, run_due_jobs
from tisser.offers import reservations
from tisser.offers.enums import DeviceStatus, MovementKind, ReservationStatus, VoucherStatus
from tisser.offers.models import DeviceStatusChange, StockMovement

crew = stock_helpers.crew  # the fixture


def test_a_mediator_reserves_a_ready_device(crew):
    [device] = receive_devices(crew.site, crew.laptop)
    reservation = reservations.device_reserve(actor=crew.mediator, device=device, note="Mardi")
    device.refresh_from_db()
    assert device.status == DeviceStatus.RESERVED
    assert device.reserved_until == reservation.reserved_until
    assert reservation.reserved_until - clock.now() > datetime.timedelta(hours=47)
    assert level(crew.site, crew.laptop).reserved == 1
    assert level(crew.site, crew.laptop).available == 0
    assert StockMovement.objects.filter(kind=MovementKind.RESERVATION, device=device).count() == 1
    change = DeviceStatusChange.objects.get(device=device)
    assert (change.from_status, change.to_status) == ("PRET_A_DISTRIBUER", "RESERVE")
    assert JournalEntry.objects.filter(action="stock.reserved").count() == 1
    assert_ledger_agrees(crew.site, crew.laptop)


@pytest.mark.parametrize(
    "status", [DeviceStatus.TO_PROCESS, DeviceStatus.PROCESSING, DeviceStatus.READY_TO_ORDER]
)
def test_a_device_not_ready_cannot_be_reserved(crew, status):
    [device] = receive_devices(crew.site, crew.laptop, status=status)
    with pytest.raises(DomainError, match="prêt à distribuer"):
        reservations.device_reserve(actor=crew.mediator, device=device)
    assert level(crew.site, crew.laptop).reserved == 0


def test_a_device_is_reserved_once(crew):
    [device] = receive_devices(crew.site, crew.laptop)
    reservations.device_reserve(actor=crew.mediator, device=device)
    with pytest.raises(DomainError):
        reservations.device_reserve(actor=crew.manager, device=device)
    assert level(crew.site, crew.laptop).reserved == 1


@pytest.mark.parametrize("who", ["volunteer", "other_mediator", "foreign_admin"])
def test_who_may_not_reserve(crew, who):
    [device] = receive_devices(crew.site, crew.laptop)
    with pytest.raises(DomainError, match="Vous ne pouvez pas"):
        reservations.device_reserve(actor=getattr(crew, who), device=device)
    receive_vouchers(crew.site, crew.recharge, 2)
    with pytest.raises(DomainError, match="Vous ne pouvez pas"):
        reservations.units_reserve(
            actor=getattr(crew, who), site=crew.site, offer=crew.recharge, quantity=1
        )


def test_the_network_admin_reserves_at_any_site_of_the_network(crew):
    [device] = receive_devices(crew.other_site, crew.laptop)
    reservations.device_reserve(actor=crew.admin, device=device)
    assert level(crew.other_site, crew.laptop).reserved == 1


def test_the_end_is_bounded(crew):
    [device] = receive_devices(crew.site, crew.laptop)
    with pytest.raises(DomainError, match="futur"):
        reservations.device_reserve(actor=crew.mediator, device=device, until=later(minutes=-1))
    with pytest.raises(DomainError, match="14 jours"):
        reservations.device_reserve(actor=crew.mediator, device=device, until=later(days=15))
    until = later(hours=2)
    reservation = reservations.device_reserve(actor=crew.mediator, device=device, until=until)
    assert reservation.reserved_until == until


def test_vouchers_are_reserved_oldest_expiry_first(crew):
    late = receive_vouchers(crew.site, crew.recharge, 1, expires_on=datetime.date(2027, 6, 1))
    never = receive_vouchers(crew.site, crew.recharge, 1)
    soon = receive_vouchers(crew.site, crew.recharge, 1, expires_on=datetime.date(2027, 1, 1))
    reservation = reservations.units_reserve(
        actor=crew.mediator, site=crew.site, offer=crew.recharge, quantity=2
    )
    held = set(reservation.vouchers.values_list("pk", flat=True))
    assert held == {soon[0].pk, late[0].pk}
    assert never[0].pk not in held
    assert set(reservation.vouchers.values_list("status", flat=True)) == {VoucherStatus.RESERVED}
    assert level(crew.site, crew.recharge).reserved == 2
    assert_ledger_agrees(crew.site, crew.recharge)


def test_vouchers_in_transit_or_reserved_are_not_picked(crew):
    receive_vouchers(crew.site, crew.recharge, 2)
    reservations.units_reserve(actor=crew.mediator, site=crew.site, offer=crew.recharge, quantity=1)
    with pytest.raises(DomainError, match="Il ne reste que 1 code"):
        reservations.units_reserve(
            actor=crew.mediator, site=crew.site, offer=crew.recharge, quantity=2
        )
    assert level(crew.site, crew.recharge).reserved == 1


def test_quantity_offers_reserve_units_within_what_is_free(crew):
    receive_units(crew.site, crew.cables, 5)
    reservations.units_reserve(actor=crew.mediator, site=crew.site, offer=crew.cables, quantity=4)
    with pytest.raises(DomainError, match="1 disponible"):
        reservations.units_reserve(
            actor=crew.mediator, site=crew.site, offer=crew.cables, quantity=2
        )
    assert (level(crew.site, crew.cables).on_hand, level(crew.site, crew.cables).reserved) == (5, 4)


def test_a_device_offer_is_not_reserved_by_quantity(crew):
    receive_devices(crew.site, crew.laptop, 2)
    with pytest.raises(DomainError, match="numéro d'inventaire"):
        reservations.units_reserve(
            actor=crew.mediator, site=crew.site, offer=crew.laptop, quantity=1
        )


@pytest.mark.parametrize("quantity", [0, -1, 1001])
def test_absurd_quantities_are_refused(crew, quantity):
    receive_units(crew.site, crew.cables, 5)
    with pytest.raises(DomainError):
        reservations.units_reserve(
            actor=crew.mediator, site=crew.site, offer=crew.cables, quantity=quantity
        )


def test_release_by_hand_frees_everything(crew):
    [device] = receive_devices(crew.site, crew.laptop)
    receive_vouchers(crew.site, crew.recharge, 3)
    receive_units(crew.site, crew.cables, 3)
    held = [
        reservations.device_reserve(actor=crew.mediator, device=device),
        reservations.units_reserve(
            actor=crew.mediator, site=crew.site, offer=crew.recharge, quantity=2
        ),
        reservations.units_reserve(
            actor=crew.mediator, site=crew.site, offer=crew.cables, quantity=3
        ),
    ]
    for reservation in held:
        reservations.reservation_release(
            actor=crew.manager, reservation=reservation, reason="Annulé"
        )
        reservation.refresh_from_db()
        assert reservation.status == ReservationStatus.RELEASED
        assert reservation.ended_by == crew.manager.user
    device.refresh_from_db()
    assert device.status == DeviceStatus.READY_TO_DISTRIBUTE and device.reserved_until is None
    assert not crew.recharge.vouchers.filter(status=VoucherStatus.RESERVED).exists()
    assert not crew.recharge.vouchers.filter(reservation__isnull=False).exists()
    for offer in (crew.laptop, crew.recharge, crew.cables):
        assert level(crew.site, offer).reserved == 0
        assert_ledger_agrees(crew.site, offer)
    with pytest.raises(DomainError, match="déjà terminée"):
        reservations.reservation_release(actor=crew.manager, reservation=held[0])


def test_the_job_releases_what_has_expired_and_only_that(crew):
    devices = receive_devices(crew.site, crew.laptop, 2)
    receive_units(crew.site, crew.cables, 3)
    receive_vouchers(crew.site, crew.recharge, 1)
    short = reservations.device_reserve(
        actor=crew.mediator, device=devices[0], until=later(hours=1)
    )
    long = reservations.device_reserve(actor=crew.mediator, device=devices[1], until=later(hours=5))
    units = reservations.units_reserve(
        actor=crew.mediator, site=crew.site, offer=crew.cables, quantity=2, until=later(hours=1)
    )
    code = reservations.units_reserve(
        actor=crew.mediator, site=crew.site, offer=crew.recharge, quantity=1, until=later(hours=1)
    )
    assert "offers.reservations_expire" in {job.name for job in registered_jobs()}
    [result] = [
        r for r in run_due_jobs(now=later(hours=2)) if r.name == "offers.reservations_expire"
    ]
    assert result.outcome == "succeeded", result.error
    assert result.summary == "expired=3"
    for reservation, status in (
        (short, "expired"),
        (long, "active"),
        (units, "expired"),
        (code, "expired"),
    ):
        reservation.refresh_from_db()
        assert reservation.status == status
    assert level(crew.site, crew.laptop).reserved == 1
    assert level(crew.site, crew.cables).reserved == 0
    assert level(crew.site, crew.recharge).reserved == 0
    assert JournalEntry.objects.filter(action="stock.reservation_expired").count() == 3
    # A second run for a later slot has nothing left to do.
    assert reservations.reservations_expire(now=later(hours=3)) == 0
    for offer in (crew.laptop, crew.recharge, crew.cables):
        assert_ledger_agrees(crew.site, offer)


def test_a_sale_takes_the_reserved_stock_out(crew):
    [device] = receive_devices(crew.site, crew.laptop)
    receive_vouchers(crew.site, crew.recharge, 3)
    receive_units(crew.site, crew.cables, 4)
    sold_device = reservations.stock_sell(
        actor=crew.mediator,
        reservation=reservations.device_reserve(actor=crew.mediator, device=device),
    )
    sold_codes = reservations.stock_sell(
        actor=crew.mediator,
        reservation=reservations.units_reserve(
            actor=crew.mediator, site=crew.site, offer=crew.recharge, quantity=2
        ),
    )
    sold_units = reservations.stock_sell(
        actor=crew.mediator,
        reservation=reservations.units_reserve(
            actor=crew.mediator, site=crew.site, offer=crew.cables, quantity=3
        ),
    )
    device.refresh_from_db()
    assert sold_device.device == device and device.status == DeviceStatus.DISTRIBUTED
    assert [m.kind for m in sold_device.movements] == [MovementKind.SALE]
    assert len(sold_codes.vouchers) == 2
    for voucher in sold_codes.vouchers:
        voucher.refresh_from_db()
        assert voucher.status == VoucherStatus.SOLD and voucher.sold_at == sold_codes.at
    assert sold_units.quantity == 3 and sold_units.offer == crew.cables
    assert (level(crew.site, crew.laptop).on_hand, level(crew.site, crew.laptop).reserved) == (0, 0)
    assert (level(crew.site, crew.recharge).on_hand, level(crew.site, crew.recharge).reserved) == (
        1,
        0,
    )
    assert (level(crew.site, crew.cables).on_hand, level(crew.site, crew.cables).reserved) == (1, 0)
    for offer in (crew.laptop, crew.recharge, crew.cables):
        assert_ledger_agrees(crew.site, offer)
    with pytest.raises(DomainError, match="déjà terminée"):
        reservations.stock_sell(actor=crew.mediator, reservation=sold_units.reservation)


def test_an_expired_reservation_cannot_be_sold(crew):
    [device] = receive_devices(crew.site, crew.laptop)
    reservation = reservations.device_reserve(
        actor=crew.mediator, device=device, until=later(hours=1)
    )
    reservations.reservations_expire(now=later(hours=2))
    with pytest.raises(DomainError, match="expirée"):
        reservations.stock_sell(actor=crew.mediator, reservation=reservation)


def test_a_returned_device_goes_back_to_be_wiped_at_the_receiving_site(crew):
    [device] = receive_devices(crew.site, crew.laptop, wiped_at=clock.now())
    reservations.stock_sell(
        actor=crew.mediator,
        reservation=reservations.device_reserve(actor=crew.mediator, device=device),
    )
    reservations.stock_return(
        actor=crew.other_mediator, site=crew.other_site, device=device, reason="Écran cassé"
    )
    device.refresh_from_db()
    assert device.site == crew.other_site
    assert device.status == DeviceStatus.TO_PROCESS and device.wiped_at is None
    assert level(crew.other_site, crew.laptop).on_hand == 1
    assert level(crew.site, crew.laptop).on_hand == 0
    assert_ledger_agrees(crew.site, crew.laptop)
    assert_ledger_agrees(crew.other_site, crew.laptop)
    with pytest.raises(DomainError, match="n'a pas été distribué"):
        reservations.stock_return(
            actor=crew.other_mediator, site=crew.other_site, device=device, reason="Encore"
        )


def test_a_return_under_warranty_goes_to_after_sales(crew):
    [device] = receive_devices(crew.site, crew.laptop)
    reservations.stock_sell(
        actor=crew.mediator,
        reservation=reservations.device_reserve(actor=crew.mediator, device=device),
    )
    reservations.stock_return(
        actor=crew.mediator, site=crew.site, device=device, reason="Batterie", after_sales=True
    )
    device.refresh_from_db()
    assert device.status == DeviceStatus.AFTER_SALES
    assert_ledger_agrees(crew.site, crew.laptop)


def test_returns_of_units_and_refusals(crew):
    reservations.stock_return(
        actor=crew.mediator, site=crew.site, offer=crew.cables, quantity=2, reason="Pas utilisés"
    )
    assert level(crew.site, crew.cables).on_hand == 2
    with pytest.raises(DomainError, match="ne revient pas en stock"):
        reservations.stock_return(
            actor=crew.mediator, site=crew.site, offer=crew.recharge, reason="Ne marche pas"
        )
    with pytest.raises(DomainError, match="motif"):
        reservations.stock_return(
            actor=crew.mediator, site=crew.site, offer=crew.cables, reason=" "
        )
    assert JournalEntry.objects.filter(action="stock.returned").count() == 1
