"""The public directory found by postal code or commune, nearest space first (decision 0032)."""

import re
from decimal import Decimal

import pytest

from tests.accounts.factories import SiteFactory
from tisser.accounts.demo import SITES


@pytest.fixture
def demo_spaces(network):
    """The twelve spaces of the demo network, at their real addresses and coordinates."""
    return {
        spec.short_code: SiteFactory(
            network=network,
            name=spec.name,
            short_code=spec.short_code,
            address=spec.address,
            postal_code=spec.postal_code,
            city=spec.city,
            latitude=Decimal(spec.latitude),
            longitude=Decimal(spec.longitude),
        )
        for spec in SITES
    }


def page_of(client, query):
    response = client.get("/espaces/", {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def ranked_names(page):
    return re.findall(r'<li class="card">\s*<h2><a href="[^"]+">([^<]+)</a>', page)


@pytest.mark.parametrize(
    ("query", "nearest", "second"),
    [
        # Montmartre: Flandre (19e) is nearer than Belleville (20e), both in Paris.
        ("75018", "PARFLA", "PARBEL"),
        ("75011", "PARBEL", "PARFLA"),
        ("93200", "PARFLA", "PARBEL"),
        ("59100", "LILFIV", "LILMOU"),
        # Lille-Fives's own postal code: its space first, though both are in Lille.
        ("59800", "LILFIV", "LILMOU"),
        ("69005", "LYOGUI", "LYOVAI"),
        ("69009", "LYOVAI", "LYOGUI"),
        ("13005", "MARBEL", None),
        ("33000", "BORBAS", None),
        ("31000", "TLSMIR", None),
        ("38000", "GREVIL", "LYOGUI"),
        ("44000", "NTEBEL", None),
        ("67100", "STRGAR", None),
    ],
)
def test_a_postal_code_ranks_the_nearest_demo_space_first(
    client, demo_spaces, query, nearest, second
):
    names = ranked_names(page_of(client, query))
    assert len(names) == len(SITES)
    assert names[0] == demo_spaces[nearest].name
    if second is not None:
        assert names[1] == demo_spaces[second].name


def test_the_ranking_says_the_place_and_the_rounded_distance(client, demo_spaces):
    page = page_of(client, "75018")
    assert "12 espaces, du plus proche au plus loin de Paris 18e Arrondissement (75018)." in page
    assert "À environ 2 km" in page  # Flandre, 2.4 km from the 18th district's centre
    assert 'value="75018"' in page


@pytest.mark.parametrize(
    ("query", "nearest"),
    [
        ("Villeurbanne", "LYOGUI"),
        ("st denis 93200", "PARFLA"),
        ("Saint-Étienne", "LYOVAI"),
        ("saint etienne", "LYOVAI"),
        ("ST-ETIENNE", "LYOVAI"),
        ("ROUBAIX", "LILFIV"),
        ("Vénissieux", "LYOGUI"),
        ("venissieux", "LYOGUI"),
    ],
)
def test_a_commune_name_ranks_spaces_whatever_its_accents_or_saint_spelling(
    client, demo_spaces, query, nearest
):
    assert ranked_names(page_of(client, query))[0] == demo_spaces[nearest].name


def test_a_name_several_communes_share_asks_which_one(client, demo_spaces):
    page = page_of(client, "Saint-Denis")
    assert "Plusieurs communes portent ce nom. Laquelle ?" in page
    assert 'href="?q=Saint-Denis%2093200"' in page
    # Nothing is guessed: the list stays in its usual order.
    assert "du plus proche au plus loin" not in page
    assert len(ranked_names(page)) == len(SITES)


@pytest.mark.parametrize("query", ["99999", "Atlantide", "7501"])
def test_an_unknown_place_gets_a_french_message_and_the_whole_list(client, demo_spaces, query):
    page = page_of(client, query)
    assert f"Nous ne trouvons pas « {query} »" in page
    assert "Vérifiez le code postal (5 chiffres) ou le nom de la commune." in page
    assert 'aria-invalid="true"' in page
    assert len(ranked_names(page)) == len(SITES)


def test_a_very_long_query_is_cut_not_an_error(client, demo_spaces):
    page = page_of(client, "75018" + " x" * 500)
    assert "Nous ne trouvons pas" in page


def test_the_ranking_is_paginated_and_keeps_the_query(client, network):
    for index in range(55):
        SiteFactory(network=network, name=f"Espace {index:02d}", postal_code="67000")
    far = SiteFactory(
        network=network,
        name="Espace lointain",
        postal_code="13001",
        city="Marseille",
        latitude=Decimal("43.299"),
        longitude=Decimal("5.377"),
    )
    first = page_of(client, "67000")
    assert len(ranked_names(first)) == 50
    assert far.name not in first
    assert 'href="?q=67000&amp;page=2"' in first
    second = client.get("/espaces/", {"q": "67000", "page": 2}).content.decode()
    assert ranked_names(second)[-1] == far.name


def test_a_space_without_coordinates_is_placed_at_its_postal_code(client, network):
    SiteFactory(network=network, name="Espace Gare", postal_code="67000", city="Strasbourg")
    SiteFactory(network=network, name="Espace Vieux-Port", postal_code="13002", city="Marseille")
    assert ranked_names(page_of(client, "Aix-en-Provence")) == ["Espace Vieux-Port", "Espace Gare"]


def test_an_overseas_postal_code_ranks_from_its_departement(client, network):
    SiteFactory(network=network, name="Espace Gare", postal_code="67000", city="Strasbourg")
    SiteFactory(
        network=network,
        name="Espace Saint-Denis",
        postal_code="97400",
        city="Saint-Denis",
        latitude=Decimal("-20.8789"),
        longitude=Decimal("55.4481"),
    )
    page = page_of(client, "97410")
    assert ranked_names(page) == ["Espace Saint-Denis", "Espace Gare"]
    assert "de La Réunion (97410)" in page
