"""The offers each space sells: on its public page and in the partner's referral form."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.offers.factories import DeviceFactory, OfferFactory
from tisser.accounts.enums import Role
from tisser.funding.enums import OfferFamily


@pytest.fixture
def offers(network, site, other_site):
    laptop = OfferFactory(
        network=network,
        name="Ordinateur portable solidaire",
        solidarity_price=Decimal("150.00"),
        requires_access_right=True,
    )
    laptop.sites.add(site)
    box = OfferFactory(
        network=network,
        family=OfferFamily.BOX,
        name="Box internet prêtée",
        solidarity_price=Decimal("0.00"),
        monthly_price=Decimal("9.90"),
        requires_access_right=False,
        allowed_grades=[],
    )
    box.sites.add(site)
    elsewhere = OfferFactory(network=network, name="Tablette d'un autre espace")
    elsewhere.sites.add(other_site)
    retired = OfferFactory(network=network, name="Offre retirée", is_active=False)
    retired.sites.add(site)
    ended = OfferFactory(
        network=network, name="Offre terminée", active_until=datetime.date(2020, 1, 1)
    )
    ended.sites.add(site)
    DeviceFactory.create_batch(3, site=site, offer=laptop)
    return laptop, box


def test_the_public_page_lists_what_the_space_sells(client, site, offers):
    page = client.get(site.get_absolute_url()).content.decode()
    assert "Équipement et connexion à prix solidaire" in page
    assert "Ordinateur portable solidaire" in page
    assert "150,00\u00a0€" in page
    assert "9,90\u00a0€" in page
    assert "sur orientation d'un partenaire" in page
    assert "Tablette d'un autre espace" not in page and "Tablette d&#x27;un autre" not in page
    assert "Offre retirée" not in page and "Offre terminée" not in page
    # No stock figure is shown to the public.
    assert "en stock" not in page.lower() and "disponible" not in page.lower()


def test_a_space_without_offers_has_no_section(client, other_site, network):
    page = client.get(other_site.get_absolute_url()).content.decode()
    assert "Équipement et connexion à prix solidaire" not in page


def test_public_page_cost_does_not_grow_with_offers(
    client, site, offers, network, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30) as few:
        client.get(site.get_absolute_url())
    for n in range(20):
        OfferFactory(network=network, name=f"Offre {n}").sites.add(site)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(site.get_absolute_url()).status_code == 200


def test_the_referral_form_shows_the_chosen_spaces_offers(
    client, login, site, offers, partner, member_factory
):
    referrer = member_factory(partner, Role.PARTNER_REFERRER)
    login(referrer)
    fragment = client.get(reverse("referrals:site_offers"), {"site": site.pk}).content.decode()
    assert "Ordinateur portable solidaire" in fragment
    assert "sur orientation d'un partenaire" in fragment
    assert "Tablette" not in fragment
    # An absurd or foreign id shows nothing (and is no error).
    assert (
        "Ordinateur"
        not in client.get(
            reverse("referrals:site_offers"), {"site": "99999999999999999999"}
        ).content.decode()
    )
    # The space proposed for a postal code comes with its offers.
    suggested = client.get(
        reverse("referrals:suggest_site"), {"postal_code": site.postal_code}
    ).content.decode()
    assert 'id="site-offers"' in suggested


def test_the_referral_form_page_renders_the_list_for_a_posted_space(
    client, login, site, offers, partner, member_factory
):
    login(member_factory(partner, Role.PARTNER_REFERRER))
    response = client.post(
        reverse("referrals:create"), {"action": "suggest", "site": site.pk, "postal_code": ""}
    )
    assert "Ordinateur portable solidaire" in response.content.decode()


def test_the_fragment_is_for_partners_only(client, login, site, member_factory):
    login(member_factory(site, Role.SITE_MANAGER))
    assert client.get(reverse("referrals:site_offers"), {"site": site.pk}).status_code == 403


def test_fragment_costs_one_query_for_the_offers(
    client, login, site, offers, partner, member_factory, django_assert_max_num_queries, network
):
    login(member_factory(partner, Role.PARTNER_REFERRER))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("referrals:site_offers"), {"site": site.pk})
    for n in range(20):
        OfferFactory(network=network, name=f"Offre {n}").sites.add(site)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("referrals:site_offers"), {"site": site.pk})
