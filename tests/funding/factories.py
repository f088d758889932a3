"""Factories for donors, conventions, dotations, lots and tax receipts."""

import datetime
from decimal import Decimal

import factory

from tests.accounts.factories import FunderFactory, NetworkFactory, SiteFactory, UserFactory
from tisser.funding.enums import DonorKind, LotUnit, OfferFamily, ValuationMethod
from tisser.funding.models import (
    Convention,
    DonationLot,
    Donor,
    Dotation,
    TaxReceipt,
    TaxReceiptSettings,
)


class DonorFactory(factory.django.DjangoModelFactory):
    """A private donor by default; ``DonorFactory(organisation=True)`` links a donor funder."""

    class Meta:
        model = Donor

    class Params:
        organisation = factory.Trait(
            kind=DonorKind.ORGANISATION,
            funder=factory.SubFactory(
                FunderFactory,
                network=factory.SelfAttribute("..network"),
                is_donor=True,
            ),
        )

    network = factory.SubFactory(NetworkFactory)
    kind = DonorKind.INDIVIDUAL
    funder = None
    name = factory.Sequence(lambda n: f"Donateur {n}")
    address = "2 place Kléber"
    postal_code = "67000"
    city = "Strasbourg"


class ConventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Convention
        skip_postgeneration_save = True

    funder = factory.SubFactory(FunderFactory)
    reference = factory.Sequence(lambda n: f"CONV-{n:04d}")
    title = "Convention de soutien"
    starts_on = datetime.date(2026, 1, 1)
    ends_on = datetime.date(2026, 12, 31)

    @factory.post_generation
    def sites(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.sites.set(extracted)


class DotationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dotation

    convention = factory.SubFactory(ConventionFactory)
    year = 2026
    families = factory.LazyFunction(lambda: [OfferFamily.LAPTOP.value])
    budget_units = 100
    budget_amount = Decimal("15000.00")
    reporting_starts_on = datetime.date(2026, 1, 1)
    reporting_ends_on = datetime.date(2026, 12, 31)


class DonationLotFactory(factory.django.DjangoModelFactory):
    """Ten laptops worth 1,500 € by default; ``DonationLotFactory(recharge_codes=True)`` ten
    recharge codes at their face value, 50 €."""

    class Meta:
        model = DonationLot

    class Params:
        recharge_codes = factory.Trait(
            family=OfferFamily.RECHARGE,
            unit=LotUnit.CODE,
            valuation_method=ValuationMethod.FACE_VALUE,
            valuation_amount=Decimal("50.00"),
        )

    site = factory.SubFactory(SiteFactory)
    donor = factory.SubFactory(DonorFactory, network=factory.SelfAttribute("..site.network"))
    received_on = datetime.date(2026, 3, 2)
    family = OfferFamily.LAPTOP
    quantity = 10
    unit = LotUnit.DEVICE
    valuation_method = ValuationMethod.MARKET_VALUE
    valuation_amount = Decimal("1500.00")
    recorded_by = factory.SubFactory(UserFactory)


class TaxReceiptSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaxReceiptSettings
        django_get_or_create = ("network",)

    network = factory.SubFactory(NetworkFactory)
    issues_tax_receipts = True
    legal_name = "Association du réseau de test"
    siren = "123456789"
    address = "1 rue de la Paix"
    postal_code = "67000"
    city = "Strasbourg"
    object = "Inclusion numérique des personnes éloignées du numérique"
    signatory_name = "Camille Martin"
    signatory_title = "Présidente"


class TaxReceiptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaxReceipt

    network = factory.SubFactory(NetworkFactory)
    donor = factory.SubFactory(DonorFactory, network=factory.SelfAttribute("..network"))
    year = 2026
    sequence = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda o: f"{o.year}-{o.sequence:05d}")
    issued_on = datetime.date(2027, 1, 15)
    issued_by = factory.SubFactory(UserFactory)
    amount = Decimal("1500.00")
    donor_name = factory.LazyAttribute(lambda o: o.donor.name)
    donor_address = "2 place Kléber, 67000 Strasbourg"
    gifts_description = "10 ordinateurs portables reconditionnés"
