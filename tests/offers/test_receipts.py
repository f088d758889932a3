import datetime
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.accounts.factories import NetworkFactory, SiteFactory
from tests.funding.factories import DonationLotFactory
from tests.offers.factories import DeviceFactory, OfferFactory
from tests.offers.stock_checks import assert_ledger_agrees, on_hand
from tisser.accounts.enums import Role
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.funding.enums import OfferFamily
from tisser.offers import receipts
from tisser.offers.enums import DeviceStatus, MovementKind, Tracking
from tisser.offers.models import Device, InventorySequence, StockMovement, Voucher
from tisser.offers.receipts import DeviceIn, VoucherIn
from tisser.offers.validators import luhn_valid, validate_imei

VALID_IMEI = "490154203237518"


def laptops(count, start=0):
    return [
        DeviceIn(row=n + 2, serial_number=f"PF{start + n:06d}", brand="Lenovo", grade="B")
        for n in range(count)
    ]


def test_luhn_accepts_a_real_imei_and_refuses_one_digit_changed():
    assert luhn_valid(VALID_IMEI)
    assert not luhn_valid("490154203237519")
    validate_imei("49 015420 323751 8")
    with pytest.raises(Exception, match="mal recopié"):
        validate_imei("490154203237519")
    with pytest.raises(Exception, match="15 chiffres"):
        validate_imei("4901542032")


def test_receipt_allocates_inventory_ids_from_the_site_sequence(site, manager, laptop_offer):
    site.short_code = "STR"
    site.save(update_fields=["short_code"])
    InventorySequence.objects.create(site=site, type_code="PC", year=2026, last_number=41)
    receipt = receipts.devices_receive(
        actor=manager,
        site=site,
        offer=laptop_offer,
        items=laptops(3),
        received_on=datetime.date(2026, 3, 2),
    )
    assert [d.inventory_id for d in receipt.devices] == [
        "STR-PC-26-0042",
        "STR-PC-26-0043",
        "STR-PC-26-0044",
    ]
    assert InventorySequence.objects.get(site=site, type_code="PC", year=2026).last_number == 44
    assert {d.status for d in Device.objects.all()} == {DeviceStatus.READY_TO_DISTRIBUTE}
    assert on_hand(site, laptop_offer) == 3
    assert (
        StockMovement.objects.filter(kind=MovementKind.RECEIPT, device__isnull=False).count() == 3
    )
    assert_ledger_agrees(site, laptop_offer)
    entries = JournalEntry.objects.filter(action="stock.devices_received")
    assert entries.count() == 1
    assert entries.get().payload["first"] == "STR-PC-26-0042"


def test_hub_receives_devices_to_process(hub, hub_manager, laptop_offer):
    receipt = receipts.devices_receive(
        actor=hub_manager, site=hub, offer=laptop_offer, items=laptops(2)
    )
    assert {d.status for d in receipt.devices} == {DeviceStatus.TO_PROCESS}
    with pytest.raises(DomainError, match="Statut impossible"):
        receipts.devices_receive(
            actor=hub_manager,
            site=hub,
            offer=laptop_offer,
            items=laptops(1, start=50),
            status=DeviceStatus.READY_TO_DISTRIBUTE,
        )


def test_the_receiving_site_chooses_the_status(site, manager, laptop_offer):
    receipt = receipts.devices_receive(
        actor=manager,
        site=site,
        offer=laptop_offer,
        items=laptops(1),
        status=DeviceStatus.TO_PROCESS,
    )
    assert receipt.devices[0].status == DeviceStatus.TO_PROCESS


def test_phone_imei_is_checked_and_required(network, site, manager):
    phones = OfferFactory(network=network, family=OfferFamily.SMARTPHONE, name="Smartphone")
    with pytest.raises(receipts.ReceiptError, match=r"Ligne 2 : .*mal recopié") as refused:
        receipts.devices_receive(
            actor=manager,
            site=site,
            offer=phones,
            items=[DeviceIn(row=2, imei="490154203237519", brand="Samsung", grade="B")],
        )
    assert refused.value.problems[0][1] == "imei"
    with pytest.raises(receipts.ReceiptError, match="obligatoire"):
        receipts.devices_receive(
            actor=manager,
            site=site,
            offer=phones,
            items=[DeviceIn(row=2, serial_number="X1", brand="Samsung", grade="B")],
        )
    receipt = receipts.devices_receive(
        actor=manager,
        site=site,
        offer=phones,
        items=[DeviceIn(row=2, imei="4901 5420 3237 518", brand="Samsung", grade="B")],
    )
    assert receipt.devices[0].imei == VALID_IMEI
    assert receipt.devices[0].inventory_id.split("-")[1] == "TEL"
    with pytest.raises(receipts.ReceiptError, match="déjà enregistré"):
        receipts.devices_receive(
            actor=manager,
            site=site,
            offer=phones,
            items=[DeviceIn(row=2, imei=VALID_IMEI, brand="Apple", grade="B")],
        )


