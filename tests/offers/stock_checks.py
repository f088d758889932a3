"""The ledger's invariant, checked after every flow test that moves stock."""

from django.db.models import Sum

from tisser.offers.enums import DEVICE_ON_HAND_STATUSES, VOUCHER_ON_HAND_STATUSES
from tisser.offers.models import Device, StockLevel, StockMovement, Voucher


def on_hand(site, offer) -> int:
    level = StockLevel.objects.filter(site=site, offer=offer).first()
    return level.on_hand if level else 0


def assert_ledger_agrees(site, offer):
    """on_hand = Σ ledger = devices/vouchers on the premises (not travelling)."""
    level_on_hand = on_hand(site, offer)
    ledger = (
        StockMovement.objects.filter(site=site, offer=offer).aggregate(total=Sum("quantity"))[
            "total"
        ]
        or 0
    )
    devices = Device.objects.filter(
        site=site, offer=offer, status__in=DEVICE_ON_HAND_STATUSES, transfer__isnull=True
    ).count()
    vouchers = Voucher.objects.filter(
        site=site, offer=offer, status__in=VOUCHER_ON_HAND_STATUSES, transfer__isnull=True
    ).count()
    assert level_on_hand == ledger == devices + vouchers, (level_on_hand, ledger, devices, vouchers)
