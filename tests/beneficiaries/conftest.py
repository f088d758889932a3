"""The people around a site's files: its team, a network admin, and outsiders."""

from dataclasses import dataclass

import pytest

from tests.accounts.factories import MembershipFactory, NetworkFactory, SiteFactory
from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Site


@dataclass
class Team:
    site: Site
    manager: Membership
    mediator: Membership
    volunteer: Membership
    admin: Membership
    referrer: Membership
    funder_viewer: Membership
    other_site: Site
    other_manager: Membership
    foreign_site: Site
    foreign_admin: Membership


@pytest.fixture
def team(network, site, other_site, partner, funder):
    foreign_network = NetworkFactory(name="Autre réseau")
    foreign_site = SiteFactory(network=foreign_network)
    return Team(
        site=site,
        manager=MembershipFactory(organisation=site, role=Role.SITE_MANAGER),
        mediator=MembershipFactory(organisation=site, role=Role.MEDIATOR),
        volunteer=MembershipFactory(organisation=site, role=Role.VOLUNTEER),
        admin=MembershipFactory(organisation=network, role=Role.NETWORK_ADMIN),
        referrer=MembershipFactory(organisation=partner, role=Role.PARTNER_REFERRER),
        funder_viewer=MembershipFactory(organisation=funder, role=Role.FUNDER_VIEWER),
        other_site=other_site,
        other_manager=MembershipFactory(organisation=other_site, role=Role.SITE_MANAGER),
        foreign_site=foreign_site,
        foreign_admin=MembershipFactory(organisation=foreign_network, role=Role.NETWORK_ADMIN),
    )
