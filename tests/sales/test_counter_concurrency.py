"""Counters racing on PostgreSQL (row locks): the last units, one person's quotas, the
receipt numbers of a site (issue 11's acceptance)."""

from decimal import Decimal

import pytest
from django.db import connection

from tests.helpers import run_together
from tests.offers.stock_helpers import assert_ledger_agrees, level
from tests.sales.counter_helpers import cart, cash, person_with_right, stock
from tisser.core.errors import DomainError
from tisser.sales import counter
from tisser.sales.enums import PaymentMethod, SaleStatus
from tisser.sales.models import QuotaConsumption, Sale

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks (runs in the PostgreSQL pass)"
)


def _confirm_and_pay(actor, sale, messages):
    def attempt():
        try:
            confirmed = counter.sale_confirm(actor=actor, sale=sale)
            counter.sale_pay(actor=actor, sale=confirmed, payments=cash(confirmed.total_price))
        except DomainError as refused:
            messages.append(refused.message)
            raise

    return attempt


@postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["laptop", "recharge5"])
def test_twenty_counters_for_the_last_three_units(team, offers, kind):
    offer = getattr(offers, kind)
    stock(team.site, offer, 3)
    sales = [cart(team.mediator, person_with_right(team.site), offer) for _ in range(20)]
    messages: list[str] = []
    outcomes = run_together([_confirm_and_pay(team.mediator, sale, messages) for sale in sales])
    assert sorted(outcomes) == ["done"] * 3 + ["refused"] * 17
    assert len(messages) == 17
    assert all(message.startswith("Plus en stock : « ") for message in messages), messages
    assert Sale.objects.filter(status=SaleStatus.PAID).count() == 3
    # Nothing held by the refused sales, nothing counted against their people.
    assert level(team.site, offer).reserved == 0
    assert level(team.site, offer).on_hand == 0
    assert QuotaConsumption.objects.count() == 3
    assert_ledger_agrees(team.site, offer)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_ten_sales_at_once_to_one_person_never_pass_the_quota(team, offers, rules):
    person = person_with_right(team.site)
    stock(team.site, offers.recharge10, 10)
    sales = []
    for _index in range(10):
        # Ten open sales for one person (the counter keeps one: built around it here).
        sale = Sale.objects.create(network=team.site.network, site=team.site, beneficiary=person)
        counter.cart_add(actor=team.mediator, sale=sale, offer=offers.recharge10)
        sales.append(sale)
    messages: list[str] = []
    outcomes = run_together([_confirm_and_pay(team.mediator, sale, messages) for sale in sales])
    # Recharges: 30 € of face value a month, 10 € each.
    assert sorted(outcomes) == ["done"] * 3 + ["refused"] * 7
    assert all(message.startswith("Recharges : 30 €") for message in messages), messages
    counted = QuotaConsumption.objects.filter(beneficiary=person)
    assert sum(row.amount for row in counted) == Decimal("30.00")
    assert level(team.site, offers.recharge10).reserved == 0


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_receipt_numbers_have_no_gap_and_no_duplicate_under_concurrent_payments(team, offers):
    stock(team.site, offers.sim, 12)
    confirmed = [
        counter.sale_confirm(
            actor=team.mediator, sale=cart(team.mediator, person_with_right(team.site), offers.sim)
        )
        for _ in range(12)
    ]

    def pay(sale, amount):
        def attempt():
            counter.sale_pay(
                actor=team.mediator,
                sale=sale,
                payments=[counter.PaymentInput(method=PaymentMethod.CARD, amount=amount)],
            )

        return attempt

    # Two of them get a wrong amount: refused, they must not burn a number.
    targets = [
        pay(sale, Decimal("9.99") if index in (3, 7) else sale.total_price)
        for index, sale in enumerate(confirmed)
    ]
    outcomes = run_together(targets)
    assert sorted(outcomes) == ["done"] * 10 + ["refused"] * 2
    numbers = sorted(
        Sale.objects.filter(status=SaleStatus.PAID).values_list("receipt_sequence", flat=True)
    )
    assert numbers == list(range(1, 11))
    receipts = list(
        Sale.objects.filter(status=SaleStatus.PAID).values_list("receipt_number", flat=True)
    )
    assert len(set(receipts)) == 10
