"""Factories of access rights and quota rules (the cross-site 404 matrix finds them by model).

Rows built here bypass the services: tests of the rules go through ``tisser.sales.services``
and ``tisser.sales.quotas``.
"""

import dataclasses
import datetime
from decimal import Decimal

import factory
from django.db import transaction
from django.utils import timezone

from tests.accounts.factories import NetworkFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tisser.core import clock
from tisser.funding.enums import OfferFamily
from tisser.offers import reservations
from tisser.offers.enums import LENT_FAMILIES, DeviceStatus, Tracking
from tisser.offers.models import Device, Offer
from tisser.sales import boxes, quotas
from tisser.sales.enums import (
    PaymentMethod,
    QuotaMeasure,
    QuotaPer,
    QuotaScope,
    QuotaWindow,
    ReturnOutcome,
    RightOpening,
    SaleStatus,
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
    ReceiptSequence,
    Sale,
    SaleLine,
    SaleReturn,
)
from tisser.sales.services import add_months


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


# --- The counter sale (issue 11, decision 0049): rows of paid sales --------------------------
#
# ``sell`` builds a paid sale the way the counter does (stock reserved then sold through
# ``offers.reservations``, quotas taken through ``sales.quotas``, a receipt number, the box
# subscription opened), writing the Sale / SaleLine / Payment rows itself: the after-sale
# tests do not wait for the counter's services.


@dataclasses.dataclass
class Item:
    offer: Offer
    quantity: int = 1
    device: Device | None = None


def sell(
    *,
    actor,
    beneficiary,
    items,
    payments=None,
    site=None,
    override=None,
) -> Sale:
    """A paid sale at ``site`` (default: the person's) at the clock's time. ``payments``:
    (method, amount) pairs or ``Payment`` keyword dicts; by default the total in cash."""
    site = site or beneficiary.site
    now = clock.now()
    with transaction.atomic():
        sale = Sale.objects.create(
            network_id=site.network_id,
            site=site,
            beneficiary=beneficiary,
            status=SaleStatus.CONFIRMED,
            created_by=actor.user,
            confirmed_at=now,
            confirmed_by=actor.user,
        )
        lines = []
        for item in items:
            item = item if isinstance(item, Item) else Item(item)
            offer = item.offer
            if offer.tracking == Tracking.DEVICE:
                device = item.device or (
                    Device.objects.filter(
                        site=site, offer=offer, status=DeviceStatus.READY_TO_DISTRIBUTE
                    )
                    .order_by("pk")
                    .first()
                )
                reservation = reservations.device_reserve(actor=actor, device=device)
            else:
                device = None
                reservation = reservations.units_reserve(
                    actor=actor, site=site, offer=offer, quantity=item.quantity
                )
            lines.append(
                SaleLine.objects.create(
                    sale=sale,
                    offer=offer,
                    quantity=item.quantity,
                    device=device,
                    reservation=reservation,
                    label=offer.name,
                    unit_price=offer.solidarity_price,
                    unit_market_price=offer.market_price,
                    unit_face_value=offer.face_value,
                )
            )
        quotas.quota_consume(
            actor=actor,
            beneficiary=beneficiary,
            site=site,
            basket=[quotas.BasketLine(line.offer, line.quantity) for line in lines],
            reference_kind="sale_line",
            reference_ids=[line.pk for line in lines],
            override=override,
        )
        total = sum((line.total for line in lines), Decimal("0"))
        day = timezone.localdate(now)
        for line in lines:
            reservations.stock_sell(actor=actor, reservation=line.reservation, at=now)
            # As the counter's sale_pay does (decision 0049).
            if line.offer.warranty_months:
                line.warranty_until = add_months(day, line.offer.warranty_months)
                line.save(update_fields=["warranty_until"])
        for payment in payments if payments is not None else [(PaymentMethod.CASH, total)]:
            fields = (
                payment
                if isinstance(payment, dict)
                else {"method": payment[0], "amount": payment[1]}
            )
            Payment.objects.create(sale=sale, at=now, **fields)
        sequence, _created = ReceiptSequence.objects.select_for_update().get_or_create(
            site=site, year=day.year
        )
        sequence.last_number += 1
        sequence.save(update_fields=["last_number"])
        sale.status = SaleStatus.PAID
        sale.paid_at = now
        sale.paid_by = actor.user
        sale.total_price = total
        sale.total_market = sum((line.market_total for line in lines), Decimal("0"))
        sale.receipt_year = day.year
        sale.receipt_sequence = sequence.last_number
        sale.receipt_number = f"T{site.pk}-{day.year}-{sequence.last_number:05d}"
        sale.save()
        for line in lines:
            if line.offer.family in LENT_FAMILIES:
                boxes.subscription_open(actor=actor, line=line, at=now)
    return sale


def pay_confirmed(sale: Sale, *, actor, payments=None) -> Sale:
    """Mark a confirmed sale without stock (a fee sale) paid, as the counter's sale_pay would."""
    now = clock.now()
    day = timezone.localdate(now)
    with transaction.atomic():
        for payment in (
            payments if payments is not None else [(PaymentMethod.CASH, sale.total_price)]
        ):
            fields = (
                payment
                if isinstance(payment, dict)
                else {"method": payment[0], "amount": payment[1]}
            )
            Payment.objects.create(sale=sale, at=now, **fields)
        sequence, _created = ReceiptSequence.objects.select_for_update().get_or_create(
            site=sale.site, year=day.year
        )
        sequence.last_number += 1
        sequence.save(update_fields=["last_number"])
        sale.status = SaleStatus.PAID
        sale.paid_at = now
        sale.paid_by = actor.user
        sale.receipt_year = day.year
        sale.receipt_sequence = sequence.last_number
        sale.receipt_number = f"T{sale.site_id}-{day.year}-{sequence.last_number:05d}"
        sale.save()
    return sale
