"""The solidarity offers' and in-kind donations' indicators on a data set whose answers are
known (tests/reporting/offer_datasets.py), from the raw records and from the roll-ups."""

import datetime
from decimal import Decimal

import pytest

from tests.reporting import offer_datasets
from tests.reporting.figures_data import assert_rows_follow_the_contract
from tests.reporting.offer_datasets import END, START
from tisser.funding.enums import OfferFamily
from tisser.reporting import figures, rollups
from tisser.reporting.enums import FacetKind
from tisser.reporting.figures import FunderReach, Selection
from tisser.reporting.indicators import Window
from tisser.reporting.sources import offers

pytestmark = pytest.mark.django_db

SOURCES = ("raw", "rollups")
PEOPLE = ["people_offers", "people_equipped", "people_connected", "people_with_device"]
SUMS = [
    "devices_distributed",
    "units_distributed",
    "solidarity_revenue",
    "market_value",
    "savings",
    "donation_value_used",
    "donation_value_received",
]
LAPTOP, RECHARGE, SIM = OfferFamily.LAPTOP, OfferFamily.RECHARGE, OfferFamily.SIM


@pytest.fixture
def world():
    built = offer_datasets.build()
    rollups.rebuild(START, END)
    return built


def values(selection, codes, *, source):
    return {
        code: figure.value
        for code, figure in figures.compute(selection, codes, source=source).items()
    }


def year(world, **kwargs):
    return Selection(network_id=world.network.pk, start=START, end=END, **kwargs)


@pytest.mark.parametrize("source", SOURCES)
def test_the_network_figures_of_the_year(world, source):
    found = values(year(world), PEOPLE + SUMS, source=source)
    assert found == {
        # P1 (with the file merged into it), P3, P6, P7; P2 gave the laptop back, P4's sales
        # were cancelled or expired.
        "people_offers": 4,
        "people_equipped": 3,  # P1, P6, P7
        "people_connected": 3,  # P1 (two sites, three months, a merge), P3, P6 (SIM cards)
        "people_with_device": 3,
        "devices_distributed": 3,
        "units_distributed": 10,  # 3 laptops, 4 codes, 3 SIM cards
        "solidarity_revenue": Decimal("461.00"),  # 3 × 150 + 4 × 2 + 3 × 1
        "market_value": Decimal("1100.00"),  # 3 × 350 + 4 × 5 + 3 × 10
        "savings": Decimal("639.00"),
        "donation_value_used": Decimal("570.00"),  # 2 × 200 (L2) + 150 (L3) + 4 × 5 (L1)
        "donation_value_received": Decimal("750.00"),  # 50 + 400 + 300
    }


@pytest.mark.parametrize("source", SOURCES)
def test_money_is_drawn_from_the_people_who_bought(world, source):
    found = figures.compute(
        year(world), ["solidarity_revenue", "devices_distributed"], source=source
    )
    assert found["solidarity_revenue"].base == 4
    assert found["devices_distributed"].base == 3


@pytest.mark.parametrize("source", SOURCES)
def test_splits_by_site_month_and_family(world, source):
    selection = year(world)
    by_site = figures.compute_split(
        selection, ["people_offers", "donation_value_received"], by="site", source=source
    )
    assert {site: figure.value for site, figure in by_site["people_offers"].items()} == {
        world.site.pk: 3,  # P1, P3, P7
        world.other_site.pk: 2,  # P1 (and the file merged into it), P6
    }
    assert {site: f.value for site, f in by_site["donation_value_received"].items()} == {
        world.site.pk: Decimal("350.00"),
        world.other_site.pk: Decimal("400.00"),
    }
    by_month = figures.compute_split(selection, ["people_offers"], by="month", source=source)
    assert {month.month: f.value for month, f in by_month["people_offers"].items()} == {
        1: 1,
        2: 1,  # P3 only: P2's laptop came back
        3: 1,  # P1's code paid at 00:30 Paris on 1 March counts in March
        4: 2,
        6: 1,
    }
    by_family = figures.compute_split(
        selection, ["units_distributed", "people_offers", "market_value"], by="key", source=source
    )
    assert {key: f.value for key, f in by_family["units_distributed"].items()} == {
        LAPTOP: 3,
        RECHARGE: 4,
        SIM: 3,
    }
    assert {key: f.value for key, f in by_family["people_offers"].items()} == {
        LAPTOP: 3,
        RECHARGE: 2,
        SIM: 1,
    }
    assert by_family["market_value"][SIM].value == Decimal("30.00")


