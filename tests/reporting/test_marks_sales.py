"""Sales, returns, boxes, stock and donation lots mark their (site, day) stale, inside their
transaction; a return marks the day its sale was paid (decision 0051)."""

import datetime
from decimal import Decimal

import pytest

from tests.accounts.factories import MembershipFactory
from tests.funding.conftest import lot_data
from tests.funding.factories import DonorFactory
from tests.offers.stock_helpers import receive_devices
from tests.reporting.marks_helpers import clear_marks, explode, marks, rolled_back
from tests.sales.factories import sell
from tests.sales.helpers import paris
from tisser.accounts.enums import Role
from tisser.core import clock
from tisser.core.stale_figures import SALES, STOCK
from tisser.funding import services as funding_services
from tisser.offers import lifecycle
from tisser.offers.enums import DeviceStatus
from tisser.offers.models import Device
from tisser.sales import boxes, returns
from tisser.sales import counter as counter_services
from tisser.sales.enums import PaymentMethod, ReturnedDeviceFate, ReturnOutcome

pytestmark = pytest.mark.django_db

PAID_AT = paris(2026, 1, 15, 11)
PAID_DAY = datetime.date(2026, 1, 15)


def sell_at(counter, *items, at=PAID_AT):
    with clock.frozen_at(at):
        return sell(actor=counter.mediator, beneficiary=counter.person, items=items)


def give_back(counter, line, *, at):
    with clock.frozen_at(at):
        return returns.sale_return_record(
            actor=counter.mediator,
            line=line,
            quantity=1,
            outcome=ReturnOutcome.REFUND,
            reason="Ne démarre plus.",
            refund_method=PaymentMethod.CASH,
            device_fate=ReturnedDeviceFate.TO_PROCESS,
        )


def test_a_paid_sale_marks_its_site_on_the_day_it_was_paid(counter):
    clear_marks()
    sell_at(counter, counter.laptop)
    assert marks(SALES) == {(counter.site.pk, PAID_DAY, SALES)}
    # The device left the stock that day.
    assert (counter.site.pk, PAID_DAY, STOCK) in marks()


def test_a_paid_sale_paid_late_at_night_counts_on_the_paris_day(counter):
    clear_marks()
    sell_at(counter, counter.recharge, at=paris(2026, 1, 15, 23, 30))  # 22:30 UTC
    assert marks(SALES) == {(counter.site.pk, PAID_DAY, SALES)}


def test_a_return_marks_the_day_the_original_sale_was_paid(counter):
    sale = sell_at(counter, counter.laptop)
    clear_marks()
    give_back(counter, sale.lines.get(), at=paris(2026, 1, 20))
    assert (counter.site.pk, PAID_DAY, SALES) in marks()
    # The device is back in stock on the day of the return.
    assert (counter.site.pk, datetime.date(2026, 1, 20), STOCK) in marks()


def test_a_failed_return_leaves_no_mark(counter, monkeypatch):
    sale = sell_at(counter, counter.laptop)
    monkeypatch.setattr(returns.journal, "record", explode)
    rolled_back(lambda: give_back(counter, sale.lines.get(), at=paris(2026, 1, 20)))


def test_a_failed_payment_leaves_no_mark(counter, monkeypatch):
    monkeypatch.setattr(counter_services, "_record", explode)
    rolled_back(lambda: sell_at(counter, counter.laptop))


def test_a_box_returned_marks_its_sale_day_and_the_day_it_came_back(counter):
    sell_at(counter, counter.box, at=paris(2026, 1, 31, 10))
    subscription = counter.person.box_subscriptions.get()
    clear_marks()
    with clock.frozen_at(paris(2026, 3, 3, 10)):
        boxes.box_return(
            actor=counter.mediator,
            subscription=subscription,
            on=datetime.date(2026, 3, 3),
            condition="En bon état",
        )
    assert {
        (counter.site.pk, datetime.date(2026, 1, 31), SALES),
        (counter.site.pk, datetime.date(2026, 3, 3), SALES),
        (counter.site.pk, datetime.date(2026, 3, 3), STOCK),
    } <= marks()


def test_devices_received_and_written_off_mark_the_stock_of_the_day(counter):
    clear_marks()
    with clock.frozen_at(paris(2026, 2, 3, 9)):
        receive_devices(counter.site, counter.laptop, 1)
    assert marks() == {(counter.site.pk, datetime.date(2026, 2, 3), STOCK)}
    device = Device.objects.filter(site=counter.site, offer=counter.laptop).latest("pk")
    clear_marks()
    with clock.frozen_at(paris(2026, 2, 4, 9)):
        lifecycle.device_status_change(
            actor=counter.manager,
            device=device,
            to_status=DeviceStatus.NOT_REUSABLE,
            reason="Écran cassé",
        )
    assert (counter.site.pk, datetime.date(2026, 2, 4), STOCK) in marks()


def test_a_donation_lot_marks_the_stock_of_the_day_it_was_received(site, network):
    manager = MembershipFactory(organisation=site, role=Role.SITE_MANAGER)
    donor = DonorFactory(network=network)
    lot = funding_services.lot_record(
        actor=manager, donor=donor, site=site, data=lot_data(received_on=datetime.date(2026, 3, 12))
    )
    assert marks() == {(site.pk, datetime.date(2026, 3, 12), STOCK)}
    clear_marks()
    funding_services.lot_correct(
        actor=manager, lot=lot, data={"received_on": datetime.date(2026, 3, 10)}
    )
    assert marks() == {
        (site.pk, datetime.date(2026, 3, 12), STOCK),
        (site.pk, datetime.date(2026, 3, 10), STOCK),
    }


def test_a_lot_revalued_marks_the_sales_of_its_units(counter, network):
    lot = funding_services.lot_record(
        actor=counter.manager,
        donor=DonorFactory(network=counter.site.network),
        site=counter.site,
        data=lot_data(received_on=datetime.date(2026, 1, 2)),
    )
    Device.objects.filter(site=counter.site, offer=counter.laptop).update(lot=lot)
    sell_at(counter, counter.laptop)
    clear_marks()
    funding_services.lot_correct(
        actor=counter.manager, lot=lot, data={"valuation_amount": Decimal("1200.00")}
    )
    # Each unit sold from it is now worth less on the day it was sold.
    assert (counter.site.pk, PAID_DAY, SALES) in marks()
    clear_marks()
    funding_services.lot_correct(actor=counter.manager, lot=lot, data={"reference": "BL-2"})
    assert marks(SALES) == set()
