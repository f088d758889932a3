"""The public figures page /chiffres/: open to anyone, aggregates only, from the latest
daily snapshot (computed on the spot when there is none yet)."""

import datetime

import pytest
from django.urls import reverse

from tests.accounts.factories import SiteFactory
from tests.activities.factories import ActivityFactory, ParticipationFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.reporting.factories import HistoricFigureFactory
from tisser.core import clock
from tisser.reporting import public, rollups
from tisser.reporting.models import PublicSnapshot

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 15, 8, 0, tzinfo=datetime.UTC)
DAY = datetime.date(2026, 4, 7)
NBSP = "\u202f"


@pytest.fixture
def network():
    strasbourg = SiteFactory(city="Strasbourg")
    lille = SiteFactory(network=strasbourg.network, city="Lille")
    people = []
    for site, count in ((strasbourg, 14), (lille, 3)):
        activity = ActivityFactory(site=site, date=DAY)
        for _ in range(count):
            person = BeneficiaryFactory(site=site, first_name="Zéphyrine", last_name="Quintaval")
            ParticipationFactory(activity=activity, beneficiary=person)
            people.append(person)
    HistoricFigureFactory(site=strasbourg, year=2018, value=8000, source="Rapport d'activité 2018")
    rollups.rebuild(DAY, NOW.date())
    return strasbourg.network, people


def test_anyone_sees_the_headline_and_the_cities_computed_on_first_visit(client, network):
    with clock.frozen_at(NOW):
        response = client.get(reverse("website:figures"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Nos chiffres" in text
    assert "Chiffres calculés le" in text and "15 juin 2026" in text
    # 17 people with Tisser, 8,000 declared before.
    assert f"8{NBSP}017" in text
    assert f"dont 8{NBSP}000 déclarés avant Tisser" in text
    assert "Rapport d&#x27;activité 2018" in text
    assert "Strasbourg" in text and "Lille" in text
    # Lille's 3 people are « moins de 10 », and Strasbourg's 14 with them (the total is 17).
    assert "moins de 10" in text
    assert ">14<" not in text and ">3<" not in text
    # Strasbourg's declared part stays, its Tisser part hidden: never their sum.
    assert f"8{NBSP}000 déclarés avant Tisser, plus « moins de 10 » depuis" in text
    assert f"8{NBSP}014" not in text
    assert PublicSnapshot.objects.count() == 1


def test_the_page_shows_no_personal_data(client, network):
    _, people = network
    with clock.frozen_at(NOW):
        text = client.get(reverse("website:figures")).content.decode()
    assert "Zéphyrine" not in text and "Quintaval" not in text
    assert all(person.file_number not in text for person in people)


def test_the_page_reads_the_latest_snapshot_without_recomputing(
    client, network, django_assert_max_num_queries
):
    with clock.frozen_at(NOW):
        public.refresh_public_snapshot(NOW - datetime.timedelta(days=2))
        ActivityFactory(site=network[1][0].site, date=NOW.date())
        with django_assert_max_num_queries(6):
            text = client.get(reverse("website:figures")).content.decode()
    assert "13 juin 2026" in text
    assert PublicSnapshot.objects.count() == 1


def test_the_footer_links_to_the_figures(client, db):
    text = client.get(reverse("website:home")).content.decode()
    assert f'href="{reverse("website:figures")}"' in text


def test_without_a_network_the_page_is_not_found(client, db):
    assert client.get(reverse("website:figures")).status_code == 404
