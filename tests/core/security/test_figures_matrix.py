"""Funder and public figures never show a count under 10 nor another funder's data.

Generated from the URL conf: every view marked ``guarded_figures = (readers…)`` (the
funder's dashboard, the programme's, and any later page a funder or the public reads; it
puts its built dashboard in ``context["dashboard"]``) is asked by each of its readers:
funder A1's member (``"funder"``), the network admin opening funder A1's view
(``"admin-as-funder"``, with ``?financeur=``), an anonymous visitor (``"public"``); over figures where funder A1 covers site A1 (12
people in March, 3 in April) and funder A2 covers site A2 (27 people). Each answer, and
the CSV of each of its charts, must show no figure from 1 to 9, no hidden value alone in an
equation with a total (it could be recomputed), and nothing of site A2.
"""

import csv
import datetime
import io

import pytest

from tests.activities.factories import ActivityFactory, ParticipationFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.core.urlconf import all_routes, view_attribute
from tests.funding.factories import ConventionFactory
from tests.reporting.figures_data import PERIOD, recomputable, small_counts_shown
from tests.training.factories import ProgrammeFactory
from tisser.accounts.enums import OrganisationKind as K
from tisser.accounts.enums import Role
from tisser.core.small_counts import is_small
from tisser.reporting import rollups

ROUTES = [route for route in all_routes() if view_attribute(route.callback, "guarded_figures")]
CASES = [
    (route, reader)
    for route in ROUTES
    for reader in view_attribute(route.callback, "guarded_figures")
]
ROLES = {"funder": Role.FUNDER_VIEWER, "admin-as-funder": Role.NETWORK_ADMIN, "public": None}


def _helped(site, day, count):
    activity = ActivityFactory(site=site, date=day)
    for _ in range(count):
        ParticipationFactory(activity=activity, beneficiary=BeneficiaryFactory(site=site))


@pytest.fixture
def figures(shared):
    site, other_site = shared.owners[K.SITE], shared.others[K.SITE]
    mine = ConventionFactory(funder=shared.owners[K.FUNDER], sites=[site])
    ConventionFactory(funder=shared.others[K.FUNDER], sites=[other_site])
    _helped(site, datetime.date(2026, 3, 10), 12)
    _helped(site, datetime.date(2026, 4, 10), 3)
    _helped(other_site, datetime.date(2026, 3, 12), 27)
    rollups.rebuild(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    return {"programme": ProgrammeFactory(network=shared.network, convention=mine)}


def _query(route, figures, reader, shared):
    query = dict(PERIOD)
    if route.name == "reporting:programme":
        query["programme"] = figures["programme"].pk
    if reader == "admin-as-funder":
        query["financeur"] = shared.owners[K.FUNDER].pk
    return query


def test_the_matrix_covers_the_funder_pages():
    assert {"reporting:funder", "reporting:programme"} <= {route.name for route in ROUTES}


@pytest.mark.parametrize(
    "route, reader", CASES, ids=lambda value: getattr(value, "label", str(value))
)
def test_no_count_under_10_nor_another_funder_s_figures(
    shared, client, sign_in, figures, route, reader
):
    if ROLES[reader] is not None:
        member = shared.member(ROLES[reader])
        client = sign_in(member.user, member)
    query = _query(route, figures, reader, shared)
    response = client.get(route.path, query)
    assert response.status_code == 200
    built = response.context["dashboard"]
    assert built is not None and built.audience in ("funder", "public")
    assert small_counts_shown(built) == []
    assert recomputable(built) == []
    content = response.content.decode()
    assert shared.others[K.SITE].name not in content
    every_value = {line.current.value for block in built.groups for line in block.lines}
    assert not every_value & {27, 42}, "another funder's people are counted"
    for chart in built.charts:
        download = client.get(route.path, {**query, "graphique": chart.code})
        text = b"".join(download.streaming_content).decode("utf-8-sig")
        for row in csv.reader(io.StringIO(text), delimiter=";"):
            for cell in row[1:]:
                assert not (cell.isdigit() and is_small(int(cell))), (chart.code, row)
        assert shared.others[K.SITE].name not in text
