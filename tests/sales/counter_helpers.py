"""Steps shared by the counter tests: a person with an active right, stock at the site,
a sale carried from cart to paid receipt through the real services."""

import datetime
from decimal import Decimal

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.offers.stock_helpers import receive_devices, receive_units, receive_vouchers
from tests.sales.factories import AccessRightFactory
from tisser.core import clock
from tisser.offers.enums import Grade, Tracking
from tisser.sales import counter
from tisser.sales.counter import PaymentInput
from tisser.sales.enums import PaymentMethod


def person_with_right(site, **fields):
    person = BeneficiaryFactory(site=site, **fields)
    AccessRightFactory(
        beneficiary=person, starts_on=clock.localdate() - datetime.timedelta(days=30)
    )
    return person


def stock(site, offer, count=1, *, grade=Grade.A):
    """``count`` units of ``offer`` received at ``site`` through the ledger."""
    if offer.tracking == Tracking.DEVICE:
        return receive_devices(site, offer, count, grade=grade)
    if offer.tracking == Tracking.VOUCHER:
        return receive_vouchers(site, offer, count)
    receive_units(site, offer, count)
    return []


def cart(actor, person, *items, site=None):
    """A cart with each item an offer, an (offer, quantity) pair or a device."""
    sale = counter.sale_start(actor=actor, beneficiary=person, site=site or person.site)
    for item in items:
        if isinstance(item, tuple):
            counter.cart_add(actor=actor, sale=sale, offer=item[0], quantity=item[1])
        elif hasattr(item, "inventory_id"):
            counter.cart_add(actor=actor, sale=sale, offer=item.offer, device=item)
        else:
            counter.cart_add(actor=actor, sale=sale, offer=item)
    return sale


def cash(amount) -> list[PaymentInput]:
    return [PaymentInput(method=PaymentMethod.CASH, amount=Decimal(amount))]


def sell(actor, person, *items, override=None):
    """Cart → confirmed → paid in cash for the whole total."""
    sale = cart(actor, person, *items)
    sale = counter.sale_confirm(actor=actor, sale=sale, override=override)
    return counter.sale_pay(actor=actor, sale=sale, payments=cash(sale.total_price))
