"""Figures for reporting (tisser.sales.reporting) on hand-built data sets whose answer is
known (decision 0051): people counted once across sites, months and a merge; returned
devices and refunded codes taken out; cancelled and expired sales never counted; two
donors; scoping by role; a fixed number of queries."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.accounts.factories import MembershipFactory, NetworkFactory, SiteFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.funding.factories import (
    ConventionFactory,
    DonationLotFactory,
    DonorFactory,
    DotationFactory,
)
from tests.offers.factories import (
    DeviceStatusChangeFactory,
    StockMovementFactory,
)
from tests.sales.sale_rows import codes, device, give_back, paris, price_list, sale
from tisser.accounts.enums import Role
from tisser.beneficiaries.services import beneficiary_merge
from tisser.funding.enums import OfferFamily
from tisser.offers.enums import DeviceStatus, MovementKind
from tisser.sales.enums import ReturnOutcome, SaleStatus
from tisser.sales.reporting import (
    FigureFilter,
    FigureScope,
    figure_scope,
    sales_figures,
    units_by_offer,
)

YEAR = FigureFilter(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31))


@dataclass
class World:
    network: object
    site: object
    other_site: object
    laptop: object
    recharge: object
    sim: object
    operator: object  # a donor funder
    private: object  # a private donor
    operator_dotation: object
    operator_convention: object
    p1: object
    p3: object
    p5: object
    admin: object


@pytest.fixture
def world(db):
    """The known data set (prices: laptop 150 € / market 350 €; recharge 2 € / 5 €).

    - P1 buys at site A in January a laptop (private lot, 200 € a unit) and a code
      (operator lot, 5 € a unit); at site B in March another code.
    - P2 buys a laptop in February and brings it back (refund): counts nowhere.
    - P3 buys two codes in February, one is refunded: one code kept.
    - P4's sale is cancelled (a laptop), another expired (a code): never counted.
    - P5 buys a code at site B in April, then is merged into P1: one person.
    """
    network = NetworkFactory()
    site = SiteFactory(network=network, name="Espace Gare")
    other_site = SiteFactory(network=network, name="Espace Port")
    admin = MembershipFactory(organisation=network, role=Role.NETWORK_ADMIN)
    laptop, recharge, sim = price_list(network)
    operator = DonorFactory(network=network, organisation=True, name="Opérateur")
    private = DonorFactory(network=network, name="Mme Dupont")
    convention = ConventionFactory(funder=operator.funder, sites=[site, other_site])
    dotation = DotationFactory(convention=convention, families=[OfferFamily.RECHARGE.value])
    code_lot = DonationLotFactory(
        site=site,
        donor=operator,
        dotation=dotation,
        recharge_codes=True,
    )
    laptop_lot = DonationLotFactory(
        site=site, donor=private, quantity=2, valuation_amount=Decimal("400.00")
    )
    p1, p2, p3, p4 = (BeneficiaryFactory(site=site) for _ in range(4))
    p5 = BeneficiaryFactory(site=other_site)
    sale(
        p1,
        site,
        paris(2026, 1, 10),
        device(laptop, site, lot=laptop_lot),
        codes(recharge, site, 1, lot=code_lot),
    )
    sale(p1, other_site, paris(2026, 3, 5), codes(recharge, other_site, 1, lot=code_lot))
    returned = sale(p2, site, paris(2026, 2, 2), device(laptop, site, lot=laptop_lot))
    give_back(returned.lines.get(), paris(2026, 2, 9))
    two_codes = sale(p3, site, paris(2026, 2, 3), codes(recharge, site, 2, lot=code_lot))
    give_back(two_codes.lines.get(), paris(2026, 2, 4))
    sale(p4, site, paris(2026, 2, 5), device(laptop, site), status=SaleStatus.CANCELLED)
    sale(p4, site, paris(2026, 2, 6), codes(recharge, site, 1), status=SaleStatus.EXPIRED)
    sale(p5, other_site, paris(2026, 4, 1), codes(recharge, other_site, 1, lot=code_lot))
    beneficiary_merge(actor=admin, kept=p1, duplicate=p5, reason="Même personne, même date")
    return World(
        network=network,
        site=site,
        other_site=other_site,
        laptop=laptop,
        recharge=recharge,
        sim=sim,
        operator=operator,
        private=private,
        operator_dotation=dotation,
        operator_convention=convention,
        p1=p1,
        p3=p3,
        p5=p5,
        admin=admin,
    )


def test_the_network_figures_of_the_year(world):
    figures = sales_figures(membership=world.admin, flt=YEAR)
    # Kept: P1's laptop and three codes (one through the merged file), P3's first code.
    assert figures.units == 5
    assert figures.revenue == Decimal("158.00")  # 150 + 4 × 2
    assert figures.market_value == Decimal("370.00")  # 350 + 4 × 5
    assert figures.savings == Decimal("212.00")
    assert figures.in_kind_value_used == Decimal("220.00")  # 200 + 4 × 5
    assert figures.people_equipped == 1  # P1 (P2 gave the laptop back)
    assert figures.people_connected == 2  # P1 at two sites, three months and a merge; P3
    assert figures.devices_distributed == 1


def test_units_by_offer_take_returns_out(world):
    rows = {row.offer.name: row for row in units_by_offer(membership=world.admin, flt=YEAR)}
    assert set(rows) == {"Portable", "Recharge 5 €"}
    assert (rows["Portable"].units, rows["Portable"].revenue) == (1, Decimal("150.00"))
    assert rows["Portable"].savings == Decimal("200.00")
    assert (rows["Recharge 5 €"].units, rows["Recharge 5 €"].market_value) == (4, Decimal("20.00"))


def test_a_donor_counts_the_people_who_used_its_lots(world):
    operator = sales_figures(membership=world.admin, flt=_with(YEAR, donor_id=world.operator.pk))
    assert (operator.units, operator.revenue, operator.in_kind_value_used) == (
        4,
        Decimal("8.00"),
        Decimal("20.00"),
    )
    assert (operator.people_equipped, operator.people_connected) == (0, 2)
    private = sales_figures(membership=world.admin, flt=_with(YEAR, donor_id=world.private.pk))
    assert (private.units, private.in_kind_value_used) == (1, Decimal("200.00"))
    assert (private.people_equipped, private.people_connected) == (1, 0)
    by_dotation = sales_figures(
        membership=world.admin, flt=_with(YEAR, dotation_id=world.operator_dotation.pk)
    )
    assert by_dotation == operator


def test_a_site_and_a_date_range_narrow_the_figures(world):
    port = sales_figures(membership=world.admin, flt=_with(YEAR, site_id=world.other_site.pk))
    assert (port.units, port.people_connected) == (2, 1)  # P1 and the file merged into P1
    january = sales_figures(
        membership=world.admin,
        flt=FigureFilter(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 1, 31)),
    )
    assert (january.units, january.people_equipped, january.people_connected) == (2, 1, 1)


def test_a_refunded_code_leaves_nobody_connected(world):
    give_back(world.p3.sales.get().lines.get(), paris(2026, 2, 10))  # the second code too
    figures = sales_figures(membership=world.admin, flt=YEAR)
    assert (figures.units, figures.people_connected) == (4, 1)


def test_an_exchange_counts_the_new_device_only(world):
    laptop_sale = world.p1.sales.get(paid_at=paris(2026, 1, 10))
    laptop_line = laptop_sale.lines.get(device__isnull=False)
    give_back(laptop_line, paris(2026, 1, 20), outcome=ReturnOutcome.EXCHANGE)
    sale(world.p1, world.site, paris(2026, 1, 20), device(world.laptop, world.site))
    figures = sales_figures(membership=world.admin, flt=YEAR)
    assert (figures.units, figures.people_equipped, figures.devices_distributed) == (5, 1, 1)
    # The new laptop came from no lot: the private donor's laptop is no longer in use.
    assert figures.in_kind_value_used == Decimal("20.00")


def test_quantity_offers_count_without_a_lot(world):
    sale(world.p3, world.site, paris(2026, 5, 1), (world.sim, 3))
    figures = sales_figures(membership=world.admin, flt=YEAR)
    assert (figures.units, figures.revenue, figures.people_connected) == (8, Decimal("161.00"), 2)
    operator = sales_figures(membership=world.admin, flt=_with(YEAR, donor_id=world.operator.pk))
    assert operator.units == 4  # no lot behind a unit sold by quantity


def test_devices_received_refurbished_written_off(world):
    lot = DonationLotFactory(site=world.site, donor=world.private)
    first, second, third = (device(world.laptop, world.site, lot=lot) for _ in range(3))
    unlisted = device(world.laptop, world.site)
    moment = paris(2026, 6, 1)
    for unit in (first, second, third, unlisted):
        StockMovementFactory(
            site=world.site, offer=world.laptop, device=unit, kind=MovementKind.RECEIPT, at=moment
        )
    StockMovementFactory(
        site=world.site, offer=world.laptop, device=third, kind=MovementKind.WRITE_OFF,
        quantity=-1, at=moment,
    )  # fmt: skip
    for unit in (first, second):
        DeviceStatusChangeFactory(
            site=world.site,
            device=unit,
            from_status=DeviceStatus.PROCESSING,
            to_status=DeviceStatus.READY_TO_DISTRIBUTE,
            at=moment,
        )
    DeviceStatusChangeFactory(site=world.site, device=third, at=moment)  # a start, not an end
    figures = sales_figures(membership=world.admin, flt=YEAR)
    assert (figures.devices_received, figures.devices_refurbished) == (4, 2)
    assert figures.devices_written_off == 1
    donor = sales_figures(membership=world.admin, flt=_with(YEAR, donor_id=world.private.pk))
    assert (donor.devices_received, donor.devices_refurbished, donor.devices_written_off) == (
        3,
        2,
        1,
    )
    last_year = FigureFilter(start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31))
    assert sales_figures(membership=world.admin, flt=last_year).devices_received == 0


# --- scoping ---------------------------------------------------------------------------


def test_a_site_team_counts_its_own_site_only(world):
    mediator = MembershipFactory(organisation=world.other_site, role=Role.MEDIATOR)
    figures = sales_figures(membership=mediator, flt=YEAR)
    assert (figures.units, figures.people_connected) == (2, 1)
    elsewhere = sales_figures(membership=mediator, flt=_with(YEAR, site_id=world.site.pk))
    assert elsewhere.units == 0


def test_a_funder_counts_its_conventions_sites_and_dates_and_values_its_own_gifts(world):
    city = MembershipFactory(
        organisation=ConventionFactory(
            funder__network=world.network,
            sites=[world.site],
            starts_on=datetime.date(2026, 1, 1),
            ends_on=datetime.date(2026, 1, 31),
        ).funder,
        role=Role.FUNDER_VIEWER,
    )
    figures = sales_figures(membership=city, flt=YEAR)
    assert (figures.units, figures.revenue, figures.people_equipped) == (2, Decimal("152.00"), 1)
    assert figures.in_kind_value_used == Decimal("0.00")  # other donors' gifts
    assert sales_figures(membership=city, flt=_with(YEAR, donor_id=world.operator.pk)).units == 0
    own_convention = _with(YEAR, convention_id=world.operator_convention.pk)
    assert sales_figures(membership=city, flt=own_convention).units == 0
    operator = MembershipFactory(organisation=world.operator.funder, role=Role.FUNDER_VIEWER)
    theirs = sales_figures(membership=operator, flt=YEAR)
    assert (theirs.units, theirs.in_kind_value_used) == (5, Decimal("20.00"))
    assert sales_figures(membership=operator, flt=own_convention).units == 5


def test_nobody_else_counts_anything(world, partner):
    foreign_network = NetworkFactory(name="Autre réseau")
    foreign_admin = MembershipFactory(organisation=foreign_network, role=Role.NETWORK_ADMIN)
    referrer = MembershipFactory(organisation=partner, role=Role.PARTNER_REFERRER)
    inactive = MembershipFactory(organisation=world.network, role=Role.NETWORK_ADMIN)
    inactive.is_active = False
    for membership in (foreign_admin, referrer, inactive):
        assert sales_figures(membership=membership, flt=YEAR).units == 0
        assert units_by_offer(membership=membership, flt=YEAR) == []
    assert figure_scope(None).is_empty
    # Another network's donor or convention in the filter is nothing, not everything.
    other = DonorFactory(network=foreign_network)
    assert sales_figures(membership=world.admin, flt=_with(YEAR, donor_id=other.pk)).units == 0
    with pytest.raises(TypeError):
        sales_figures(flt=YEAR)


def test_an_already_built_scope_is_accepted(world):
    scope = FigureScope(network_id=world.network.pk, site_ids=frozenset({world.site.pk}))
    assert sales_figures(scope=scope, flt=YEAR).units == 3


# --- queries ---------------------------------------------------------------------------


def test_the_figures_take_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    scope = figure_scope(world.admin)
    with CaptureQueriesContext(connection) as few:
        sales_figures(scope=scope, flt=YEAR)
        units_by_offer(scope=scope, flt=YEAR)
    for month in range(1, 13):
        person = BeneficiaryFactory(site=world.site)
        sale(
            person,
            world.site,
            paris(2026, month, 15),
            device(world.laptop, world.site),
            codes(world.recharge, world.site, 3),
            (world.sim, 2),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        many = sales_figures(scope=scope, flt=YEAR)
        units_by_offer(scope=scope, flt=YEAR)
    assert many.units == 5 + 12 * 6
    assert len(few.captured_queries) <= 12


def _with(flt: FigureFilter, **changes) -> FigureFilter:
    return FigureFilter(**{**flt.__dict__, **changes})
