import datetime

import pytest

from tests.accounts.factories import (
    FunderFactory,
    MembershipFactory,
    OpeningHoursFactory,
    PartnerFactory,
    SiteFactory,
)
from tisser.accounts.enums import HabilitationStatus, Role


def page_of(client):
    response = client.get("/espace-pro/")
    assert response.status_code == 200
    return response.content.decode()


def test_network_admin_sees_real_counts_and_the_sites(login, network, network_admin):
    sites = SiteFactory.create_batch(3, network=network)
    SiteFactory(network=network, is_active=False, name="Espace fermé")
    PartnerFactory.create_batch(2, network=network)
    FunderFactory(network=network)
    MembershipFactory(organisation=sites[0], role=Role.MEDIATOR)
    OpeningHoursFactory(site=sites[0], weekday=2)
    page = page_of(login(network_admin))
    assert '<span class="stat">3</span> espaces actifs' in page
    assert '<span class="stat">2</span> partenaires prescripteurs' in page
    assert '<span class="stat">1</span> financeur ou donateur' in page
    # the admin and the mediator
    assert '<span class="stat">2</span> membres actifs' in page
    for site in sites:
        assert site.name in page
    assert "Mercredi" in page


@pytest.mark.parametrize("count", [1, 60])
def test_network_admin_home_runs_a_constant_number_of_queries(
    login, network, network_admin, count, django_assert_max_num_queries
):
    for site in SiteFactory.create_batch(count, network=network):
        OpeningHoursFactory(site=site)
    client = login(network_admin)
    with django_assert_max_num_queries(20):
        page = page_of(client)
    assert ("Page 1 sur 2" in page) == (count > 50)


@pytest.mark.parametrize("role", [Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER])
def test_site_team_sees_their_site_team_and_hours(login, site, other_site, role):
    me = MembershipFactory(organisation=site, role=role)
    colleague = MembershipFactory(organisation=site, role=Role.VOLUNTEER)
    stranger = MembershipFactory(organisation=other_site, role=Role.MEDIATOR)
    OpeningHoursFactory(
        site=site, weekday=3, opens_at=datetime.time(13, 30), closes_at=datetime.time(18)
    )
    page = page_of(login(me))
    assert site.name in page and site.address in page
    assert colleague.user.get_full_name() in page
    assert stranger.user.get_full_name() not in page
    assert "(vous)" in page
    assert "Jeudi" in page and "de 13 h 30 à 18 h" in page
    assert page.count("Fermé") == 6


def test_partner_referrer_sees_their_organisation_and_habilitation(login, network):
    partner = PartnerFactory(
        network=network, territory="Bas-Rhin", habilitation_status=HabilitationStatus.NOT_SET
    )
    page = page_of(login(MembershipFactory(organisation=partner, role=Role.PARTNER_REFERRER)))
    assert partner.name in page
    assert "Bas-Rhin" in page
    assert "Habilitation en attente de validation" in page
    assert 'href="/espaces/"' in page


def test_funder_sees_their_organisation_and_public_network_figures(login, network):
    funder = FunderFactory(network=network, is_donor=True)
    SiteFactory(network=network, city="Strasbourg")
    SiteFactory(network=network, city="Colmar")
    page = page_of(login(MembershipFactory(organisation=funder, role=Role.FUNDER_VIEWER)))
    assert funder.name in page
    assert "Financement et dons en nature" in page
    assert '<span class="stat">2</span> espaces ouverts' in page
    assert '<span class="stat">2</span> communes' in page


def test_header_switcher_lists_every_membership(login, site, other_site):
    first = MembershipFactory(organisation=site, role=Role.MEDIATOR)
    MembershipFactory(user=first.user, organisation=other_site, role=Role.VOLUNTEER)
    page = page_of(login(first))
    assert '<label for="membership-switch">' in page
    assert f"{other_site.name} — Bénévole" in page
