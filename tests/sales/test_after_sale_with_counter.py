"""The after-sale services with the real counter (sales.counter): a box sold at the counter
opens its subscription, its fee sale is paid by sale_pay or expires, an exchange's credit
pays the next sale, and the day's closing reads all of it."""

import datetime
from decimal import Decimal

import pytest

from tests.sales import counter_helpers as steps
from tests.sales.helpers import paris
from tisser.core import clock
from tisser.core.errors import DomainError
from tisser.sales import boxes, cash, returns
from tisser.sales import counter as counter_services
from tisser.sales.counter import PaymentInput
from tisser.sales.enums import (
    PaymentMethod,
    ReturnedDeviceFate,
    ReturnOutcome,
    SaleStatus,
)
from tisser.sales.models import BoxSubscription, Sale

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _box_with_an_activation_fee(counter):
    """The counter takes no payment of 0 €: the lent box is sold with a 5 € activation fee."""
    counter.box.solidarity_price = Decimal("5.00")
    counter.box.save(update_fields=["solidarity_price"])


def test_a_box_sold_at_the_counter_then_its_fees_paid_at_the_counter(counter):
    with clock.frozen_at(paris(2026, 2, 2, 10)):
        person = steps.person_with_right(counter.site)
        steps.sell(counter.mediator, person, counter.box)
        subscription = BoxSubscription.objects.get(beneficiary=person)
        assert subscription.starts_on == datetime.date(2026, 2, 2)
        fees = boxes.fee_sale_create(
            actor=counter.mediator,
            subscription=subscription,
            months=boxes.due_dates(subscription)[:2],
        )
        paid = counter_pay(counter, fees, Decimal("20.00"))
    assert paid.status == SaleStatus.PAID and paid.receipt_number
    with clock.frozen_at(paris(2026, 3, 20)):
        months = boxes.schedule(subscription)
    assert [m.paid for m in months[:3]] == [True, True, False]


def test_a_fee_sale_left_unpaid_expires_and_its_month_is_sold_again(counter):
    with clock.frozen_at(paris(2026, 2, 2, 10)):
        person = steps.person_with_right(counter.site)
        steps.sell(counter.mediator, person, counter.box)
        subscription = BoxSubscription.objects.get(beneficiary=person)
        first_month = boxes.due_dates(subscription)[:1]
        stale = boxes.fee_sale_create(
            actor=counter.mediator, subscription=subscription, months=first_month
        )
    assert counter_services.sales_expire(now=paris(2026, 2, 3)) == 1
    assert Sale.objects.get(pk=stale.pk).status == SaleStatus.EXPIRED
    with clock.frozen_at(paris(2026, 2, 3, 10)):
        again = boxes.fee_sale_create(
            actor=counter.mediator, subscription=subscription, months=first_month
        )
        counter_pay(counter, again, Decimal("10.00"))
        assert boxes.schedule(subscription)[0].paid


def test_an_exchange_credit_pays_the_next_sale_and_the_closing_keeps_it_out_of_the_till(
    counter,
):
    with clock.frozen_at(paris(2026, 2, 2, 10)):
        person = steps.person_with_right(counter.site)
        first = steps.sell(counter.mediator, person, counter.laptop)
    with clock.frozen_at(paris(2026, 2, 5, 10)):
        exchange = returns.sale_return_record(
            actor=counter.mediator,
            line=first.lines.get(),
            quantity=1,
            outcome=ReturnOutcome.EXCHANGE,
            reason="Écran cassé à la livraison.",
            device_fate=ReturnedDeviceFate.AFTER_SALES,
        )
        sale = steps.cart(counter.mediator, person, counter.laptop)
        sale = counter_services.sale_confirm(actor=counter.mediator, sale=sale)
        paid = counter_services.sale_pay(
            actor=counter.mediator,
            sale=sale,
            payments=[
                PaymentInput(
                    method=PaymentMethod.CREDIT, amount=Decimal("150.00"), credit_from=exchange
                )
            ],
        )
        assert returns.credit_left(exchange) == 0
        with pytest.raises(DomainError):
            returns.credit_use_check(
                actor=counter.mediator,
                sale_return=exchange,
                beneficiary_id=person.pk,
                amount=Decimal("1.00"),
            )
    assert paid.status == SaleStatus.PAID
    expected = cash.expected_amounts(counter.site, datetime.date(2026, 2, 5))
    assert expected[PaymentMethod.CREDIT] == Decimal("150.00")
    assert expected[PaymentMethod.CASH] == 0
    assert cash.expected_amounts(counter.site, datetime.date(2026, 2, 2))[
        PaymentMethod.CASH
    ] == Decimal("150.00")


def counter_pay(world, sale, amount):
    return counter_services.sale_pay(
        actor=world.mediator,
        sale=sale,
        payments=[PaymentInput(method=PaymentMethod.CASH, amount=amount)],
    )
