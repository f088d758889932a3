import pytest

from tests.offers.factories import OfferFactory
from tests.offers.stock_checks import assert_ledger_agrees, on_hand
from tisser.accounts.enums import Role
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.offers import receipts, transfers
from tisser.offers.enums import DeviceStatus, MovementKind, Tracking, TransferStatus
from tisser.offers.models import Device, StockMovement, Voucher
from tisser.offers.receipts import DeviceIn, VoucherIn


@pytest.fixture
def stocked(site, manager, laptop_offer, recharge_offer):
    devices = receipts.devices_receive(
        actor=manager,
        site=site,
        offer=laptop_offer,
        items=[DeviceIn(row=n, serial_number=f"SN{n}", brand="HP", grade="B") for n in range(3)],
    ).devices
    receipts.vouchers_receive(
        actor=manager,
        site=site,
        offer=recharge_offer,
        items=[VoucherIn(row=n, code=f"CODE{n:06d}") for n in range(5)],
    )
    return devices


def check_all(sites, offers):
    for site in sites:
        for offer in offers:
            assert_ledger_agrees(site, offer)


def test_ship_then_receive(
    site, other_site, manager, member_factory, stocked, laptop_offer, recharge_offer
):
    transfer = transfers.transfer_ship(
        actor=manager,
        from_site=site,
        to_site=other_site,
        inventory_ids=[stocked[0].inventory_id, stocked[1].inventory_id.lower()],
        units={recharge_offer: 2},
    )
    assert on_hand(site, laptop_offer) == 1
    assert on_hand(site, recharge_offer) == 3
    assert on_hand(other_site, laptop_offer) == 0
    travelling = Device.objects.filter(transfer=transfer)
    assert set(travelling.values_list("status", flat=True)) == {DeviceStatus.IN_DELIVERY}
    assert Voucher.objects.filter(transfer=transfer).count() == 2
    assert {(line.offer_id, line.quantity) for line in transfer.lines.all()} == {
        (laptop_offer.pk, 2),
        (recharge_offer.pk, 2),
    }
    check_all([site, other_site], [laptop_offer, recharge_offer])

    receiver = member_factory(other_site, Role.MEDIATOR)
    transfers.transfer_receive(actor=receiver, transfer=transfer)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.RECEIVED
    assert transfer.received_by == receiver.user
    assert on_hand(other_site, laptop_offer) == 2
    assert on_hand(other_site, recharge_offer) == 2
    moved = Device.objects.filter(pk__in=[stocked[0].pk, stocked[1].pk])
    assert set(moved.values_list("site_id", "status")) == {
        (other_site.pk, DeviceStatus.READY_TO_DISTRIBUTE)
    }
    assert moved.filter(transfer__isnull=False).count() == 0
    # The inventory id never changes.
    assert set(moved.values_list("inventory_id", flat=True)) == {
        stocked[0].inventory_id,
        stocked[1].inventory_id,
    }
    assert (
        StockMovement.objects.filter(kind=MovementKind.TRANSFER_IN, transfer=transfer).count() == 4
    )
    check_all([site, other_site], [laptop_offer, recharge_offer])
    assert (
        JournalEntry.objects.filter(action__in=["transfer.shipped", "transfer.received"]).count()
        == 2
    )
    with pytest.raises(DomainError, match="déjà"):
        transfers.transfer_receive(actor=receiver, transfer=transfer)


def test_cancel_before_receipt_puts_everything_back(
    member_factory, site, other_site, manager, stocked, laptop_offer, recharge_offer
):
    transfer = transfers.transfer_ship(
        actor=manager,
        from_site=site,
        to_site=other_site,
        inventory_ids=[stocked[0].inventory_id],
        units={recharge_offer: 5},
    )
    assert on_hand(site, recharge_offer) == 0
    transfers.transfer_cancel(actor=manager, transfer=transfer, reason="Erreur d'espace")
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.CANCELLED
    assert on_hand(site, laptop_offer) == 3
    assert on_hand(site, recharge_offer) == 5
    device = Device.objects.get(pk=stocked[0].pk)
    assert (device.site_id, device.status, device.transfer_id) == (
        site.pk,
        DeviceStatus.READY_TO_DISTRIBUTE,
        None,
    )
    check_all([site, other_site], [laptop_offer, recharge_offer])
    receiver = member_factory(other_site, Role.SITE_MANAGER)
    with pytest.raises(DomainError, match="déjà « Annulé »"):
        transfers.transfer_receive(actor=receiver, transfer=transfer)


