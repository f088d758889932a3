import datetime
from decimal import Decimal

import pytest

from tests.accounts.factories import FunderFactory, MembershipFactory
from tests.funding.factories import (
    ConventionFactory,
    DonorFactory,
    DotationFactory,
    TaxReceiptSettingsFactory,
)
from tisser.accounts.enums import Role
from tisser.core import clock
from tisser.funding.enums import DonorKind, LotUnit, OfferFamily, ValuationMethod

# The funding tests run on 15 November 2026 (lots of 2026 are in the past, none too old).
TODAY = datetime.date(2026, 11, 15)


@pytest.fixture(autouse=True)
def _today():
    with clock.frozen_at(datetime.datetime(2026, 11, 15, 11, 0, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def manager(site):
    return MembershipFactory(organisation=site, role=Role.SITE_MANAGER)


@pytest.fixture
def accountant(network):
    return MembershipFactory(organisation=network, role=Role.ACCOUNTANT)


@pytest.fixture
def operator(network):
    return FunderFactory(network=network, name="Opérateur Télécom", is_donor=True)


@pytest.fixture
def org_donor(network, operator):
    return DonorFactory(
        network=network,
        kind=DonorKind.ORGANISATION,
        funder=operator,
        name="Opérateur Télécom SA",
        siren="552100554",
    )


@pytest.fixture
def person_donor(network):
    return DonorFactory(network=network, name="Jeanne Dupont")


@pytest.fixture
def convention(operator, site):
    return ConventionFactory(
        funder=operator, reference="OP-2026", ends_on=datetime.date(2027, 12, 31), sites=[site]
    )


@pytest.fixture
def dotation(convention):
    return DotationFactory(
        convention=convention,
        year=2026,
        families=[OfferFamily.LAPTOP.value, OfferFamily.SIM.value],
        budget_units=500,
        budget_amount=Decimal("60000.00"),
    )


@pytest.fixture
def receipt_settings(network):
    return TaxReceiptSettingsFactory(network=network)


def lot_data(**overrides):
    data = {
        "received_on": datetime.date(2026, 3, 12),
        "family": OfferFamily.LAPTOP,
        "quantity": 10,
        "unit": LotUnit.DEVICE,
        "valuation_method": ValuationMethod.MARKET_VALUE,
        "valuation_amount": Decimal("1500.00"),
        "refurbisher": "Ateliers du Bocage",
        "erasure_certificate": "EFF-2026-0042",
        "reference": "BL-1",
        "notes": "",
    }
    data.update(overrides)
    return data
