"""Figures from before Tisser: a network admin enters them per site and year with their
source; bounds and errors in French; every write journaled; nobody else may."""

import datetime

import pytest
from django.urls import reverse

from tests.accounts.factories import NetworkFactory, SiteFactory
from tests.reporting.factories import HistoricFigureFactory
from tisser.accounts.enums import Role
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.reporting import services
from tisser.reporting.historic import HISTORIC_INDICATORS
from tisser.reporting.historic_forms import HistoricFigureForm
from tisser.reporting.models import HistoricFigure


@pytest.fixture
def today(fake_clock):
    fake_clock.set(datetime.datetime(2026, 11, 30, 10, tzinfo=datetime.UTC))


def _data(site_, **changes):
    return {
        "site": site_.pk,
        "year": "2018",
        "indicator": "people_helped",
        "value": "8000",
        "source": "Rapport d'activité 2018",
        **changes,
    }


def test_the_allowed_indicators_are_the_public_pages():
    assert set(HISTORIC_INDICATORS) == {"people_helped", "people_offers"}


def test_an_admin_adds_a_figure_and_it_is_journaled(today, network_admin, site, login):
    client = login(network_admin)
    response = client.post(reverse("reporting:historic_create"), _data(site))
    assert response.status_code == 302
    figure = HistoricFigure.objects.get()
    assert (figure.site, figure.year, figure.indicator, figure.value) == (
        site,
        2018,
        "people_helped",
        8000,
    )
    assert figure.entered_by == network_admin.user
    entry = JournalEntry.objects.get(action="historic_figure.created")
    assert entry.object_id == str(figure.pk)
    assert entry.site_id == site.pk
    assert entry.payload == {"year": 2018, "indicator": "people_helped", "value": 8000}
    listing = client.get(reverse("reporting:historic_list")).content.decode()
    assert "Rapport d&#x27;activité 2018" in listing
    assert "8\u202f000" in listing


def test_an_admin_corrects_then_deletes_a_figure(today, network_admin, site, login):
    figure = HistoricFigureFactory(site=site, year=2019, value=100)
    client = login(network_admin)
    edit = reverse("reporting:historic_edit", kwargs={"pk": figure.pk})
    assert 'value="100"' in client.get(edit).content.decode()
    response = client.post(edit, _data(site, year="2019", value="120"))
    assert response.status_code == 302
    figure.refresh_from_db()
    assert figure.value == 120
    assert JournalEntry.objects.filter(action="historic_figure.updated").count() == 1

    delete = reverse("reporting:historic_delete", kwargs={"pk": figure.pk})
    assert client.get(delete).status_code == 200
    assert client.post(delete).status_code == 302
    assert not HistoricFigure.objects.exists()
    entry = JournalEntry.objects.get(action="historic_figure.deleted")
    assert entry.payload["value"] == 120


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"year": "1989"}, "year", "Indiquez une année entre 1990 et 2026."),
        ({"year": "2027"}, "year", "Indiquez une année entre 1990 et 2026."),
        ({"year": "deux mille"}, "year", "Indiquez l'année en chiffres, par exemple 2018."),
        ({"value": "-1"}, "value", "Indiquez un nombre positif ou nul."),
        ({"value": "10000001"}, "value", "Indiquez un nombre d'au plus 10 000 000."),
        ({"value": "12,5"}, "value", "Indiquez un nombre entier, sans espace ni virgule."),
        ({"indicator": "devices"}, "indicator", "Choisissez un indicateur de la liste."),
        ({"source": ""}, "source", "Indiquez d'où vient ce chiffre"),
        ({"source": "x" * 301}, "source", "Écrivez la source en 300 caractères au plus."),
        ({"site": ""}, "site", "Choisissez l'espace dont vient ce chiffre."),
        ({"site": "9" * 25}, "site", "Choisissez un espace de votre réseau dans la liste."),
    ],
)
def test_bad_input_gets_a_french_error_and_changes_nothing(
    today, network_admin, site, login, changes, field, message
):
    client = login(network_admin)
    response = client.post(reverse("reporting:historic_create"), _data(site, **changes))
    assert response.status_code == 200
    page = response.content.decode().replace("&#x27;", "'")
    assert 'class="error-summary"' in page
    assert message in page
    assert message in " ".join(response.context["form"].errors[field])
    assert not HistoricFigure.objects.exists()
    assert not JournalEntry.objects.filter(action__startswith="historic_figure.").exists()


