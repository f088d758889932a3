"""Factories for the catalogue and the stock.

Stock rows built here bypass the ledger: a test that needs the ledger to agree goes
through the services (``offers.receipts`` and friends), not these factories.
"""

import datetime
from decimal import Decimal

import factory

from tests.accounts.factories import NetworkFactory, SiteFactory, UserFactory
from tisser.funding.enums import OfferFamily
from tisser.offers.enums import DeviceStatus, DeviceType, Grade, Tracking, VoucherStatus
from tisser.offers.models import (
    Device,
    DeviceStatusChange,
    HubOrder,
    InventoryCount,
    Offer,
    Reservation,
    StockImport,
    StockLevel,
    StockMovement,
    StockSettings,
    Transfer,
    Voucher,
)


class OfferFactory(factory.django.DjangoModelFactory):
    """A refurbished laptop offer by default; ``OfferFactory(recharge=True)`` a 10 € recharge,
    ``OfferFactory(sim_card=True)`` a SIM card sold by quantity, 1 € (market price 10 €)."""

    class Meta:
        model = Offer

    class Params:
        recharge = factory.Trait(
            family=OfferFamily.RECHARGE,
            tracking=Tracking.VOUCHER,
            name="Recharge 10 €",
            solidarity_price=Decimal("5.00"),
            market_price=Decimal("10.00"),
            face_value=Decimal("10.00"),
            allowed_grades=[],
        )
        sim_card = factory.Trait(
            family=OfferFamily.SIM,
            tracking=Tracking.QUANTITY,
            name="Carte SIM",
            solidarity_price=Decimal("1.00"),
            market_price=Decimal("10.00"),
            allowed_grades=[],
        )

    network = factory.SubFactory(NetworkFactory)
    family = OfferFamily.LAPTOP
    tracking = Tracking.DEVICE
    name = factory.Sequence(lambda n: f"Ordinateur portable reconditionné {n}")
    solidarity_price = Decimal("150.00")
    market_price = Decimal("350.00")
    allowed_grades = factory.LazyFunction(lambda: [Grade.A.value, Grade.B.value, Grade.C.value])


class StockSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockSettings
        django_get_or_create = ("network",)

    network = factory.SubFactory(NetworkFactory)
    hub = None


class StockLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockLevel

    site = factory.SubFactory(SiteFactory)
    offer = factory.SubFactory(OfferFactory, network=factory.SelfAttribute("..site.network"))


class DeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Device

    site = factory.SubFactory(SiteFactory)
    offer = factory.SubFactory(OfferFactory, network=factory.SelfAttribute("..site.network"))
    inventory_id = factory.Sequence(lambda n: f"TST-PC-26-{n:05d}")
    device_type = DeviceType.LAPTOP
    status = DeviceStatus.READY_TO_DISTRIBUTE
    grade = Grade.B
    brand = "Lenovo"
    model_name = "ThinkPad T480"
    received_on = datetime.date(2026, 3, 2)


class VoucherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Voucher

    site = factory.SubFactory(SiteFactory)
    offer = factory.SubFactory(
        OfferFactory, network=factory.SelfAttribute("..site.network"), recharge=True
    )
    status = VoucherStatus.IN_STOCK
    code_encrypted = "not-a-real-token"
    code_fingerprint = factory.Sequence(lambda n: f"{n:064d}")
    serial = factory.Sequence(lambda n: f"SER{n:08d}")
    received_on = datetime.date(2026, 3, 2)


class StockImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockImport

    site = factory.SubFactory(SiteFactory)
    file_name = "appareils.csv"
    file_sha256 = factory.Sequence(lambda n: f"{n:064x}")
    kind = Tracking.DEVICE
    created_by = factory.SubFactory(UserFactory)


class TransferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transfer

    from_site = factory.SubFactory(SiteFactory)
    to_site = factory.SubFactory(SiteFactory, network=factory.SelfAttribute("..from_site.network"))
    shipped_at = factory.LazyFunction(
        lambda: datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC)
    )
    shipped_by = factory.SubFactory(UserFactory)


class HubOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HubOrder

    site = factory.SubFactory(SiteFactory)
    hub = factory.SubFactory(SiteFactory, network=factory.SelfAttribute("..site.network"))
    ordered_by = factory.SubFactory(UserFactory)
    ordered_at = factory.LazyFunction(
        lambda: datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC)
    )


class InventoryCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InventoryCount

    site = factory.SubFactory(SiteFactory)
    started_by = factory.SubFactory(UserFactory)


class StockMovementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockMovement

    site = factory.SubFactory(SiteFactory)
    offer = factory.SubFactory(OfferFactory, network=factory.SelfAttribute("..site.network"))
    kind = "receipt"
    quantity = 1
    at = factory.LazyFunction(lambda: datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC))


# --- stock (issue 10, stock) ------------------------------------------------------------------


class ReservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reservation

    site = factory.SubFactory(SiteFactory)
    offer = factory.SubFactory(
        OfferFactory, network=factory.SelfAttribute("..site.network"), recharge=True
    )
    quantity = 1
    reserved_until = factory.LazyFunction(
        lambda: datetime.datetime(2026, 3, 3, 10, tzinfo=datetime.UTC)
    )


class DeviceStatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeviceStatusChange

    site = factory.SubFactory(SiteFactory)
    device = factory.SubFactory(DeviceFactory, site=factory.SelfAttribute("..site"))
    from_status = DeviceStatus.TO_PROCESS
    to_status = DeviceStatus.PROCESSING
    at = factory.LazyFunction(lambda: datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC))
