"""The demo's donated stock: a catalogue, devices in every status of the lifecycle, codes,
hub deliveries, and a ledger that adds up to what the spaces hold."""

from collections import Counter

import pytest
from django.db.models import Sum

from tisser.offers.enums import (
    DEVICE_ON_HAND_STATUSES,
    VOUCHER_ON_HAND_STATUSES,
    DeviceStatus,
    HubOrderStatus,
)
from tisser.offers.models import (
    Device,
    HubOrder,
    Offer,
    StockLevel,
    StockMovement,
    StockSettings,
    Voucher,
)

pytestmark = pytest.mark.django_db


def test_the_ledger_equals_the_stock_on_hand_after_the_seed(demo_ci):
    ledger = {
        (row["site"], row["offer"]): (row["quantity"], row["reserved"])
        for row in StockMovement.objects.values("site", "offer").annotate(
            quantity=Sum("quantity"), reserved=Sum("reserved_delta")
        )
    }
    levels = {
        (level.site_id, level.offer_id): (level.on_hand, level.reserved)
        for level in StockLevel.objects.all()
    }
    assert levels and all(ledger.get(key, (0, 0)) == value for key, value in levels.items())
    premises = Counter(
        Device.objects.filter(
            status__in=DEVICE_ON_HAND_STATUSES, transfer__isnull=True
        ).values_list("site", "offer")
    ) + Counter(
        Voucher.objects.filter(
            status__in=VOUCHER_ON_HAND_STATUSES, transfer__isnull=True
        ).values_list("site", "offer")
    )
    assert {key: value[0] for key, value in levels.items() if value[0]} == dict(premises)


def test_devices_go_through_every_status_and_the_hub_delivers(demo_ci):
    result = demo_ci.stock
    assert result.offers == Offer.objects.count() >= 8
    assert set(result.devices_by_status) == set(DeviceStatus.values)
    # The counter's demo (sales) receives more codes for its months of sales.
    assert Voucher.objects.count() >= result.vouchers > 0
    hub = StockSettings.objects.get().hub
    assert hub.short_code == "PARBEL"
    assert set(HubOrder.objects.values_list("status", flat=True)) == {
        HubOrderStatus.SHIPPED,
        HubOrderStatus.RECEIVED,
    }
    # Codes are stored encrypted only.
    assert not Voucher.objects.filter(code_encrypted__regex=r"^\d+$").exists()