def test_serial_is_unique_per_brand(site, manager, laptop_offer, other_site):
    DeviceFactory(site=other_site, offer=laptop_offer, brand="Lenovo", serial_number="PF000001")
    with pytest.raises(receipts.ReceiptError, match="déjà enregistré") as refused:
        receipts.devices_receive(actor=manager, site=site, offer=laptop_offer, items=laptops(2))
    assert refused.value.problems == [
        (3, "numero_serie", refused.value.problems[0][2]),
    ]
    assert Device.objects.filter(site=site).count() == 0
    assert on_hand(site, laptop_offer) == 0
    # The same serial of another brand is another device.
    items = [DeviceIn(row=2, serial_number="PF000001", brand="Dell", grade="B")]
    receipts.devices_receive(actor=manager, site=site, offer=laptop_offer, items=items)
    # Twice in the same list.
    twice = laptops(1, start=7) + laptops(1, start=7)
    with pytest.raises(receipts.ReceiptError, match="ligne 2"):
        receipts.devices_receive(actor=manager, site=site, offer=laptop_offer, items=twice)


def test_grade_outside_the_offer_is_refused(site, manager, laptop_offer):
    items = [DeviceIn(row=2, serial_number="X", brand="HP", grade="D")]
    with pytest.raises(receipts.ReceiptError, match="grade D n'est pas accepté"):
        receipts.devices_receive(actor=manager, site=site, offer=laptop_offer, items=items)


def test_donation_lot_must_be_of_the_site_and_family(site, manager, laptop_offer, other_site):
    lot = DonationLotFactory(site=site, family=OfferFamily.LAPTOP)
    receipt = receipts.devices_receive(
        actor=manager, site=site, offer=laptop_offer, items=laptops(2), lot=lot
    )
    assert {d.lot_id for d in receipt.devices} == {lot.pk}
    assert StockMovement.objects.filter(lot=lot).count() == 2
    elsewhere = DonationLotFactory(site=other_site, family=OfferFamily.LAPTOP)
    with pytest.raises(DomainError, match="autre espace"):
        receipts.devices_receive(
            actor=manager, site=site, offer=laptop_offer, items=laptops(1, 9), lot=elsewhere
        )
    phones = DonationLotFactory(site=site, family=OfferFamily.SMARTPHONE)
    with pytest.raises(DomainError, match="Ce lot de dons contient"):
        receipts.devices_receive(
            actor=manager, site=site, offer=laptop_offer, items=laptops(1, 9), lot=phones
        )


@pytest.mark.parametrize("role", [Role.MEDIATOR, Role.VOLUNTEER])
def test_site_staff_other_than_the_manager_cannot_receive(site, laptop_offer, member_factory, role):
    with pytest.raises(DomainError, match=r"responsable|rôle"):
        receipts.devices_receive(
            actor=member_factory(site, role), site=site, offer=laptop_offer, items=laptops(1)
        )


def test_the_hubs_mediator_receives(hub, laptop_offer, member_factory):
    mediator = member_factory(hub, Role.MEDIATOR)
    receipt = receipts.devices_receive(
        actor=mediator, site=hub, offer=laptop_offer, items=laptops(1)
    )
    assert len(receipt.devices) == 1


def test_a_manager_receives_only_at_their_site(manager, other_site, laptop_offer):
    with pytest.raises(DomainError, match="réception dans cet espace"):
        receipts.devices_receive(
            actor=manager, site=other_site, offer=laptop_offer, items=laptops(1)
        )