def test_refusals(site, other_site, manager, member_factory, stocked, recharge_offer, laptop_offer):
    with pytest.raises(DomainError, match="Introuvable"):
        transfers.transfer_ship(
            actor=manager, from_site=site, to_site=other_site, inventory_ids=["NOPE-1"]
        )
    with pytest.raises(DomainError, match="que 5"):
        transfers.transfer_ship(
            actor=manager, from_site=site, to_site=other_site, units={recharge_offer: 6}
        )
    with pytest.raises(DomainError, match="autre espace"):
        transfers.transfer_ship(
            actor=manager, from_site=site, to_site=site, units={recharge_offer: 1}
        )
    with pytest.raises(DomainError, match="vide"):
        transfers.transfer_ship(actor=manager, from_site=site, to_site=other_site)
    with pytest.raises(DomainError, match="responsable"):
        transfers.transfer_ship(
            actor=member_factory(site, Role.MEDIATOR),
            from_site=site,
            to_site=other_site,
            units={recharge_offer: 1},
        )
    with pytest.raises(DomainError, match="numéro d'inventaire"):
        transfers.transfer_ship(
            actor=manager, from_site=site, to_site=other_site, units={laptop_offer: 1}
        )
    Device.objects.filter(pk=stocked[0].pk).update(status=DeviceStatus.RESERVED)
    with pytest.raises(DomainError, match="Réservé"):
        transfers.transfer_ship(
            actor=manager,
            from_site=site,
            to_site=other_site,
            inventory_ids=[stocked[0].inventory_id],
        )
    transfer = transfers.transfer_ship(
        actor=manager, from_site=site, to_site=other_site, units={recharge_offer: 1}
    )
    with pytest.raises(DomainError, match="destinataire"):
        transfers.transfer_receive(actor=member_factory(site, Role.MEDIATOR), transfer=transfer)
    with pytest.raises(DomainError, match="responsable"):
        transfers.transfer_cancel(
            actor=member_factory(other_site, Role.SITE_MANAGER), transfer=transfer
        )
    assert on_hand(site, recharge_offer) == 4


def test_quantity_offers_travel_as_a_number(network, site, other_site, manager, member_factory):
    cables = OfferFactory(network=network, tracking=Tracking.QUANTITY, name="Câbles")
    receipts.quantity_receive(actor=manager, site=site, offer=cables, quantity=10)
    transfer = transfers.transfer_ship(
        actor=manager, from_site=site, to_site=other_site, units={cables: 4}
    )
    assert on_hand(site, cables) == 6
    transfers.transfer_receive(
        actor=member_factory(other_site, Role.SITE_MANAGER), transfer=transfer
    )
    assert on_hand(other_site, cables) == 4


def test_a_device_arrives_as_it_left_unless_it_was_ready(
    site, other_site, manager, member_factory, stocked
):
    """A device still to process (or in after-sales) travels to be processed (or repaired)
    elsewhere: it arrives as it left; a ready one is ready at the destination; a cancelled
    transfer gives every device back the status it left with; each step is in its history."""
    to_process, after_sales, ready = stocked
    Device.objects.filter(pk=to_process.pk).update(status=DeviceStatus.TO_PROCESS)
    Device.objects.filter(pk=after_sales.pk).update(status=DeviceStatus.AFTER_SALES)
    ids = [to_process.inventory_id, after_sales.inventory_id, ready.inventory_id]
    transfer = transfers.transfer_ship(
        actor=manager, from_site=site, to_site=other_site, inventory_ids=ids, units={}
    )
    transfers.transfer_receive(actor=member_factory(other_site, Role.MEDIATOR), transfer=transfer)
    statuses = dict(Device.objects.filter(site=other_site).values_list("pk", "status"))
    assert statuses == {
        to_process.pk: DeviceStatus.TO_PROCESS,
        after_sales.pk: DeviceStatus.AFTER_SALES,
        ready.pk: DeviceStatus.READY_TO_DISTRIBUTE,
    }
    history = list(
        ready.status_changes.order_by("at", "pk").values_list("from_status", "to_status")
    )[-2:]
    assert history == [
        (DeviceStatus.READY_TO_DISTRIBUTE, DeviceStatus.IN_DELIVERY),
        (DeviceStatus.IN_DELIVERY, DeviceStatus.READY_TO_DISTRIBUTE),
    ]

    other_manager = member_factory(other_site, Role.SITE_MANAGER)
    back = transfers.transfer_ship(
        actor=other_manager,
        from_site=other_site,
        to_site=site,
        inventory_ids=ids,
        units={},
    )
    transfers.transfer_cancel(actor=other_manager, transfer=back, reason="Erreur")
    assert dict(Device.objects.filter(site=other_site).values_list("pk", "status")) == statuses
