import datetime
import re

import pytest

from tests.accounts.factories import OpeningHoursFactory, SiteFactory
from tisser.accounts.enums import OrganisationKind
from tisser.accounts.models import Organisation

PUBLIC_URLS = [
    "/",
    "/espaces/",
    "/mentions-legales/",
    "/donnees-personnelles/",
    "/accessibilite/",
    "/compte/login/",
    "/compte/password/reset/",
]


def html(response):
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def network_with_contact(network):
    Organisation.objects.filter(pk=network.pk).update(
        email="contact@reseau.example", phone="03 88 00 11 22"
    )
    network.refresh_from_db()
    return network


def test_home_counts_active_spaces_and_cities(client, network):
    SiteFactory(network=network, city="Strasbourg")
    SiteFactory(network=network, city="Strasbourg")
    SiteFactory(network=network, city="Mulhouse")
    SiteFactory(network=network, city="Colmar", is_active=False)
    page = html(client.get("/"))
    assert "Nous avons 3 espaces, dans 2 communes." in page
    assert network.name in page
    assert "travailleur social" in page
    assert "horaires d&#x27;ouverture" in page or "horaires d'ouverture" in page


def test_directory_lists_active_spaces_with_address_hours_and_services(client, network):
    site = SiteFactory(
        network=network,
        name="Espace Gare",
        address="3 place de la Gare",
        city="Strasbourg",
        services=["Aide aux démarches administratives"],
    )
    OpeningHoursFactory(
        site=site, weekday=1, opens_at=datetime.time(9), closes_at=datetime.time(12)
    )
    SiteFactory(network=network, name="Espace fermé", is_active=False)
    page = html(client.get("/espaces/"))
    assert "Espace Gare" in page
    assert "3 place de la Gare" in page
    assert "Mardi" in page and "de 9 h à 12 h" in page
    # The national label is said in plain words on the public pages.
    assert "Faire vos démarches en ligne" in page
    assert "Espace fermé" not in page
    assert "1 espace trouvé." in page


def test_directory_is_paginated_by_fifty(client, network):
    SiteFactory.create_batch(51, network=network, city="Strasbourg")
    first = html(client.get("/espaces/"))
    assert first.count('class="card"') == 50
    assert "51 espaces trouvés." in first
    assert "Page 1 sur 2" in first
    second = html(client.get("/espaces/", {"page": 2}))
    assert second.count('class="card"') == 1


@pytest.mark.parametrize("count", [1, 60])
def test_directory_runs_a_constant_number_of_queries(
    client, network, count, django_assert_num_queries
):
    for site in SiteFactory.create_batch(count, network=network):
        OpeningHoursFactory(site=site)
    # count, page of sites, their opening hours; plus the request's savepoint pair
    with django_assert_num_queries(5):
        client.get("/espaces/")
    # Near a place: every site once (sorted in Python), their opening hours, savepoints.
    with django_assert_num_queries(4):
        client.get("/espaces/", {"q": "67000", "page": 2 if count > 50 else 1})


def test_space_page_shows_contact_hours_by_day_services_and_accessibility(client, network):
    site = SiteFactory(
        network=network,
        name="Espace Neudorf",
        short_code="NEU",
        phone="03 88 12 34 56",
        email="neudorf@reseau.example",
        accessibility_notes="Entrée de plain-pied.",
        services=["Aide aux démarches administratives", "Accès internet et matériel informatique"],
    )
    OpeningHoursFactory(
        site=site, weekday=0, opens_at=datetime.time(9), closes_at=datetime.time(12)
    )
    OpeningHoursFactory(
        site=site, weekday=0, opens_at=datetime.time(14), closes_at=datetime.time(17, 30)
    )
    page = html(client.get("/espaces/neu/"))
    assert '<a href="tel:0388123456">03 88 12 34 56</a>' in page
    assert 'href="mailto:neudorf@reseau.example"' in page
    # Both slots of Monday on one line, and every other day said closed.
    assert "de 9 h à 12 h, puis de 14 h à 17 h 30" in page
    assert page.count("Fermé") == 6
    assert "Utiliser un ordinateur et internet sur place" in page
    assert "Entrée de plain-pied." in page


def test_space_page_of_closed_or_unknown_space_is_404(client, network):
    SiteFactory(network=network, short_code="OLD", is_active=False)
    assert client.get("/espaces/old/").status_code == 404
    assert client.get("/espaces/nope/").status_code == 404


def test_privacy_page_states_retention_periods(client, network_with_contact):
    page = html(client.get("/donnees-personnelles/"))
    assert "2 ans après votre dernier contact" in page
    assert "12 mois" in page
    assert "10 ans" in page
    assert "numéro de sécurité sociale" in page
    assert "contact@reseau.example" in page
    assert "CNIL" in page


def test_accessibility_page_declares_partial_conformance_and_how_to_report(
    client, network_with_contact
):
    page = html(client.get("/accessibilite/"))
    assert "partiellement conforme" in page
    assert "Signaler un problème" in page
    assert 'href="tel:0388001122"' in page
    assert "Défenseur des droits" in page


def test_legal_notice_names_the_publisher(client, network_with_contact):
    page = html(client.get("/mentions-legales/"))
    assert network_with_contact.name in page
    assert "contact@reseau.example" in page


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_pages_load_nothing_from_other_hosts(client, network, url):
    SiteFactory(network=network)
    page = html(client.get(url))
    resources = re.findall(r"<(?:link|script|img|iframe)\b[^>]*>", page)
    for tag in resources:
        assert not re.search(r'(?:src|href)="(?:https?:)?//', tag), tag
    assert "style=" not in page
    assert "<script>" not in page


def test_network_figures_ignore_organisations_that_are_not_spaces(client, network):
    assert Organisation.objects.filter(kind=OrganisationKind.NETWORK).count() == 1
    page = html(client.get("/"))
    assert "Nous avons" not in page
