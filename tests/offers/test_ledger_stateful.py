"""Random sequences of stock operations never break the ledger.

Hypothesis drives the real services (reservations, release, sale, return, write-off,
adjustment, expiry) and the test receipts and transfers of ``stock_helpers`` over three
sites and three offers (devices, vouchers, quantities). After every step, for every
(site, offer): ``on_hand`` = Σ ledger quantity = units on the premises, ``reserved`` =
Σ reserved_delta = reserved units, 0 ≤ reserved ≤ on_hand; and every active reservation
holds exactly what it says. A refused step (``DomainError``) changes nothing.
"""

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from tests.offers import stock_helpers as h
from tisser.core.errors import DomainError
from tisser.offers import adjustments, reservations
from tisser.offers.enums import DeviceStatus, ReservationStatus, Tracking, TransferStatus
from tisser.offers.models import Device, Reservation, StockLevel, StockMovement, Transfer

SITES = ("site", "other_site", "hub")
OFFERS = ("laptop", "recharge", "cables")
sites = st.sampled_from(SITES)
offers = st.sampled_from(OFFERS)
counts = st.integers(min_value=1, max_value=3)
picks = st.integers(min_value=0, max_value=10_000)


def _pick(rows, index):
    rows = list(rows)
    return rows[index % len(rows)] if rows else None


@pytest.mark.django_db
def test_random_stock_operations_keep_the_ledger_true():
    crew = h.make_crew()
    managers = {"site": crew.manager, "other_site": crew.other_manager, "hub": crew.hub_manager}

    class StockLife(RuleBasedStateMachine):
        def attempt(self, function, **kwargs):
            before = self.snapshot()
            try:
                function(**kwargs)
            except DomainError:
                assert self.snapshot() == before, "a refused operation changed the stock"

        @staticmethod
        def snapshot():
            return (
                list(StockLevel.objects.order_by("pk").values_list("on_hand", "reserved")),
                StockMovement.objects.count(),
            )

        @rule(where=sites, what=offers, n=counts)
        def receive(self, where, what, n):
            site, offer = getattr(crew, where), getattr(crew, what)
            if offer.tracking == Tracking.DEVICE:
                h.receive_devices(site, offer, n)
            elif offer.tracking == Tracking.VOUCHER:
                h.receive_vouchers(site, offer, n)
            else:
                h.receive_units(site, offer, n)

        @rule(source=sites, dest=sites, what=offers, n=counts)
        def transfer_out(self, source, dest, what, n):
            if source != dest:
                self.attempt(
                    h.send_units,
                    from_site=getattr(crew, source),
                    to_site=getattr(crew, dest),
                    offer=getattr(crew, what),
                    quantity=n,
                )

        @rule(index=picks)
        def transfer_in(self, index):
            transfer = _pick(
                Transfer.objects.filter(status=TransferStatus.IN_TRANSIT).order_by("pk"), index
            )
            if transfer is not None:
                h.receive_transfer(transfer)

        @rule(where=sites, what=offers, n=counts, index=picks)
        def reserve(self, where, what, n, index):
            site, offer = getattr(crew, where), getattr(crew, what)
            if offer.tracking == Tracking.DEVICE:
                device = _pick(Device.objects.filter(site=site).order_by("pk"), index)
                if device is not None:
                    self.attempt(reservations.device_reserve, actor=managers[where], device=device)
            else:
                self.attempt(
                    reservations.units_reserve,
                    actor=managers[where],
                    site=site,
                    offer=offer,
                    quantity=n,
                )

        def active(self, index):
            return _pick(
                Reservation.objects.filter(status=ReservationStatus.ACTIVE).order_by("pk"), index
            )

        @rule(index=picks)
        def release(self, index):
            reservation = self.active(index)
            if reservation is not None:
                self.attempt(
                    reservations.reservation_release, actor=crew.admin, reservation=reservation
                )

        @rule(index=picks)
        def sell(self, index):
            reservation = self.active(index)
            if reservation is not None:
                self.attempt(reservations.stock_sell, actor=crew.admin, reservation=reservation)

        @rule(index=picks)
        def expire_all(self, index):
            reservations.reservations_expire(now=h.later(days=15))

        @rule(where=sites, what=offers, n=counts, index=picks)
        def give_back(self, where, what, n, index):
            site, offer = getattr(crew, where), getattr(crew, what)
            device = _pick(
                Device.objects.filter(status=DeviceStatus.DISTRIBUTED).order_by("pk"), index
            )
            if offer.tracking == Tracking.DEVICE and device is not None:
                self.attempt(
                    reservations.stock_return,
                    actor=managers[where],
                    site=site,
                    device=device,
                    reason="Rendu",
                )
            elif offer.tracking != Tracking.DEVICE:
                self.attempt(
                    reservations.stock_return,
                    actor=managers[where],
                    site=site,
                    offer=offer,
                    quantity=n,
                    reason="Rendu",
                )

        @rule(where=sites, what=offers, n=counts, index=picks)
        def write_off(self, where, what, n, index):
            site, offer = getattr(crew, where), getattr(crew, what)
            kwargs = {"actor": managers[where], "site": site, "reason": "Cassé"}
            if offer.tracking == Tracking.DEVICE:
                kwargs["device"] = _pick(Device.objects.filter(site=site).order_by("pk"), index)
            elif offer.tracking == Tracking.VOUCHER:
                kwargs["voucher"] = _pick(offer.vouchers.filter(site=site).order_by("pk"), index)
            else:
                kwargs.update(offer=offer, quantity=n)
            if len(kwargs) > 3 and None not in kwargs.values():
                self.attempt(adjustments.stock_write_off, **kwargs)

        @rule(where=sites, delta=st.integers(min_value=-4, max_value=4))
        def adjust(self, where, delta):
            self.attempt(
                adjustments.stock_adjust,
                actor=managers[where],
                site=getattr(crew, where),
                offer=crew.cables,
                delta=delta,
                reason="Recompté",
            )

        @invariant()
        def ledger_is_true(self):
            for where in SITES:
                for what in OFFERS:
                    h.assert_ledger_agrees(getattr(crew, where), getattr(crew, what))
            for reservation in Reservation.objects.filter(status=ReservationStatus.ACTIVE):
                if reservation.device_id:
                    assert reservation.device.status == DeviceStatus.RESERVED
                    assert reservation.device.site_id == reservation.site_id
                elif reservation.offer.tracking == Tracking.VOUCHER:
                    assert (
                        reservation.vouchers.filter(status="RESERVED").count()
                        == reservation.quantity
                    )

    run_state_machine_as_test(
        StockLife,
        settings=settings(
            max_examples=25,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
