"""Reading the roll-ups: a constant number of queries, whatever is asked."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.reporting import rollup_data
from tisser.reporting import figures, rollup_figures
from tisser.reporting.enums import FacetKind
from tisser.reporting.figures import FunderReach, Selection

pytestmark = pytest.mark.django_db

D = datetime.date
ONE = ["people_helped"]
MANY = ["people_helped", "test_minutes", "test_visitors", "test_minutes_per_visitor"]


@pytest.fixture
def data(monkeypatch):
    return rollup_data.build_and_roll_up(monkeypatch)


def _queries(call):
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


@pytest.mark.parametrize("by", [None, "site", "month", "key"])
def test_one_indicator_or_many_cost_the_same_few_queries(data, by):
    whole = Selection(network_id=data.network.pk, start=D(2024, 3, 5), end=D(2026, 11, 20))
    funder = Selection(
        network_id=data.network.pk,
        start=D(2024, 3, 5),
        end=D(2026, 11, 20),
        reach=FunderReach(
            funder_id=1,
            site_windows={
                data.first.pk: ((D(2025, 2, 1), D(2026, 1, 31)),),
                data.second.pk: ((D(2025, 5, 1), D(2026, 6, 30)),),
            },
        ),
    )
    for selection in (whole, funder):
        if by is None:
            one = _queries(lambda s=selection: figures.compute(s, ONE))
            many = _queries(lambda s=selection: figures.compute(s, MANY))
        else:
            one = _queries(lambda s=selection: figures.compute_split(s, ONE, by=by))
            many = _queries(lambda s=selection: figures.compute_split(s, MANY, by=by))
        # The people pieces' sizes, then the sets of the figures made of several pieces,
        # and the totals (and, split by site over the whole network, the network's sites):
        # never one query per indicator.
        sites = 1 if by == "site" and selection is whole else 0
        assert one <= 2 + sites
        assert many <= 3 + sites


def test_a_figure_of_one_piece_is_its_stored_size_without_reading_the_set(data):
    year = Selection(network_id=data.network.pk, start=D(2025, 1, 1), end=D(2025, 12, 31))
    with CaptureQueriesContext(connection) as queries:
        read = figures.compute(year, ONE)["people_helped"].value
    assert len(queries) == 1 and '"members"' not in queries[0]["sql"]
    assert read == figures.compute(year, ONE, source="raw")["people_helped"].value


def test_a_person_counted_at_two_sites_and_in_two_months_is_one_person(data):
    selection = Selection(network_id=data.network.pk, start=D(2025, 1, 1), end=D(2026, 3, 31))
    per_month = figures.compute_split(selection, ["people_helped"], by="month")["people_helped"]
    # Person 0 came in January, June (as the merged file), December 2025 and January 2026,
    # at both sites: once in each month...
    assert per_month[D(2025, 12, 1)].value == 1
    assert per_month[D(2026, 1, 1)].value == 5
    assert sum(figure.value for figure in per_month.values()) == 2 + 4 + 1 + 5 + 3 + 1
    # ...and once over the whole period.
    assert figures.compute(selection, ["people_helped"])["people_helped"].value == 5


def test_a_breakdown_keeps_the_records_without_a_key_apart(data):
    selection = Selection(network_id=data.network.pk, start=D(2025, 1, 1), end=D(2026, 12, 31))
    per_key = rollup_figures.split(selection, ["test_minutes"], by="key")["test_minutes"]
    # Minutes / 60 per postal code; "" gathers the activities recorded without one.
    assert per_key == {
        "67000": Decimal("1.50"),  # 30 + 20 + 40 minutes
        "75011": Decimal("1.42"),  # 60 + 15 + 10
        "": Decimal("3.08"),  # 45 + 90 + 50
    }


def test_a_filter_that_matches_nothing_gives_zero_not_the_total(data):
    selection = Selection(
        network_id=data.network.pk,
        start=D(2025, 1, 1),
        end=D(2026, 12, 31),
        facets={FacetKind.PROGRAMME: frozenset({42})},
    )
    assert rollup_figures.values(selection, ["test_visitors", "test_minutes"]) == {
        "test_visitors": 0,
        "test_minutes": 0,
    }