def test_a_return_recorded_later_takes_the_unit_out_of_the_sales_day(db):
    world = offer_datasets.build(p2_returns=False)
    february = Selection(
        network_id=world.network.pk,
        start=datetime.date(2026, 2, 1),
        end=datetime.date(2026, 2, 28),
    )
    codes = ["people_offers", "devices_distributed", "donation_value_used"]
    rollups.rebuild(START, END)
    for source in SOURCES:
        assert values(february, codes, source=source) == {
            "people_offers": 2,  # P2 and P3
            "devices_distributed": 1,
            "donation_value_used": Decimal("155.00"),  # P2's laptop (150) + P3's code (5)
        }
    offer_datasets.return_p2_laptop(world)  # on 20 May
    rollups.rebuild(START, END)
    for source in SOURCES:
        assert values(february, codes, source=source) == {
            "people_offers": 1,
            "devices_distributed": 0,
            "donation_value_used": Decimal("5.00"),
        }
    may = Selection(
        network_id=world.network.pk, start=datetime.date(2026, 5, 1), end=datetime.date(2026, 5, 31)
    )
    assert values(may, codes, source="raw")["people_offers"] == 0


@pytest.mark.parametrize("source", SOURCES)
def test_a_donor_counts_only_what_its_dotations_gave(world, source):
    operator = FunderReach(
        funder_id=world.operator.funder_id, site_windows={}, dotations=frozenset({world.d1.pk})
    )
    found = values(year(world, reach=operator), PEOPLE + SUMS, source=source)
    assert found == {
        "people_offers": 2,  # P1 (and the merged file), P3: the codes of L1
        "people_equipped": 0,
        "people_connected": 2,
        "people_with_device": 0,
        "devices_distributed": 0,
        "units_distributed": 4,
        "solidarity_revenue": Decimal("8.00"),
        "market_value": Decimal("20.00"),
        "savings": Decimal("12.00"),
        "donation_value_used": Decimal("20.00"),
        "donation_value_received": Decimal("50.00"),  # L1 only
    }
    city = FunderReach(
        funder_id=world.city.funder_id, site_windows={}, dotations=frozenset({world.d2.pk})
    )
    found = values(
        year(world, reach=city),
        ["people_offers", "people_equipped", "donation_value_used"],
        source=source,
    )
    assert found == {
        "people_offers": 2,  # P1 and P6 bought its laptops
        "people_equipped": 2,
        "donation_value_used": Decimal("400.00"),
    }


@pytest.mark.parametrize("source", SOURCES)
def test_the_network_total_is_not_the_sum_of_the_funders(world, source):
    def people(**kwargs):
        return values(year(world, **kwargs), ["people_offers"], source=source)["people_offers"]

    operator = people(facets={FacetKind.DOTATION: frozenset({world.d1.pk})})
    city = people(facets={FacetKind.DOTATION: frozenset({world.d2.pk})})
    both = people(facets={FacetKind.DOTATION: frozenset({world.d1.pk, world.d2.pk})})
    assert (operator, city) == (2, 2)
    assert both == 3  # P1 used both funders' units: counted once
    assert people() == 4  # and P7 bought a private donor's laptop


def test_a_dotation_filter_leaves_out_what_no_lot_gave(world):
    selection = year(world, facets={FacetKind.DOTATION: frozenset({world.d2.pk})})
    found = values(selection, ["units_distributed", "people_connected"], source="raw")
    # P6's SIM cards came from no lot: the city's dotation gave only the laptop.
    assert found == {"units_distributed": 2, "people_connected": 0}


def test_a_programme_filter_does_not_apply(world):
    selection = year(world, facets={FacetKind.PROGRAMME: frozenset({1})})
    found = figures.compute(selection, ["people_offers"], source="raw")["people_offers"]
    assert (found.applicable, found.value) == (False, None)


@pytest.mark.parametrize("source", SOURCES)
def test_a_site_and_a_period_narrow_the_figures(world, source):
    port_in_april = Selection(
        network_id=world.network.pk,
        start=datetime.date(2026, 4, 1),
        end=datetime.date(2026, 4, 30),
        site_ids=frozenset({world.other_site.pk}),
    )
    assert values(
        port_in_april, ["people_offers", "units_distributed", "savings"], source=source
    ) == {
        "people_offers": 2,  # P1 (the merged file's code) and P6
        "units_distributed": 5,  # a code, three SIM cards, a laptop
        "savings": Decimal("230.00"),  # 3 + 27 + 200
    }


def test_every_row_follows_the_contract(world):
    assert_rows_follow_the_contract(offers.INDICATORS, Window(START, END), "dotation:")
