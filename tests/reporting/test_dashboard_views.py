"""The dashboards' pages: who opens which, the filters in the address, the funder's view
with the « moins de 10 » rule, the chart downloads and the glossary."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.accounts.factories import FunderFactory, PartnerFactory, SiteFactory
from tests.conftest import make_member
from tests.funding.factories import ConventionFactory
from tests.reporting.figures_data import PERIOD, helped, rebuild, recomputable, small_counts_shown
from tests.training.factories import ProgrammeFactory
from tisser.accounts.enums import Role
from tisser.reporting.dashboard_types import Audience

pytestmark = pytest.mark.django_db

URLS = ["index", "network", "site", "funder", "programme", "glossary"]
MARCH = datetime.date(2026, 3, 10)


def url(name, **query):
    path = reverse(f"reporting:{name}")
    if query:
        from urllib.parse import urlencode

        path += "?" + urlencode(query)
    return path


@pytest.fixture
def figures(network):
    """Two funders of one network: A covers Nord (12 people) and Est (4 people), B covers
    Sud (23 people)."""
    north = SiteFactory(network=network, name="Espace Nord", city="Lille")
    east = SiteFactory(network=network, name="Espace Est", city="Lille")
    south = SiteFactory(network=network, name="Espace Sud", city="Marseille")
    funder_a = FunderFactory(network=network, name="Financeur A")
    funder_b = FunderFactory(network=network, name="Financeur B")
    convention_a = ConventionFactory(funder=funder_a, sites=[north, east])
    ConventionFactory(funder=funder_b, sites=[south])
    helped(north, MARCH, 12)
    helped(east, MARCH, 4)
    helped(south, MARCH, 23)
    rebuild()
    return {
        "north": north, "east": east, "south": south,
        "funder_a": funder_a, "funder_b": funder_b, "convention_a": convention_a,
    }  # fmt: skip


def _headline(response):
    built = response.context["dashboard"]
    return next(line for block in built.groups for line in block.lines).current.text


# --- who opens what -----------------------------------------------------------------------


@pytest.mark.parametrize("name", URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, db, name):
    response = client.get(url(name))
    assert response.status_code == 302 and "/compte/" in response["Location"]


@pytest.mark.parametrize(
    "role, refused",
    [
        (Role.VOLUNTEER, URLS),
        (Role.SITE_MANAGER, ["network", "funder"]),
        (Role.MEDIATOR, ["network", "funder"]),
        (Role.ACCOUNTANT, ["site", "funder", "programme"]),
        (Role.FUNDER_VIEWER, ["network", "site"]),
    ],
)
def test_each_role_is_refused_the_dashboards_not_theirs(
    login, network, site, funder, role, refused
):
    organisation = {
        Role.VOLUNTEER: site, Role.SITE_MANAGER: site, Role.MEDIATOR: site,
        Role.ACCOUNTANT: network, Role.FUNDER_VIEWER: funder,
    }[role]  # fmt: skip
    client = login(make_member(organisation, role))
    for name in refused:
        assert client.get(url(name)).status_code == 403, name


@pytest.mark.parametrize(
    "role, target",
    [
        (Role.NETWORK_ADMIN, "network"),
        (Role.ACCOUNTANT, "network"),
        (Role.SITE_MANAGER, "site"),
        (Role.MEDIATOR, "site"),
        (Role.FUNDER_VIEWER, "funder"),
    ],
)
def test_chiffres_opens_the_reader_s_own_dashboard(login, network, site, funder, role, target):
    organisation = {Role.NETWORK_ADMIN: network, Role.ACCOUNTANT: network,
                    Role.FUNDER_VIEWER: funder}.get(role, site)  # fmt: skip
    response = login(make_member(organisation, role)).get(url("index"))
    assert response.status_code == 302 and response["Location"] == url(target)


# --- the network and the site -------------------------------------------------------------


def test_the_network_admin_reads_every_site_with_exact_figures(login, network, figures):
    response = login(make_member(network, Role.NETWORK_ADMIN)).get(url("network", **PERIOD))
    assert response.status_code == 200
    assert _headline(response) == "39"
    content = response.content.decode()
    assert "Espace Est" in content and "moins de 10" not in content
    assert 'role="img"' in content and "Télécharger les données" in content
    assert f'href="{reverse("reporting:glossary")}#people_helped"' in content


def test_the_filters_live_in_the_address(login, network, figures):
    client = login(make_member(network, Role.NETWORK_ADMIN))
    assert _headline(client.get(url("network", commune="Lille", **PERIOD))) == "16"
    assert _headline(client.get(url("network", espace=figures["south"].pk, **PERIOD))) == "23"
    outside = client.get(url("network", debut="2026-06-01", fin="2026-06-30"))
    assert _headline(outside) == "0"
    response = client.get(url("network", financeur=figures["funder_b"].pk, **PERIOD))
    assert _headline(response) == "23"  # the network's figures, narrowed to B's conventions
    assert response.context["funder_view"].startswith(url("funder"))


def test_a_wrong_filter_is_a_french_error_and_the_page_shows_the_defaults(login, network, figures):
    client = login(make_member(network, Role.NETWORK_ADMIN))
    response = client.get(url("network", debut="31/02/2026", espace="9" * 25))
    assert response.status_code == 200
    form = response.context["form"]
    assert {"debut", "espace"} <= set(form.errors)
    assert "Saisissez une date valide." in str(form.errors["debut"])
    assert 'id="error-summary"' in response.content.decode()
    assert response.context["dashboard"] is not None


def test_a_site_manager_reads_their_site_only(login, network, site, figures):
    client = login(make_member(figures["north"], Role.SITE_MANAGER))
    response = client.get(url("site", espace=figures["south"].pk, **PERIOD))
    assert response.status_code == 200
    assert _headline(response) == "12"
    assert "Espace Sud" not in response.content.decode()
    assert response.context["page"].title == "Chiffres de l'espace Espace Nord"


def test_a_network_admin_picks_a_site(login, network, figures):
    client = login(make_member(network, Role.NETWORK_ADMIN))
    assert client.get(url("site")).context["dashboard"] is None
    response = client.get(url("site", espace=figures["east"].pk, **PERIOD))
    assert _headline(response) == "4"  # staff read exact figures, even small ones


# --- the funder ---------------------------------------------------------------------------


def test_a_funder_sees_its_sites_only_with_the_small_counts_rule(login, network, figures):
    client = login(make_member(figures["funder_a"], Role.FUNDER_VIEWER))
    response = client.get(url("funder", **PERIOD))
    assert response.status_code == 200
    built = response.context["dashboard"]
    assert built.audience == Audience.FUNDER
    assert _headline(response) == "16"
    assert small_counts_shown(built) == [] and recomputable(built) == []
    content = response.content.decode()
    assert "Espace Sud" not in content and "23" not in content and "39" not in content
    assert "moins de 10" in content


def test_a_funder_cannot_reach_another_funder_s_figures(login, network, figures):
    client = login(make_member(figures["funder_a"], Role.FUNDER_VIEWER))
    response = client.get(url("funder", financeur=figures["funder_b"].pk, **PERIOD))
    assert _headline(response) == "16"
    response = client.get(url("funder", espace=figures["south"].pk, **PERIOD))
    assert "espace" in response.context["form"].errors
    assert _headline(response) == "16" and "Espace Sud" not in response.content.decode()
    assert client.get(url("network", financeur=figures["funder_b"].pk)).status_code == 403


def test_a_network_admin_opens_the_view_of_any_funder_of_the_network(login, network, figures):
    client = login(make_member(network, Role.NETWORK_ADMIN))
    response = client.get(url("funder"))
    assert response.context["dashboard"] is None and response.context["page"].prompt
    response = client.get(url("funder", financeur=figures["funder_a"].pk, **PERIOD))
    assert response.context["dashboard"].audience == Audience.FUNDER
    assert _headline(response) == "16"
    assert small_counts_shown(response.context["dashboard"]) == []
    foreign = FunderFactory(network=SiteFactory(network__name="Autre réseau").network)
    response = client.get(url("funder", financeur=foreign.pk))
    assert "financeur" in response.context["form"].errors


def test_a_chart_s_data_downloads_as_csv_with_the_same_rule(login, network, figures):
    client = login(make_member(figures["funder_a"], Role.FUNDER_VIEWER))
    response = client.get(url("funder", graphique="espaces", **PERIOD))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert "Espace Est;moins de 10" in text and "Espace Nord;moins de 10" in text
    assert "Total;16" in text and "Espace Sud" not in text
    assert client.get(url("funder", graphique="nothing", **PERIOD)).status_code == 404


def test_the_programme_view_links_the_training_dashboard(login, network, figures):
    programme = ProgrammeFactory(network=network, convention=figures["convention_a"])
    client = login(make_member(network, Role.NETWORK_ADMIN))
    assert client.get(url("programme")).context["page"].prompt
    response = client.get(url("programme", programme=programme.pk, **PERIOD))
    assert response.status_code == 200
    assert _headline(response) == "ne s'applique pas à ce filtre"
    assert f"{reverse('training:dashboard')}?programme={programme.pk}" in response.content.decode()
    viewer = login(make_member(FunderFactory(network=network), Role.FUNDER_VIEWER))
    response = viewer.get(url("programme", programme=programme.pk))
    assert "programme" in response.context["form"].errors


def test_the_export_links_show_only_when_their_pages_exist(login, network, figures):
    response = login(make_member(network, Role.NETWORK_ADMIN)).get(url("network", **PERIOD))
    from django.urls import NoReverseMatch

    for key, name in (("xlsx", "export_xlsx"), ("csv", "export_csv"), ("report", "report_request")):
        try:
            expected = reverse(f"reporting:{name}")
        except NoReverseMatch:
            assert key not in response.context["exports"]
        else:
            assert response.context["exports"][key].startswith(expected)
            assert "tableau=network" in response.context["exports"][key]


def test_the_glossary_explains_each_figure(login, network):
    response = login(make_member(network, Role.ACCOUNTANT)).get(url("glossary"))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="people_helped"' in content and "37 000 personnes accompagnées" in content
    assert "personnes distinctes" in content.lower()


@pytest.mark.usefixtures("without_kept_sets")
def test_the_page_costs_the_same_queries_for_one_or_many_sites(login, network):
    client = login(make_member(network, Role.NETWORK_ADMIN))

    def count():
        rebuild()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("network", comparer="on", **PERIOD)).status_code == 200
        return len(queries)

    site = SiteFactory(network=network)
    # Two months: the period's people are a union of pieces from the start (one more query).
    helped(site, MARCH, 2)
    helped(site, MARCH + datetime.timedelta(days=31), 2)
    count()  # the first request of a session reads what later ones find cached
    one = count()
    PartnerFactory(network=network)
    for index in range(4):
        other = SiteFactory(network=network)
        for month in (3, 4, 5):
            helped(other, datetime.date(2026, month, 3 + index), 2)
    assert count() == one
