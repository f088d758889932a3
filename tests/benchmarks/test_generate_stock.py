"""The stock benchmark's generator: rows a receipt would write, and a ledger that adds up."""

from collections import Counter

import pytest
from django.db import connection
from django.db.models import Sum

from benchmarks import bench_stock
from benchmarks.generate_stock import generate
from tests.accounts.factories import SiteFactory
from tisser.offers import vouchers
from tisser.offers.enums import DEVICE_ON_HAND_STATUSES, VOUCHER_ON_HAND_STATUSES
from tisser.offers.models import Device, StockLevel, StockMovement, Voucher
from tisser.offers.validators import luhn_valid

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY (the PostgreSQL pass)"),
]


@pytest.fixture
def generated():
    network = SiteFactory(city="Strasbourg", short_code="STRGAR").network
    SiteFactory(network=network, city="Paris", short_code="PARBEL")
    return generate(devices=600, vouchers=2000)


def test_the_ledger_adds_up_to_the_stock_on_hand(generated):
    assert generated["devices"] == Device.objects.count() == 600
    assert generated["vouchers"] == Voucher.objects.count() == 2000
    ledger = {
        (row["site_id"], row["offer_id"]): row["total"]
        for row in StockMovement.objects.values("site_id", "offer_id").annotate(
            total=Sum("quantity")
        )
    }
    premises = Counter(
        Device.objects.filter(status__in=DEVICE_ON_HAND_STATUSES).values_list("site_id", "offer_id")
    ) + Counter(
        Voucher.objects.filter(status__in=VOUCHER_ON_HAND_STATUSES).values_list(
            "site_id", "offer_id"
        )
    )
    levels = {(level.site_id, level.offer_id): level.on_hand for level in StockLevel.objects.all()}
    assert levels == {key: total for key, total in ledger.items() if total} == dict(premises)


def test_rows_look_like_received_ones(generated):
    phones = Device.objects.filter(device_type="SMARTPHONE")[:50]
    assert phones and all(len(phone.imei) == 15 and luhn_valid(phone.imei) for phone in phones)
    ids = list(Device.objects.values_list("inventory_id", flat=True))
    assert len(ids) == len(set(ids))
    voucher = Voucher.objects.first()
    assert vouchers.code_decrypt(voucher.code_encrypted).isdigit()
    assert generated["sample_inventory_id"] and generated["sample_imei"]


def test_every_space_holds_codes_of_every_code_offer(generated):
    """A counter sells any recharge or SIM card at any space."""
    pairs = set(Voucher.objects.values_list("site_id", "offer_id").distinct())
    sites = set(Voucher.objects.values_list("site_id", flat=True))
    offers = set(Voucher.objects.values_list("offer_id", flat=True))
    assert len(offers) > 1 and pairs == {(site, offer) for site in sites for offer in offers}


def test_every_measured_page_names_a_real_search():
    dataset = {"stock": {"sample_inventory_id": "STRGAR-TEL-26-0001", "sample_imei": "35"}}
    paths = [page.path for page in bench_stock.pages(dataset)]
    assert "/espace-pro/stock/appareils/?q=STRGAR-TEL-26-0001" in paths
    assert all(path.startswith("/espace-pro/stock/") for path in paths)
