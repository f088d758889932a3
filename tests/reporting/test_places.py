"""The network's sites in the national places standard v1.0.2: valid against the published
Table Schema (vendored in tests/reporting/data/), downloadable by the public and the network
admin; the network-wide activity export reachable from the same staff page."""

import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import OpeningHoursFactory, SiteFactory
from tests.activities.factories import ActivityFactory
from tests.reporting import table_schema
from tisser.accounts.enums import PlaceService, Role
from tisser.reporting import places

pytestmark = pytest.mark.django_db

SCHEMA = table_schema.load(
    Path(__file__).parent / "data" / "standard-mediation-num-1.0.2.schema.json"
)
T = datetime.time.fromisoformat


@pytest.fixture
def sites(network):
    gare = SiteFactory(
        network=network,
        name="Espace Gare",
        short_code="STRGAR",
        siret="99900000900129",
        address="2 place de la Gare",
        postal_code="67000",
        city="Strasbourg",
        latitude=Decimal("48.584500"),
        longitude=Decimal("7.735000"),
        phone="03 53 01 20 10",
        email="gare@example.org",
        description="Une grande salle.\nDix ordinateurs en accès libre.",
        services=[PlaceService.ACCES_INTERNET, PlaceService.AIDE_DEMARCHES],
    )
    for weekday in range(5):
        OpeningHoursFactory(site=gare, weekday=weekday, opens_at=T("09:30"), closes_at=T("12:30"))
        if weekday != 2:
            OpeningHoursFactory(
                site=gare, weekday=weekday, opens_at=T("13:30"), closes_at=T("17:30")
            )
    OpeningHoursFactory(site=gare, weekday=5, opens_at=T("09:30"), closes_at=T("12:30"))
    belleville = SiteFactory(
        network=network,
        name='=HYPERLINK("http://x")',
        short_code="PARBEL",
        siret="99900000900012",
        postal_code="75020",
        city="Paris",
        description="x" * 300,
        services=[],
    )
    without = SiteFactory(network=network, name="Espace sans SIRET", siret="")
    closed = SiteFactory(network=network, siret="99900000900020", is_active=False)
    return gare, belleville, without, closed


def written(network) -> str:
    response = places.download(network)
    return b"".join(response.streaming_content).decode("utf-8")


def lines(text):
    return {row["id"]: row for row in csv.DictReader(io.StringIO(text))}


def test_the_file_is_valid_against_the_published_schema(network, sites):
    text = written(network)
    assert not text.startswith("\ufeff")
    assert text.splitlines()[0].split(",") == [field["name"] for field in SCHEMA["fields"]]
    assert table_schema.validate(SCHEMA, text) == []


def test_the_validator_catches_what_the_schema_refuses(network, sites):
    text = written(network).replace("99900000900129", "12-34")
    text = text.replace("67000", "6700")
    problems = table_schema.validate(SCHEMA, text)
    assert any("pivot" in problem for problem in problems)
    assert any("code_postal" in problem for problem in problems)


def test_each_active_site_with_a_siret_is_one_line_with_what_tisser_knows(network, sites):
    gare = sites[0]
    found = lines(written(network))
    # No SIRET: no « pivot », left out (and listed on the staff page); a closed site too.
    assert set(found) == {"STRGAR", "PARBEL"}
    row = found["STRGAR"]
    assert row["pivot"] == "99900000900129"
    assert (row["nom"], row["commune"], row["code_postal"]) == (
        "Espace Gare",
        "Strasbourg",
        "67000",
    )
    assert row["code_insee"] == "67482"
    assert row["adresse"] == "2 place de la Gare"
    assert (row["latitude"], row["longitude"]) == ("48.5845", "7.735")
    assert row["telephone"] == "+33353012010"
    assert row["courriels"] == "gare@example.org"
    assert row["site_web"].endswith("/espaces/strgar/")
    # The standard's labels, in the standard's order, joined by a pipe.
    assert row["services"] == (
        "Aide aux démarches administratives|Accès internet et matériel informatique"
    )
    assert row["horaires"] == (
        "Mo-Tu 09:30-12:30,13:30-17:30; We 09:30-12:30; Th-Fr 09:30-12:30,13:30-17:30; "
        "Sa 09:30-12:30"
    )
    assert row["presentation_resume"] == "Une grande salle. Dix ordinateurs en accès libre."
    assert row["itinerance"] == "Fixe"
    assert row["modalites_acces"] == "Se présenter|Téléphoner|Contacter par mail"
    assert row["date_maj"] == timezone.localdate(gare.updated_at).isoformat()
    assert row["source"] == network.name


def test_text_cells_are_neutralised_and_long_presentations_kept_whole(network, sites):
    row = lines(written(network))["PARBEL"]
    assert row["nom"] == '\'=HYPERLINK("http://x")'
    # The commune's code (Paris), from the postal code and the commune's name.
    assert row["code_insee"] == "75056"
    assert row["presentation_resume"] == ""
    assert row["presentation_detail"] == "x" * 300
    assert row["services"] == ""


def test_anyone_downloads_the_places_from_the_public_page(client, network, sites):
    response = client.get(reverse("website:places_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "lieux-mediation-numerique-1.0.2.csv" in response["Content-Disposition"]
    assert "STRGAR" in b"".join(response.streaming_content).decode()


def test_the_network_admin_downloads_the_places_and_sees_what_is_missing(
    login, network_admin, network, sites
):
    client = login(network_admin)
    page = client.get(reverse("reporting:national_exports"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Espace sans SIRET" in text
    assert reverse("activities:export") + "?format=csv" in text
    response = client.get(reverse("reporting:places_csv"))
    assert response.status_code == 200
    assert "PARBEL" in b"".join(response.streaming_content).decode()


@pytest.mark.parametrize("role", [Role.SITE_MANAGER, Role.MEDIATOR])
def test_a_site_team_member_cannot_open_the_national_exports(login, member_factory, sites, role):
    client = login(member_factory(sites[0], role))
    assert client.get(reverse("reporting:national_exports")).status_code == 403
    assert client.get(reverse("reporting:places_csv")).status_code == 403


def test_the_network_admin_exports_every_sites_activities(login, network_admin, network, sites):
    gare, belleville, *_ = sites
    ActivityFactory(site=gare, date=datetime.date(2026, 3, 9))
    ActivityFactory(site=belleville, date=datetime.date(2026, 3, 10))
    response = login(network_admin).get(reverse("activities:export") + "?format=csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Espace Gare, 67000 Strasbourg" in text
    assert "75020 Paris" in text
