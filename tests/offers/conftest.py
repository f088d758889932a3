"""Shared fixtures of the stock flow tests: a network with a hub, a site and their teams."""

import pytest

from tests.accounts.factories import SiteFactory
from tests.offers.factories import OfferFactory, StockSettingsFactory
from tisser.accounts.enums import Role


@pytest.fixture
def hub(network):
    hub = SiteFactory(network=network, short_code="HUB", name="Atelier du réseau")
    StockSettingsFactory(network=network, hub=hub)
    return hub


@pytest.fixture
def manager(site, member_factory):
    return member_factory(site, Role.SITE_MANAGER)


@pytest.fixture
def hub_manager(hub, member_factory):
    return member_factory(hub, Role.SITE_MANAGER)


@pytest.fixture
def laptop_offer(network, site, hub):
    offer = OfferFactory(network=network, name="Portable reconditionné")
    offer.sites.add(site)
    return offer


@pytest.fixture
def recharge_offer(network, site):
    offer = OfferFactory(network=network, recharge=True)
    offer.sites.add(site)
    return offer
