"""The site team of tests/beneficiaries, offers of the demo's kinds and the demo's quota rules."""

from decimal import Decimal

import pytest

from tests.beneficiaries.conftest import Team, team  # noqa: F401  (the shared fixture)
from tests.offers.factories import OfferFactory
from tests.sales.aftersale_helpers import counter  # noqa: F401  (the after-sale fixture)
from tisser.funding.enums import OfferFamily
from tisser.sales.enums import QuotaMeasure, QuotaPer, QuotaScope, QuotaWindow
from tisser.sales.models import QuotaRule


@pytest.fixture
def offers(network):
    class Offers:
        laptop = OfferFactory(network=network)
        smartphone = OfferFactory(
            network=network,
            family=OfferFamily.SMARTPHONE,
            name="Smartphone reconditionné",
            solidarity_price=Decimal("40.00"),
            market_price=Decimal("120.00"),
        )
        recharge5 = OfferFactory(
            network=network,
            recharge=True,
            name="Recharge 5 €",
            solidarity_price=Decimal("2.00"),
            market_price=Decimal("5.00"),
            face_value=Decimal("5.00"),
        )
        recharge10 = OfferFactory(network=network, recharge=True)
        sim = OfferFactory(network=network, sim_card=True)

    return Offers


def demo_rules(network) -> dict[str, QuotaRule]:
    """The three rules of the issue, as the demo writes them."""
    return {
        "recharges": QuotaRule.objects.create(
            network=network,
            name="Recharges : 30 € de valeur faciale par mois",
            scope=QuotaScope.FAMILIES,
            families=[OfferFamily.RECHARGE.value],
            per=QuotaPer.PERSON,
            window=QuotaWindow.CALENDAR_MONTH,
            measure=QuotaMeasure.AMOUNT,
            max_amount=Decimal("30.00"),
        ),
        "laptop": QuotaRule.objects.create(
            network=network,
            name="Un ordinateur portable par foyer tous les 3 ans",
            scope=QuotaScope.FAMILY,
            families=[OfferFamily.LAPTOP.value],
            per=QuotaPer.HOUSEHOLD,
            window=QuotaWindow.YEARS,
            window_length=3,
            measure=QuotaMeasure.QUANTITY,
            max_quantity=1,
        ),
        "smartphone": QuotaRule.objects.create(
            network=network,
            name="Un smartphone par personne tous les 2 ans",
            scope=QuotaScope.FAMILY,
            families=[OfferFamily.SMARTPHONE.value],
            per=QuotaPer.PERSON,
            window=QuotaWindow.YEARS,
            window_length=2,
            measure=QuotaMeasure.QUANTITY,
            max_quantity=1,
        ),
    }


@pytest.fixture
def rules(network):
    return demo_rules(network)