def test_a_site_of_another_network_is_refused(today, network_admin, site):
    foreign = SiteFactory(network=NetworkFactory(name="Autre réseau"))
    form = HistoricFigureForm(_data(foreign), membership=network_admin)
    assert "site" in form.errors
    assert HistoricFigureForm(_data(site), membership=network_admin).is_valid()


def test_one_figure_per_site_year_and_indicator(today, network_admin, site, login):
    HistoricFigureFactory(site=site, year=2018, indicator="people_helped")
    response = login(network_admin).post(reverse("reporting:historic_create"), _data(site))
    assert response.status_code == 200
    assert "Un chiffre existe déjà" in response.content.decode()
    assert HistoricFigure.objects.count() == 1


def test_the_service_refuses_other_roles_and_other_networks(today, site, member_factory):
    manager = member_factory(site, Role.SITE_MANAGER)
    data = {"year": 2018, "indicator": "people_helped", "value": 10, "source": "Bilan"}
    with pytest.raises(DomainError):
        services.historic_figure_save(actor=manager, site=site, data=data)
    other_admin = member_factory(NetworkFactory(name="Autre réseau"), Role.NETWORK_ADMIN)
    with pytest.raises(DomainError):
        services.historic_figure_save(actor=other_admin, site=site, data=data)
    assert not HistoricFigure.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.SITE_MANAGER, Role.MEDIATOR, Role.FUNDER_VIEWER, Role.ACCOUNTANT]
)
def test_only_the_network_admin_manages_them(today, network, site, member_factory, login, role):
    organisation = {
        Role.SITE_MANAGER: site,
        Role.MEDIATOR: site,
        Role.ACCOUNTANT: network,
    }.get(role)
    if organisation is None:
        from tests.accounts.factories import FunderFactory

        organisation = FunderFactory(network=network)
    figure = HistoricFigureFactory(site=site)
    client = login(member_factory(organisation, role))
    assert client.get(reverse("reporting:historic_list")).status_code == 403
    assert client.post(reverse("reporting:historic_create"), _data(site)).status_code == 403
    edit = reverse("reporting:historic_edit", kwargs={"pk": figure.pk})
    assert client.post(edit, _data(site, value="1")).status_code in (403, 404)
    delete = reverse("reporting:historic_delete", kwargs={"pk": figure.pk})
    assert client.post(delete).status_code in (403, 404)
    figure.refresh_from_db()
    assert figure.value == 1200
    assert HistoricFigure.objects.count() == 1


def test_another_networks_figure_is_a_404(today, network_admin, login):
    foreign = HistoricFigureFactory(site=SiteFactory(network=NetworkFactory(name="Autre réseau")))
    client = login(network_admin)
    assert (
        client.get(reverse("reporting:historic_edit", kwargs={"pk": foreign.pk})).status_code == 404
    )
    assert (
        client.post(reverse("reporting:historic_delete", kwargs={"pk": foreign.pk})).status_code
        == 404
    )
    assert HistoricFigure.objects.filter(pk=foreign.pk).exists()


def test_the_list_costs_the_same_queries_for_1_and_30_figures(
    today, network_admin, site, login, django_assert_max_num_queries
):
    client = login(network_admin)
    HistoricFigureFactory(site=site, year=1995)
    with django_assert_max_num_queries(20) as one:
        client.get(reverse("reporting:historic_list"))
    for year in range(1996, 2025):
        HistoricFigureFactory(site=site, year=year)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("reporting:historic_list"))
