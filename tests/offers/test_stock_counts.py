"""Write-offs, adjustments, thresholds, and inventory counts closed in one transaction."""

import datetime

import pytest

from tests.offers import stock_helpers
from tests.offers.stock_helpers import (
    assert_ledger_agrees,
    level,
    receive_devices,
    receive_units,
    receive_vouchers,
)
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.offers import adjustments, counts, reservations
from tisser.offers.counts import Entry
from tisser.offers.enums import DeviceStatus, InventoryCountStatus, MovementKind, VoucherStatus
from tisser.offers.models import InventoryCount, StockMovement

crew = stock_helpers.crew  # the fixture


def test_write_offs_one_by_one_and_by_quantity(crew):
    [device] = receive_devices(crew.site, crew.laptop)
    [voucher] = receive_vouchers(crew.site, crew.recharge, 1)
    receive_units(crew.site, crew.cables, 5)
    adjustments.stock_write_off(actor=crew.manager, site=crew.site, device=device, reason="Volé")
    adjustments.stock_write_off(actor=crew.manager, site=crew.site, voucher=voucher, reason="Perdu")
    [line] = adjustments.stock_write_off(
        actor=crew.manager, site=crew.site, offer=crew.cables, quantity=2, reason="Cassés"
    )
    assert (line.kind, line.quantity, line.reason) == (MovementKind.WRITE_OFF, -2, "Cassés")
    device.refresh_from_db()
    voucher.refresh_from_db()
    assert device.status == DeviceStatus.NOT_REUSABLE
    assert voucher.status == VoucherStatus.VOID
    assert level(crew.site, crew.cables).on_hand == 3
    assert JournalEntry.objects.filter(action="stock.written_off").count() == 3
    for offer in (crew.laptop, crew.recharge, crew.cables):
        assert_ledger_agrees(crew.site, offer)


def test_write_off_refusals(crew):
    receive_units(crew.site, crew.cables, 2)
    receive_devices(crew.site, crew.laptop, 2)
    reservations.units_reserve(actor=crew.mediator, site=crew.site, offer=crew.cables, quantity=2)
    with pytest.raises(DomainError, match="motif"):
        adjustments.stock_write_off(
            actor=crew.manager, site=crew.site, offer=crew.cables, quantity=1, reason=""
        )
    with pytest.raises(DomainError, match="disponible"):
        adjustments.stock_write_off(
            actor=crew.manager, site=crew.site, offer=crew.cables, quantity=1, reason="Cassé"
        )
    with pytest.raises(DomainError, match="un par un"):
        adjustments.stock_write_off(
            actor=crew.manager, site=crew.site, offer=crew.laptop, quantity=1, reason="Cassé"
        )
    with pytest.raises(DomainError, match="Vous ne pouvez pas"):
        adjustments.stock_write_off(
            actor=crew.mediator, site=crew.site, offer=crew.cables, quantity=1, reason="Cassé"
        )
    [device] = receive_devices(crew.other_site, crew.laptop)
    with pytest.raises(DomainError, match="pas dans le stock de cet espace"):
        adjustments.stock_write_off(actor=crew.manager, site=crew.site, device=device, reason="X")


def test_adjustments_are_for_quantity_offers(crew):
    receive_units(crew.site, crew.cables, 2)
    adjustments.stock_adjust(
        actor=crew.manager, site=crew.site, offer=crew.cables, delta=3, reason="Oubli"
    )
    adjustments.stock_adjust(
        actor=crew.admin, site=crew.site, offer=crew.cables, delta=-1, reason="Erreur"
    )
    assert level(crew.site, crew.cables).on_hand == 4
    with pytest.raises(DomainError, match="Stock insuffisant"):
        adjustments.stock_adjust(
            actor=crew.manager, site=crew.site, offer=crew.cables, delta=-5, reason="Erreur"
        )
    with pytest.raises(DomainError, match="quantité"):
        adjustments.stock_adjust(
            actor=crew.manager, site=crew.site, offer=crew.laptop, delta=1, reason="Trouvé"
        )
    with pytest.raises(DomainError, match="non nul"):
        adjustments.stock_adjust(
            actor=crew.manager, site=crew.site, offer=crew.cables, delta=0, reason="x"
        )
    with pytest.raises(DomainError, match="Vous ne pouvez pas"):
        adjustments.stock_adjust(
            actor=crew.other_manager, site=crew.site, offer=crew.cables, delta=1, reason="x"
        )
    assert_ledger_agrees(crew.site, crew.cables)


def test_threshold(crew):
    stock = adjustments.threshold_set(
        actor=crew.manager, site=crew.site, offer=crew.cables, threshold=3
    )
    assert stock.low_stock_threshold == 3 and stock.on_hand == 0
    with pytest.raises(DomainError):
        adjustments.threshold_set(
            actor=crew.manager, site=crew.site, offer=crew.cables, threshold=-1
        )
    with pytest.raises(DomainError, match="Vous ne pouvez pas"):
        adjustments.threshold_set(
            actor=crew.mediator, site=crew.site, offer=crew.cables, threshold=1
        )
    entry = JournalEntry.objects.get(action="stock.threshold_set")
    assert entry.payload == {"offer": crew.cables.pk, "before": 0, "after": 3}


