"""The counter's after-sale world: a site's team, offers with stock received through the
ledger, a person with a running access right, and paid sales made through the counter's
services by ``tests.sales.factories.sell``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest

from tests.accounts.factories import MembershipFactory, NetworkFactory, SiteFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.offers.factories import OfferFactory, StockSettingsFactory
from tests.offers.stock_helpers import receive_devices, receive_units, receive_vouchers
from tests.sales.factories import AccessRightFactory
from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Organisation, Site
from tisser.beneficiaries.models import Beneficiary
from tisser.funding.enums import OfferFamily
from tisser.offers.models import Offer


@dataclass
class Counter:
    network: Organisation
    site: Site
    other_site: Site
    manager: Membership
    mediator: Membership
    volunteer: Membership
    admin: Membership
    other_manager: Membership
    foreign_admin: Membership
    person: Beneficiary
    laptop: Offer
    recharge: Offer
    sim: Offer
    box: Offer


def _person_with_a_long_right(site) -> Beneficiary:
    """A person whose access right runs through every date these tests set the clock to."""
    person = BeneficiaryFactory(site=site)
    AccessRightFactory(
        beneficiary=person, starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2028, 12, 31)
    )
    return person


def make_counter() -> Counter:
    network = NetworkFactory()
    site = SiteFactory(network=network, name="Espace Gare")
    other_site = SiteFactory(network=network, name="Espace Port")
    StockSettingsFactory(network=network, hub=None)
    laptop = OfferFactory(network=network, name="Portable reconditionné")
    recharge = OfferFactory(network=network, recharge=True, name="Recharge 10 €")
    sim = OfferFactory(network=network, sim_card=True)
    box = OfferFactory(
        network=network,
        family=OfferFamily.BOX,
        name="Box internet",
        solidarity_price=Decimal("0.00"),
        market_price=Decimal("60.00"),
        monthly_price=Decimal("10.00"),
        is_loan=True,
    )
    receive_devices(site, laptop, 3)
    receive_devices(site, box, 2)
    receive_vouchers(site, recharge, 5)
    receive_units(site, sim, 10)
    return Counter(
        network=network,
        site=site,
        other_site=other_site,
        manager=MembershipFactory(organisation=site, role=Role.SITE_MANAGER),
        mediator=MembershipFactory(organisation=site, role=Role.MEDIATOR),
        volunteer=MembershipFactory(organisation=site, role=Role.VOLUNTEER),
        admin=MembershipFactory(organisation=network, role=Role.NETWORK_ADMIN),
        other_manager=MembershipFactory(organisation=other_site, role=Role.SITE_MANAGER),
        foreign_admin=MembershipFactory(
            organisation=NetworkFactory(name="Autre réseau"), role=Role.NETWORK_ADMIN
        ),
        person=_person_with_a_long_right(site),
        laptop=laptop,
        recharge=recharge,
        sim=sim,
        box=box,
    )


@pytest.fixture
def counter(db) -> Counter:
    return make_counter()
