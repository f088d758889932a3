"""People around one referral: its site's team, its partner's referrer, and outsiders."""

from dataclasses import dataclass

import pytest

from tests.accounts.factories import MembershipFactory, NetworkFactory, PartnerFactory
from tests.referrals.factories import ReferralFactory
from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Partner, Site


@dataclass
class World:
    site: Site
    partner: Partner
    referrer: Membership
    manager: Membership
    mediator: Membership
    volunteer: Membership
    admin: Membership
    funder_viewer: Membership
    other_site: Site
    other_manager: Membership
    other_partner: Partner
    other_referrer: Membership
    foreign_admin: Membership

    def referral(self, **kwargs):
        kwargs.setdefault("site", self.site)
        if not kwargs.get("public"):
            kwargs.setdefault("partner", self.partner)
            kwargs.setdefault("referrer", self.referrer.user)
        return ReferralFactory(**kwargs)


@pytest.fixture
def world(network, site, other_site, partner, funder):
    other_partner = PartnerFactory(network=network)
    return World(
        site=site,
        partner=partner,
        referrer=MembershipFactory(organisation=partner, role=Role.PARTNER_REFERRER),
        manager=MembershipFactory(organisation=site, role=Role.SITE_MANAGER),
        mediator=MembershipFactory(organisation=site, role=Role.MEDIATOR),
        volunteer=MembershipFactory(organisation=site, role=Role.VOLUNTEER),
        admin=MembershipFactory(organisation=network, role=Role.NETWORK_ADMIN),
        funder_viewer=MembershipFactory(organisation=funder, role=Role.FUNDER_VIEWER),
        other_site=other_site,
        other_manager=MembershipFactory(organisation=other_site, role=Role.SITE_MANAGER),
        other_partner=other_partner,
        other_referrer=MembershipFactory(organisation=other_partner, role=Role.PARTNER_REFERRER),
        foreign_admin=MembershipFactory(
            organisation=NetworkFactory(name="Autre réseau"), role=Role.NETWORK_ADMIN
        ),
    )
