"""Factories of access rights and quota rules (the cross-site 404 matrix finds them by model).

Rows built here bypass the services: tests of the rules go through ``tisser.sales.services``
and ``tisser.sales.quotas``.
"""

import dataclasses
import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from tests.accounts.factories import NetworkFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tisser.funding.enums import OfferFamily
from tisser.offers.models import Device, Offer
from tisser.sales import counter
from tisser.sales.counter import PaymentInput
from tisser.sales.enums import (
    PaymentMethod,
    QuotaMeasure,
    QuotaPer,
    QuotaScope,
    QuotaWindow,
    ReturnOutcome,
    RightOpening,
)
from tisser.sales.models import (
    AccessRight,
    AccessRightRenewal,
    AccessRightSettings,
    BoxSubscription,
    CashClosing,
    CounterSettings,
    Payment,
    QuotaConsumption,
    QuotaRule,
    Sale,
    SaleLine,
    SaleReturn,
)


class AccessRightFactory(factory.django.DjangoModelFactory):
    """An active right of nine months from today, opened by a referral."""

    class Meta:
        model = AccessRight

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    site = factory.SelfAttribute("beneficiary.site")
    network = factory.SelfAttribute("beneficiary.site.network")
    opened_by = RightOpening.REFERRAL
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=272))


class AccessRightRenewalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessRightRenewal

    access_right = factory.SubFactory(AccessRightFactory)
    requested_at = factory.LazyFunction(timezone.now)
    request_note = "Attend encore un ordinateur."


class AccessRightSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessRightSettings
        django_get_or_create = ("network",)

    network = factory.SubFactory(NetworkFactory)


class QuotaRuleFactory(factory.django.DjangoModelFactory):
    """One laptop per person for life by default."""

    class Meta:
        model = QuotaRule

    network = factory.SubFactory(NetworkFactory)
    name = "Un ordinateur portable par personne"
    scope = QuotaScope.FAMILY
    families = factory.LazyFunction(lambda: [OfferFamily.LAPTOP.value])
    per = QuotaPer.PERSON
    window = QuotaWindow.LIFETIME
    measure = QuotaMeasure.QUANTITY
    max_quantity = 1


class QuotaConsumptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuotaConsumption

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    site = factory.SelfAttribute("beneficiary.site")
    network = factory.SelfAttribute("beneficiary.site.network")
    offer = factory.SubFactory(
        "tests.offers.factories.OfferFactory", network=factory.SelfAttribute("..network")
    )
    family = factory.SelfAttribute("offer.family")
    quantity = 1
    amount = Decimal("0")
    at = factory.LazyFunction(timezone.now)


class SaleFactory(factory.django.DjangoModelFactory):
    """A cart at a site for a person of that site (the counter's services do the rest)."""

    class Meta:
        model = Sale

    site = factory.SubFactory("tests.accounts.factories.SiteFactory")
    network = factory.SelfAttribute("site.network")
    beneficiary = factory.SubFactory(BeneficiaryFactory, site=factory.SelfAttribute("..site"))


class CounterSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CounterSettings
        django_get_or_create = ("network",)

    network = factory.SubFactory(NetworkFactory)


class SaleLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SaleLine

    sale = factory.SubFactory(SaleFactory)
    offer = factory.SubFactory(
        "tests.offers.factories.OfferFactory",
        network=factory.SelfAttribute("..sale.network"),
        recharge=True,
    )
    label = factory.SelfAttribute("offer.name")
    unit_price = Decimal("5.00")
    unit_market_price = Decimal("10.00")


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    sale = factory.SubFactory(SaleFactory)
    method = PaymentMethod.CASH
    amount = Decimal("5.00")
    at = factory.LazyFunction(timezone.now)


class SaleReturnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SaleReturn

    line = factory.SubFactory(SaleLineFactory)
    site = factory.SelfAttribute("line.sale.site")
    outcome = ReturnOutcome.REFUND
    reason = "Ne s'allume plus."
    at = factory.LazyFunction(timezone.now)


class BoxSubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoxSubscription

    opening_line = factory.SubFactory(SaleLineFactory)
    site = factory.SelfAttribute("opening_line.sale.site")
    beneficiary = factory.SelfAttribute("opening_line.sale.beneficiary")
    device = factory.SubFactory(
        "tests.offers.factories.DeviceFactory", site=factory.SelfAttribute("..site")
    )
    monthly_fee = Decimal("5.00")
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=365))


class CashClosingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CashClosing

    site = factory.SubFactory("tests.accounts.factories.SiteFactory")
    day = factory.LazyFunction(timezone.localdate)
    opening_float = Decimal("50.00")
    closed_at = factory.LazyFunction(timezone.now)


# --- Paid sales for the after-sale tests (issue 11, decisions 0049 and 0050) -----------------
#
# ``sell`` goes through the counter's own services (cart, confirmation, payment), so a
# return, a box or a cash closing is always tested on a sale the counter could have made.


@dataclasses.dataclass
class Item:
    offer: Offer
    quantity: int = 1
    device: Device | None = None


def _payment_inputs(payments, total) -> list[PaymentInput]:
    """(method, amount) pairs or ``PaymentInput`` keyword dicts; by default the total in cash
    (nothing for a free sale, such as a lent box)."""
    if payments is None:
        payments = [(PaymentMethod.CASH, total)] if total else []
    entries = payments
    return [
        PaymentInput(**entry)
        if isinstance(entry, dict)
        else PaymentInput(method=entry[0], amount=Decimal(entry[1]))
        for entry in entries
    ]


def sell(*, actor, beneficiary, items, payments=None, site=None, override=None) -> Sale:
    """A paid sale at ``site`` (default: the person's), made through the counter's services
    (cart, confirmation, payment) at the clock's time."""
    sale = counter.sale_start(actor=actor, beneficiary=beneficiary, site=site or beneficiary.site)
    for item in items:
        item = item if isinstance(item, Item) else Item(item)
        counter.cart_add(
            actor=actor, sale=sale, offer=item.offer, quantity=item.quantity, device=item.device
        )
    sale = counter.sale_confirm(actor=actor, sale=sale, override=override)
    return pay_confirmed(sale, actor=actor, payments=payments)


def pay_confirmed(sale: Sale, *, actor, payments=None) -> Sale:
    """Pay a confirmed sale (a cart, or a box's fee sale) at the counter."""
    return counter.sale_pay(
        actor=actor, sale=sale, payments=_payment_inputs(payments, sale.total_price)
    )
