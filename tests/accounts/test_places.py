import gzip

import pytest

from tisser.accounts import geo, places


def labels(query):
    return [place.label for place in places.find_places(query)]


def test_the_vendored_table_covers_metropolitan_france_with_a_point_per_row():
    table = places.table()
    assert len(table.places) > 25_000
    assert len(table.by_postal_code) > 4_500
    for place in table.places:
        # Metropolitan France and Corsica lie in this box.
        assert 41.3 < place.latitude < 51.1 and -5.2 < place.longitude < 9.6, place


def test_the_vendored_file_is_small_and_documented():
    assert places.DATA_FILE.stat().st_size < 600_000
    with gzip.open(places.DATA_FILE, "rt", encoding="utf-8") as handle:
        header = handle.readline().strip()
    assert header == "postal_code,insee_code,name,latitude,longitude,precision"
    readme = (places.DATA_FILE.parent / "README.md").read_text(encoding="utf-8")
    assert "CC-BY 4.0" in readme and "@etalab/decoupage-administratif" in readme


@pytest.mark.parametrize(
    ("postal_code", "commune"),
    [
        ("75018", "Paris 18e Arrondissement"),
        ("69009", "Lyon 9e Arrondissement"),
        ("13001", "Marseille 1er Arrondissement"),
        ("59000", "Lille"),
        ("93200", "Saint-Denis"),
        ("67000", "Strasbourg"),
    ],
)
def test_a_postal_code_stands_at_its_main_commune(postal_code, commune):
    assert labels(postal_code) == [f"{commune} ({postal_code})"]


def test_a_district_is_placed_at_its_own_centre_not_the_city_hall():
    montmartre = places.postal_code_place("75018")
    paris_centre = places.find_places("Paris")[0]
    assert geo.haversine_km(montmartre.position, paris_centre.position) > 3


@pytest.mark.parametrize(
    "query",
    ["Saint-Étienne", "saint etienne", "ST ETIENNE", "St-Étienne", "  st. étienne  "],
)
def test_commune_names_ignore_accents_case_punctuation_and_saint_abbreviations(query):
    assert labels(query) == ["Saint-Étienne (42000)"]


def test_sainte_is_read_from_ste():
    assert labels("Ste Foy les Lyon") == ["Sainte-Foy-lès-Lyon (69110)"]


def test_a_name_shared_by_several_communes_offers_each_once():
    found = labels("Saint-Denis")
    assert "Saint-Denis (93200)" in found and len(found) > 1
    assert len(found) == len(set(found))


def test_a_postal_code_next_to_a_name_picks_that_commune():
    assert labels("Saint-Denis 93200") == ["Saint-Denis (93200)"]
    assert labels("93200 st denis") == ["Saint-Denis (93200)"]


def test_the_start_of_a_name_finds_the_communes_it_begins():
    assert labels("paris 18") == ["Paris 18e Arrondissement (75018)"]
    assert len(labels("saint")) == places.MAX_CHOICES


@pytest.mark.parametrize("query", ["", "   ", "99999", "00000", "Atlantide", "xz", "Lille 75018"])
def test_unknown_places_give_nothing(query):
    assert places.find_places(query) == []


def test_geo_places_a_postal_code_at_its_commune_and_falls_back_to_the_prefecture():
    assert geo.postal_code_position("75018") == places.postal_code_place("75018").position
    # Overseas codes are not in the table: the département's préfecture stands in.
    assert places.postal_code_place("97400") is None
    reunion = geo.departements()["974"]
    assert geo.postal_code_position("97400") == (reunion.latitude, reunion.longitude)
