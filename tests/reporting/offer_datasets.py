"""A hand-built year of solidarity sales whose every figure is known (decision 0051 rules,
indicators of ``tisser/reporting/sources/offers.py``).

Prices: laptop 150 € (market 350 €), recharge code 2 € (5 €), SIM card sold by quantity
1 € (10 €). Lots: L1, the operator's dotation D1, 10 codes worth 50 € (5 € a code); L2,
the city's dotation D2, 2 laptops worth 400 € (200 € each); L3, a private donor's, no
dotation, 2 laptops worth 300 € (150 € each).

- P1 buys at site A on 10 January a laptop of L2 and a code of L1; at site B on 1 March at
  00:30 Paris (still 28 February in UTC) another code of L1.
- P2 buys a laptop of L3 at A on 3 February and brings it back on 20 May (refunded): the
  return takes it out of February.
- P3 buys two codes of L1 at A on 4 February; one is refunded on 20 February.
- P4: a cancelled sale (a laptop) and an expired one (a code): never counted.
- P5 buys a code of L1 at B on 2 April, then P5's file is merged into P1's.
- P6 buys at B on 10 April three SIM cards (no lot) and a laptop of L2.
- P7 buys at A on 1 June a laptop of L3.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from tests.accounts.factories import MembershipFactory, NetworkFactory, SiteFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.funding.factories import (
    ConventionFactory,
    DonationLotFactory,
    DonorFactory,
    DotationFactory,
)
from tests.sales.sale_rows import codes, device, give_back, paris, price_list, sale
from tisser.accounts.enums import Role
from tisser.beneficiaries.services import beneficiary_merge
from tisser.funding.enums import OfferFamily
from tisser.sales.enums import SaleStatus

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)


@dataclass
class OfferWorld:
    network: object
    site: object  # A
    other_site: object  # B
    d1: object  # the operator's dotation (codes)
    d2: object  # the city's dotation (laptops)
    operator: object
    city: object
    p2_laptop_line: object
    people: dict


def build(*, p2_returns: bool = True) -> OfferWorld:
    """The data set; ``p2_returns=False`` leaves P2's return unrecorded (see
    :func:`return_p2_laptop`)."""
    network = NetworkFactory()
    site = SiteFactory(network=network, name="Espace Gare")
    other_site = SiteFactory(network=network, name="Espace Port")
    admin = MembershipFactory(organisation=network, role=Role.NETWORK_ADMIN)
    laptop, recharge, sim = price_list(network)
    operator = DonorFactory(network=network, organisation=True, name="Opérateur")
    city = DonorFactory(network=network, organisation=True, name="Ville")
    private = DonorFactory(network=network, name="Mme Dupont")
    d1 = DotationFactory(
        convention=ConventionFactory(funder=operator.funder, sites=[site, other_site]),
        families=[OfferFamily.RECHARGE.value],
    )
    d2 = DotationFactory(
        convention=ConventionFactory(funder=city.funder, sites=[site, other_site]),
        families=[OfferFamily.LAPTOP.value],
    )
    l1 = DonationLotFactory(
        site=site,
        donor=operator,
        dotation=d1,
        recharge_codes=True,
        received_on=datetime.date(2026, 1, 5),
    )
    l2 = DonationLotFactory(
        site=other_site,
        donor=city,
        dotation=d2,
        quantity=2,
        valuation_amount=Decimal("400.00"),
        received_on=datetime.date(2026, 1, 6),
    )
    l3 = DonationLotFactory(
        site=site,
        donor=private,
        quantity=2,
        valuation_amount=Decimal("300.00"),
        received_on=datetime.date(2026, 2, 1),
    )
    p1, p2, p3, p4, p7 = (BeneficiaryFactory(site=site) for _ in range(5))
    p5, p6 = BeneficiaryFactory(site=other_site), BeneficiaryFactory(site=other_site)
    sale(
        p1,
        site,
        paris(2026, 1, 10),
        device(laptop, site, lot=l2),
        codes(recharge, site, 1, lot=l1),
    )
    just_after_midnight = timezone.make_aware(datetime.datetime(2026, 3, 1, 0, 30))
    sale(p1, other_site, just_after_midnight, codes(recharge, other_site, 1, lot=l1))
    p2_sale = sale(p2, site, paris(2026, 2, 3), device(laptop, site, lot=l3))
    if p2_returns:
        give_back(p2_sale.lines.get(), paris(2026, 5, 20))
    two_codes = sale(p3, site, paris(2026, 2, 4), codes(recharge, site, 2, lot=l1))
    give_back(two_codes.lines.get(), paris(2026, 2, 20))
    sale(p4, site, paris(2026, 2, 5), device(laptop, site), status=SaleStatus.CANCELLED)
    sale(p4, site, paris(2026, 2, 6), codes(recharge, site, 1), status=SaleStatus.EXPIRED)
    sale(p5, other_site, paris(2026, 4, 2), codes(recharge, other_site, 1, lot=l1))
    beneficiary_merge(actor=admin, kept=p1, duplicate=p5, reason="Même personne, même date")
    sale(p6, other_site, paris(2026, 4, 10), (sim, 3), device(laptop, other_site, lot=l2))
    sale(p7, site, paris(2026, 6, 1), device(laptop, site, lot=l3))
    return OfferWorld(
        network=network,
        site=site,
        other_site=other_site,
        d1=d1,
        d2=d2,
        operator=operator,
        city=city,
        p2_laptop_line=p2_sale.lines.get(),
        people={"p1": p1, "p2": p2, "p3": p3, "p6": p6, "p7": p7},
    )


def return_p2_laptop(world: OfferWorld):
    """P2 brings the February laptop back on 20 May."""
    give_back(world.p2_laptop_line, paris(2026, 5, 20))