def test_network_admin_receives_at_any_site_of_the_network(network_admin, site, laptop_offer):
    receipts.devices_receive(actor=network_admin, site=site, offer=laptop_offer, items=laptops(1))
    foreign = SiteFactory(network=NetworkFactory(name="Autre réseau"))
    with pytest.raises(DomainError, match="réception dans cet espace"):
        receipts.devices_receive(
            actor=network_admin, site=foreign, offer=laptop_offer, items=laptops(1, 5)
        )


def test_offer_must_be_active_and_tracked_as_devices(site, manager, laptop_offer, recharge_offer):
    with pytest.raises(DomainError, match="se suit en stock"):
        receipts.devices_receive(actor=manager, site=site, offer=recharge_offer, items=laptops(1))
    laptop_offer.is_active = False
    laptop_offer.save(update_fields=["is_active"])
    with pytest.raises(DomainError, match="désactivée"):
        receipts.devices_receive(actor=manager, site=site, offer=laptop_offer, items=laptops(1))


def test_vouchers_receipt_encrypts_and_counts(site, manager, recharge_offer):
    items = [
        VoucherIn(row=2, code="1234 5678 9012", serial="A1", expires_on=datetime.date(2030, 1, 1)),
        VoucherIn(row=3, code="2234567890123", serial="A2"),
    ]
    receipt = receipts.vouchers_receive(actor=manager, site=site, offer=recharge_offer, items=items)
    assert len(receipt.vouchers) == 2
    assert on_hand(site, recharge_offer) == 2
    assert_ledger_agrees(site, recharge_offer)
    assert all("1234" not in v.code_encrypted for v in Voucher.objects.all())
    assert JournalEntry.objects.filter(action="stock.vouchers_received").count() == 1


def test_a_code_already_in_stock_or_repeated_is_refused(site, manager, recharge_offer):
    receipts.vouchers_receive(
        actor=manager, site=site, offer=recharge_offer, items=[VoucherIn(row=2, code="111222333")]
    )
    with pytest.raises(receipts.ReceiptError, match="déjà dans le stock"):
        receipts.vouchers_receive(
            actor=manager,
            site=site,
            offer=recharge_offer,
            items=[VoucherIn(row=2, code=" 111 222 333 ")],
        )
    with pytest.raises(receipts.ReceiptError, match="Même code qu'à la ligne 2"):
        receipts.vouchers_receive(
            actor=manager,
            site=site,
            offer=recharge_offer,
            items=[VoucherIn(row=2, code="99"), VoucherIn(row=3, code="99")],
        )
    with pytest.raises(receipts.ReceiptError, match="déjà expiré"):
        receipts.vouchers_receive(
            actor=manager,
            site=site,
            offer=recharge_offer,
            items=[VoucherIn(row=2, code="77", expires_on=datetime.date(2001, 1, 1))],
        )
    assert on_hand(site, recharge_offer) == 1


def test_five_thousand_vouchers_take_seconds_and_few_queries(site, manager, recharge_offer):
    items = [VoucherIn(row=n + 2, code=f"{n:012d}", serial=f"S{n}") for n in range(5000)]
    started = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        receipts.vouchers_receive(actor=manager, site=site, offer=recharge_offer, items=items)
    elapsed = time.monotonic() - started
    assert on_hand(site, recharge_offer) == 5000
    assert Voucher.objects.filter(site=site).count() == 5000
    # Batched inserts (SQLite: a few hundred rows a query), never one query per code.
    assert len(queries) < 300, len(queries)
    assert elapsed < 20, elapsed
    assert_ledger_agrees(site, recharge_offer)


def test_quantity_receipt_is_one_ledger_line(network, site, manager):
    offer = OfferFactory(network=network, tracking=Tracking.QUANTITY, name="Câbles")
    receipts.quantity_receive(actor=manager, site=site, offer=offer, quantity=12)
    assert on_hand(site, offer) == 12
    assert StockMovement.objects.get(offer=offer).quantity == 12
    with pytest.raises(DomainError, match="entre 1 et"):
        receipts.quantity_receive(actor=manager, site=site, offer=offer, quantity=0)


def test_received_on_cannot_be_in_the_future(site, manager, laptop_offer):
    with pytest.raises(DomainError, match="futur"):
        receipts.devices_receive(
            actor=manager,
            site=site,
            offer=laptop_offer,
            items=laptops(1),
            received_on=datetime.date(2099, 1, 1) + datetime.timedelta(days=3),
        )
