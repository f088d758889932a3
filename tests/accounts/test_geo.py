from decimal import Decimal

import pytest

from tests.accounts.factories import NetworkFactory, SiteFactory
from tisser.accounts import geo


def make_site(network, name, postal_code, city, lat=None, lon=None, **extra):
    return SiteFactory(
        network=network,
        name=name,
        postal_code=postal_code,
        city=city,
        latitude=None if lat is None else Decimal(str(lat)),
        longitude=None if lon is None else Decimal(str(lon)),
        **extra,
    )


@pytest.fixture
def spaces(network):
    return {
        "strasbourg": make_site(network, "Espace Gare", "67000", "Strasbourg", 48.5846, 7.7350),
        "paris": make_site(network, "Espace Belleville", "75020", "Paris", 48.8637, 2.3850),
        "lyon": make_site(network, "Espace Part-Dieu", "69003", "Lyon", 45.7605, 4.8590),
        "marseille": make_site(network, "Espace Canebière", "13001", "Marseille", 43.2977, 5.3810),
    }


def test_the_table_holds_the_101_departements():
    table = geo.departements()
    assert len(table) == 101
    assert {"2A", "2B", "971", "972", "973", "974", "976"} <= set(table)
    assert "20" not in table
    metropolitan = [d for code, d in table.items() if not code.startswith("97")]
    assert len(metropolitan) == 96
    for departement in metropolitan:
        # Every préfecture of metropolitan France and Corsica lies in this box.
        assert 41.3 < departement.latitude < 51.1, departement
        assert -4.8 < departement.longitude < 9.6, departement


@pytest.mark.parametrize(
    ("code", "latitude", "longitude"),
    [
        ("67", 48.573, 7.752),  # Strasbourg
        ("75", 48.857, 2.352),  # Paris
        ("2A", 41.919, 8.739),  # Ajaccio
        ("2B", 42.698, 9.451),  # Bastia
        ("29", 47.996, -4.102),  # Quimper
        ("974", -20.882, 55.450),  # Saint-Denis de La Réunion
    ],
)
def test_known_prefectures_are_placed_within_a_few_kilometres(code, latitude, longitude):
    departement = geo.departements()[code]
    assert abs(departement.latitude - latitude) < 0.05
    assert abs(departement.longitude - longitude) < 0.05


@pytest.mark.parametrize(
    ("postal_code", "expected"),
    [
        ("67000", "67"),
        ("01000", "01"),
        ("20000", "2A"),
        ("20167", "2A"),
        ("20200", "2B"),
        ("20600", "2B"),
        ("97110", "971"),
        ("97200", "972"),
        ("97300", "973"),
        ("97400", "974"),
        ("97600", "976"),
        (" 75020 ", "75"),
        ("97500", None),  # Saint-Pierre-et-Miquelon is not a département
        ("98000", None),  # Monaco
        ("00000", None),
        ("6700", None),
        ("ABCDE", None),
        ("", None),
    ],
)
def test_departement_of_a_postal_code(postal_code, expected):
    assert geo.departement_code(postal_code) == expected


def test_haversine_paris_strasbourg_is_about_400_km():
    paris, strasbourg = geo.departements()["75"], geo.departements()["67"]
    distance = geo.haversine_km(
        (paris.latitude, paris.longitude), (strasbourg.latitude, strasbourg.longitude)
    )
    assert 390 < distance < 405


def test_strasbourg_postal_code_gives_the_strasbourg_space_first(spaces):
    result = geo.nearest_sites("67000")
    assert result[0] == spaces["strasbourg"]
    assert len(result) == 3
    assert result[0].distance_km < 5


def test_colmar_is_sent_to_strasbourg(spaces):
    result = geo.nearest_sites("68000")
    assert [site.city for site in result] == ["Strasbourg", "Lyon", "Paris"]


def test_paris_20e_gives_the_paris_space(spaces):
    assert geo.nearest_sites("75020")[0] == spaces["paris"]


def test_corsica_is_handled(spaces, network):
    ajaccio = make_site(network, "Espace Ajaccio", "20090", "Ajaccio", 41.9270, 8.7369)
    bastia = make_site(network, "Espace Bastia", "20200", "Bastia", 42.7010, 9.4500)
    assert geo.nearest_sites("20000")[0] == ajaccio
    assert geo.nearest_sites("20200")[0] == bastia
    # Without a Corsican space, Ajaccio is sent to the nearest one on the mainland.
    ajaccio.is_active = False
    ajaccio.save()
    bastia.is_active = False
    bastia.save()
    assert geo.nearest_sites("20000")[0] == spaces["marseille"]


@pytest.mark.parametrize("postal_code", ["", "abc", "1234", "123456", "00000", "97500", None])
def test_invalid_postal_code_gives_an_empty_list(spaces, postal_code):
    assert geo.nearest_sites(postal_code) == []


def test_same_postal_code_comes_first_even_when_another_site_is_nearer(network):
    # Both in the Bas-Rhin; the one in the person's own postal code wins.
    near_prefecture = make_site(network, "Espace Centre", "67000", "Strasbourg", 48.5734, 7.7521)
    same_code = make_site(network, "Espace Haguenau", "67500", "Haguenau", 48.8156, 7.7906)
    assert geo.nearest_sites("67500")[:2] == [same_code, near_prefecture]


def test_inactive_sites_and_other_networks_are_left_out(spaces, network):
    make_site(network, "Espace fermé", "67000", "Strasbourg", 48.58, 7.75, is_active=False)
    other_network = NetworkFactory(name="Autre réseau")
    foreign = make_site(other_network, "Espace ailleurs", "67000", "Strasbourg", 48.58, 7.75)
    everywhere = geo.nearest_sites("67000", limit=None)
    assert "Espace fermé" not in [site.name for site in everywhere]
    assert foreign in everywhere
    scoped = geo.nearest_sites("67000", network=network, limit=None)
    assert foreign not in scoped
    assert len(scoped) == 4


def test_sites_without_coordinates_are_placed_at_their_departement_or_last(network):
    far = make_site(network, "Espace Lyon", "69003", "Lyon", 45.76, 4.86)
    # No coordinates, but its postal code places it in the Haut-Rhin: nearer than Lyon.
    colmar = make_site(network, "Espace Colmar", "68000", "Colmar")
    result = geo.nearest_sites("67000", limit=None)
    assert result == [colmar, far]
    assert result[0].distance_km == pytest.approx(55, abs=10)
    # A site that cannot be placed at all (a Monaco postal code, say) comes last.
    nowhere = SiteFactory(network=network, name="Espace inconnu", postal_code="98000")
    result = geo.nearest_sites("67000", limit=None)
    assert result[-1] == nowhere
    assert result[-1].distance_km is None


def test_limit_and_query_count(spaces, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(geo.nearest_sites("67000", limit=2)) == 2
    with django_assert_num_queries(1):
        assert len(geo.nearest_sites("67000", limit=None)) == 4


def test_the_table_is_read_once():
    geo.departements.cache_clear()
    first = geo.departements()
    assert geo.departements() is first