def _start(crew):
    devices = receive_devices(crew.site, crew.laptop, 3)
    vouchers = receive_vouchers(crew.site, crew.recharge, 2)
    receive_units(crew.site, crew.cables, 10)
    count = counts.count_start(actor=crew.manager, site=crew.site)
    lines = {line.offer_id: line for line in count.lines.all()}
    return count, lines, devices, vouchers


def test_a_count_freezes_expected_and_applies_every_difference_on_close(crew):
    count, lines, devices, _vouchers = _start(crew)
    assert {lines[o.pk].expected for o in (crew.laptop, crew.recharge)} == {3, 2}
    assert lines[crew.cables.pk].expected == 10
    # A sale during the count changes the level, not the frozen line.
    receive_units(crew.site, crew.cables, 1)
    assert count.lines.get(offer=crew.cables).expected == 10
    counts.count_record(
        actor=crew.manager,
        count=count,
        entries={
            lines[crew.laptop.pk].pk: Entry(None, (devices[0].inventory_id.lower(),)),
            lines[crew.recharge.pk].pk: Entry(2),
            lines[crew.cables.pk].pk: Entry(7),
        },
    )
    line = count.lines.get(offer=crew.laptop)
    assert (line.counted, line.missing, line.discrepancy) == (2, [devices[0].inventory_id], -1)
    counts.count_close(actor=crew.manager, count=count)
    count.refresh_from_db()
    assert count.status == InventoryCountStatus.CLOSED and count.closed_by == crew.manager.user
    devices[0].refresh_from_db()
    assert devices[0].status == DeviceStatus.NOT_REUSABLE
    assert level(crew.site, crew.laptop).on_hand == 2
    assert level(crew.site, crew.cables).on_hand == 8  # 11 − 3
    lines_written = StockMovement.objects.filter(inventory_count=count)
    assert sorted(lines_written.values_list("kind", "quantity")) == [
        (MovementKind.ADJUSTMENT, -3),
        (MovementKind.WRITE_OFF, -1),
    ]
    assert JournalEntry.objects.get(action="stock.count_closed").payload == {
        "adjusted": 1,
        "written_off": 1,
    }
    for offer in (crew.laptop, crew.recharge, crew.cables):
        assert_ledger_agrees(crew.site, offer)
    with pytest.raises(DomainError, match="clôturé"):
        counts.count_close(actor=crew.manager, count=count)


def test_count_refusals(crew):
    count, lines, _devices, _vouchers = _start(crew)
    with pytest.raises(DomainError, match="déjà en cours"):
        counts.count_start(actor=crew.manager, site=crew.site)
    laptop = lines[crew.laptop.pk].pk
    with pytest.raises(DomainError, match="réceptionne"):
        counts.count_record(actor=crew.manager, count=count, entries={laptop: Entry(4)})
    with pytest.raises(DomainError, match="nommez"):
        counts.count_record(actor=crew.manager, count=count, entries={laptop: Entry(1)})
    with pytest.raises(DomainError, match="ne sont pas dans le stock"):
        counts.count_record(
            actor=crew.manager, count=count, entries={laptop: Entry(None, ("XX-1",))}
        )
    with pytest.raises(DomainError, match="pas de numéro"):
        counts.count_record(
            actor=crew.manager, count=count, entries={lines[crew.cables.pk].pk: Entry(3, ("A",))}
        )
    with pytest.raises(DomainError, match="Comptez chaque ligne"):
        counts.count_close(actor=crew.manager, count=count)
    with pytest.raises(DomainError, match="Vous ne pouvez pas"):
        counts.count_start(actor=crew.mediator, site=crew.other_site)
    assert InventoryCount.objects.count() == 1


def test_a_unit_sold_after_being_counted_missing_blocks_the_close(crew):
    count, lines, devices, _vouchers = _start(crew)
    counts.count_record(
        actor=crew.manager,
        count=count,
        entries={
            lines[crew.laptop.pk].pk: Entry(None, (devices[1].inventory_id,)),
            lines[crew.recharge.pk].pk: Entry(2),
            lines[crew.cables.pk].pk: Entry(10),
        },
    )
    reservations.stock_sell(
        actor=crew.mediator,
        reservation=reservations.device_reserve(actor=crew.mediator, device=devices[1]),
    )
    with pytest.raises(DomainError, match="ont changé depuis le comptage"):
        counts.count_close(actor=crew.manager, count=count)
    assert level(crew.site, crew.laptop).on_hand == 2
    assert not StockMovement.objects.filter(inventory_count=count).exists()


def test_missing_words_are_parsed():
    assert counts.parse_missing("str-pc-1, STR-PC-2\nstr-pc-1 ;x") == ("STR-PC-1", "STR-PC-2", "X")


def test_the_adjustment_names_the_count_s_day_in_paris(crew):
    count, lines, _devices, _vouchers = _start(crew)
    # 23:30 in UTC on 1 March is 00:30 on 2 March in Paris.
    InventoryCount.objects.filter(pk=count.pk).update(
        created_at=datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)
    )
    count.refresh_from_db()
    counts.count_record(
        actor=crew.manager,
        count=count,
        entries={
            lines[crew.laptop.pk].pk: Entry(None, ()),
            lines[crew.recharge.pk].pk: Entry(2),
            lines[crew.cables.pk].pk: Entry(9),
        },
    )
    counts.count_close(actor=crew.manager, count=count)
    reasons = set(
        StockMovement.objects.filter(inventory_count=count).values_list("reason", flat=True)
    )
    assert reasons == {"Inventaire du 2 mars 2026"}
