"""The public figures' snapshot: known values, « moins de 10 » with complementary
suppression on the per-city table, figures from before Tisser added and marked."""

import datetime
import json

import pytest

from tests.accounts.factories import NetworkFactory, SiteFactory
from tests.activities.factories import ActivityFactory, ParticipationFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.reporting.factories import HistoricFigureFactory
from tisser.core import scheduler
from tisser.reporting import catalogue, public, rollups
from tisser.reporting.models import PublicSnapshot

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)
THIS_YEAR = datetime.date(2026, 3, 2)
LAST_YEAR = datetime.date(2025, 10, 6)


def helped(site, day, people):
    """``people`` files (created or given) seen at ``site`` on ``day``, in one workshop."""
    activity = ActivityFactory(site=site, date=day)
    files = (
        people
        if isinstance(people, list)
        else [BeneficiaryFactory(site=site) for _ in range(people)]
    )
    for person in files:
        ParticipationFactory(activity=activity, beneficiary=person)
    return files


@pytest.fixture
def network():
    """Paris (two spaces): 15 people this year, 3 of them in both spaces, and 5 more last
    year; Lille: 12 this year; Lyon: 4 this year. Historic: 1,000 in Paris, 500 in Lille."""
    network = NetworkFactory(name="Réseau des chiffres")
    belleville = SiteFactory(network=network, city="Paris")
    flandre = SiteFactory(network=network, city="Paris")
    lille = SiteFactory(network=network, city="Lille")
    lyon = SiteFactory(network=network, city="Lyon")
    both = helped(belleville, THIS_YEAR, 9)
    helped(flandre, THIS_YEAR, [*both[:3], *(BeneficiaryFactory(site=flandre) for _ in range(6))])
    helped(flandre, LAST_YEAR, 5)
    helped(lille, THIS_YEAR, 12)
    helped(lyon, THIS_YEAR, 4)
    HistoricFigureFactory(site=belleville, year=2018, value=1000, source="Rapport d'activité 2018")
    HistoricFigureFactory(site=lille, year=2019, value=500, source="Rapport d'activité 2019")
    # Another indicator's figure is not people helped: never added.
    HistoricFigureFactory(
        site=lille, year=2019, indicator="people_offers", value=800, source="Autre rapport"
    )
    rollups.rebuild(LAST_YEAR, TODAY)
    return network


def by_city(data):
    return {row["city"]: row for row in data["cities"]}


def test_people_helped_this_year_and_since_the_start_per_city(network):
    data = public.snapshot(network, today=TODAY)
    assert data["first_day"] == LAST_YEAR.isoformat()
    cities = by_city(data)
    assert list(cities) == ["Lille", "Lyon", "Paris"]
    paris = cities["Paris"]
    # 9 + 6 distinct this year (3 came to both spaces), 5 more last year.
    assert paris["year"] == {"value": 15, "hidden": False}
    assert paris["since"]["tisser"] == {"value": 20, "hidden": False}
    assert paris["since"]["historic"] == {"value": 1000, "hidden": False}
    assert paris["since"]["value"] == 1020
    assert data["total"]["year"] == {"value": 31, "hidden": False}
    assert data["total"]["since"]["tisser"]["value"] == 36


def test_a_city_under_10_shows_moins_de_10_and_cannot_be_recomputed(network):
    data = public.snapshot(network, today=TODAY)
    cities = by_city(data)
    # Lyon's 4 people are hidden, and Lille, the smallest other city, with them: the total
    # (31) minus Paris (15) gives Lille and Lyon together, never Lyon alone.
    assert cities["Lyon"]["year"] == {"value": None, "hidden": True}
    assert cities["Lille"]["year"] == {"value": None, "hidden": True}
    assert cities["Lyon"]["since"]["tisser"]["hidden"]
    assert cities["Lille"]["since"]["tisser"]["hidden"]
    for column in ("year",):
        members = [data["total"][column], *(row[column] for row in data["cities"])]
        assert sum(cell["hidden"] for cell in members) != 1
    members = [data["total"]["since"]["tisser"], *(r["since"]["tisser"] for r in data["cities"])]
    assert sum(cell["hidden"] for cell in members) != 1
    # A hidden figure's value is not kept anywhere in what the page reads.
    text = json.dumps(data)
    assert '"value": 4,' not in text and '"value": 12,' not in text
    # Lille's since-the-start keeps its declared part, its Tisser part hidden.
    assert cities["Lille"]["since"]["value"] is None
    assert cities["Lille"]["since"]["historic"]["value"] == 500


def test_figures_from_before_tisser_are_added_to_since_the_start_and_marked(network):
    data = public.snapshot(network, today=TODAY)
    since = data["headline"]["people_helped_since"]
    assert since["tisser"]["value"] == 36
    assert since["historic"]["value"] == 1500
    assert since["value"] == 1536
    assert data["headline"]["people_helped_year"]["value"] == 31
    assert data["historic"] == {
        "sources": ["Rapport d'activité 2018", "Rapport d'activité 2019"],
        "first_year": 2018,
        "last_year": 2019,
    }


def test_a_small_historic_figure_is_hidden_too():
    site = SiteFactory(city="Nantes")
    SiteFactory(network=site.network, city="Brest")
    HistoricFigureFactory(site=site, year=2019, value=7)
    data = public.snapshot(site.network, today=TODAY)
    nantes = by_city(data)["Nantes"]
    assert nantes["since"]["historic"] == {"value": None, "hidden": True}
    # Brest has 0 declared: the total alone would give Nantes away, so it is hidden too.
    assert data["total"]["since"]["historic"]["hidden"]


def test_offers_and_satisfaction_appear_only_when_the_catalogue_has_them(network):
    headline = public.snapshot(network, today=TODAY)["headline"]
    known = catalogue.catalogue()
    assert ("people_offers_year" in headline) == ("people_offers" in known)
    assert ("satisfaction_rate_year" in headline) == ("satisfaction_rate" in known)


def test_a_network_without_records_gets_zeros_not_an_error():
    site = SiteFactory(city="Grenoble")
    data = public.snapshot(site.network, today=TODAY)
    assert data["first_day"] == TODAY.isoformat()
    assert data["headline"]["people_helped_since"]["value"] == 0
    assert by_city(data)["Grenoble"]["year"] == {"value": 0, "hidden": False}


def test_the_daily_job_stores_a_snapshot_per_network(network):
    other = SiteFactory(network=NetworkFactory(name="Autre réseau"), city="Brest").network
    now = datetime.datetime(2026, 6, 15, 5, 0, tzinfo=datetime.UTC)
    jobs = {job.name: job for job in scheduler.registered_jobs()}
    assert "reporting.public_figures" in jobs
    jobs["reporting.public_figures"].function(now=now)
    assert PublicSnapshot.objects.count() == 2
    latest = public.latest(network)
    assert latest.computed_at == now
    assert latest.figures["computed_on"] == "2026-06-15"
    assert latest.figures["network"] == "Réseau des chiffres"
    assert public.latest(other).figures["network"] == "Autre réseau"
