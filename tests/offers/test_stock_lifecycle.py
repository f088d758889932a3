"""The device lifecycle (one transition table), the grade from specs, the vouchers' after-sale steps."""

import itertools

import pytest
from django.test import override_settings

from tests.offers import stock_helpers
from tests.offers.factories import DeviceFactory
from tests.offers.stock_helpers import (
    assert_ledger_agrees,
    level,
    receive_devices,
    receive_vouchers,
)
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.offers import lifecycle, reservations
from tisser.offers.enums import (
    DEVICE_ON_HAND_STATUSES,
    DeviceStatus,
    Grade,
    MovementKind,
    OperatingSystem,
    StorageKind,
    VoucherStatus,
)
from tisser.offers.models import Device, StockMovement

S = DeviceStatus

crew = stock_helpers.crew  # the fixture


def test_the_table_covers_every_status_and_only_known_ones():
    assert set(lifecycle.TRANSITIONS) == set(S.values)
    for steps in lifecycle.TRANSITIONS.values():
        for step in steps:
            assert step.to in S.values
    assert lifecycle.TRANSITIONS[S.NOT_REUSABLE] == ()
    # The national path, end to end.
    path = [S.TO_PROCESS, S.PROCESSING, S.READY_TO_ORDER, S.IN_DELIVERY]
    path += [S.READY_TO_DISTRIBUTE, S.RESERVED, S.DISTRIBUTED, S.AFTER_SALES]
    assert all(lifecycle.can_follow(a, b) for a, b in itertools.pairwise(path))
    assert not lifecycle.can_follow(S.DISTRIBUTED, S.READY_TO_DISTRIBUTE)
    assert not lifecycle.can_follow(S.TO_PROCESS, S.READY_TO_DISTRIBUTE)


def test_processing_at_a_site_ends_ready_to_distribute_with_a_grade_and_a_wipe_date(crew):
    [device] = receive_devices(crew.site, crew.laptop, status=S.TO_PROCESS, grade="")
    lifecycle.device_status_change(actor=crew.manager, device=device, to_status=S.PROCESSING)
    with pytest.raises(DomainError, match="ici"):
        lifecycle.device_status_change(
            actor=crew.manager, device=device, to_status=S.READY_TO_ORDER, grade=Grade.A
        )
    with pytest.raises(DomainError, match="grade"):
        lifecycle.device_status_change(
            actor=crew.manager, device=device, to_status=S.READY_TO_DISTRIBUTE
        )
    with pytest.raises(DomainError, match="n'accepte pas le grade"):
        lifecycle.device_status_change(
            actor=crew.manager, device=device, to_status=S.READY_TO_DISTRIBUTE, grade=Grade.D
        )
    lifecycle.device_status_change(
        actor=crew.manager, device=device, to_status=S.READY_TO_DISTRIBUTE, grade=Grade.A
    )
    device.refresh_from_db()
    assert device.status == S.READY_TO_DISTRIBUTE and device.grade == Grade.A
    assert device.wiped_at is not None
    history = list(
        device.status_changes.order_by("at", "pk").values_list("from_status", "to_status")
    )
    assert history == [(S.TO_PROCESS, S.PROCESSING), (S.PROCESSING, S.READY_TO_DISTRIBUTE)]
    assert JournalEntry.objects.filter(action="stock.device_status_changed").count() == 2
    assert_ledger_agrees(crew.site, crew.laptop)


def test_the_hub_team_processes_devices_ready_to_order(crew):
    [device] = receive_devices(crew.hub, crew.laptop, status=S.PROCESSING)
    with pytest.raises(DomainError, match="ici"):
        lifecycle.device_status_change(
            actor=crew.hub_mediator, device=device, to_status=S.READY_TO_DISTRIBUTE, grade=Grade.B
        )
    lifecycle.device_status_change(
        actor=crew.hub_mediator, device=device, to_status=S.READY_TO_ORDER, grade=Grade.B
    )
    device.refresh_from_db()
    assert device.status == S.READY_TO_ORDER and device.wiped_at is not None


@pytest.mark.parametrize("who", ["mediator", "volunteer", "other_manager", "foreign_admin"])
def test_who_may_not_change_a_status(crew, who):
    [device] = receive_devices(crew.site, crew.laptop, status=S.TO_PROCESS)
    with pytest.raises(DomainError, match="Vous ne pouvez pas"):
        lifecycle.device_status_change(
            actor=getattr(crew, who), device=device, to_status=S.PROCESSING
        )


def test_steps_owned_by_other_services_are_not_buttons(crew):
    [device] = receive_devices(crew.site, crew.laptop)
    with pytest.raises(DomainError):
        lifecycle.device_status_change(actor=crew.manager, device=device, to_status=S.RESERVED)
    with pytest.raises(DomainError):
        lifecycle.device_status_change(actor=crew.manager, device=device, to_status=S.DISTRIBUTED)
    steps = {step.to for step in lifecycle.hand_steps(device, hub_id=crew.hub.pk)}
    assert steps == {S.PROCESSING, S.NOT_REUSABLE}


def test_not_reusable_is_a_write_off_with_a_reason(crew):
    [device] = receive_devices(crew.site, crew.laptop, status=S.TO_PROCESS)
    with pytest.raises(DomainError, match="motif"):
        lifecycle.device_status_change(actor=crew.manager, device=device, to_status=S.NOT_REUSABLE)
    lifecycle.device_status_change(
        actor=crew.manager, device=device, to_status=S.NOT_REUSABLE, reason="Carte mère HS"
    )
    device.refresh_from_db()
    assert device.status == S.NOT_REUSABLE
    line = StockMovement.objects.get(device=device, kind=MovementKind.WRITE_OFF)
    assert (line.quantity, line.reason) == (-1, "Carte mère HS")
    assert level(crew.site, crew.laptop).on_hand == 0
    assert_ledger_agrees(crew.site, crew.laptop)


def test_a_reserved_device_is_not_written_off(crew):
    [device] = receive_devices(crew.site, crew.laptop)
    reservations.device_reserve(actor=crew.mediator, device=device)
    with pytest.raises(DomainError):
        lifecycle.device_status_change(
            actor=crew.manager, device=device, to_status=S.NOT_REUSABLE, reason="Casse"
        )


def _specs(**fields):
    base = {
        "memory_gb": 8,
        "storage_gb": 256,
        "storage_kind": StorageKind.SSD,
        "cpu_score": 8000,
        "operating_system": OperatingSystem.LINUX,
        "os_version": "",
    }
    return Device(**{**base, **fields})


@pytest.mark.parametrize(
    ("fields", "grade"),
    [
        ({}, "A"),  # 3 + 2 + 3 = 8
        (
            {
                "storage_kind": StorageKind.NVME,
                "memory_gb": 16,
                "storage_gb": 512,
                "cpu_score": 12000,
            },
            "PREMIUM",
        ),
        ({"memory_gb": 4, "storage_gb": 128, "cpu_score": 4000}, "C"),  # 2 + 1 + 2 = 5
        ({"memory_gb": 4, "storage_gb": 256, "cpu_score": 4000}, "B"),  # 6
        ({"memory_gb": 2, "storage_gb": 64, "cpu_score": 1000}, "D"),
        # A hard disk caps at B, and at C with a weak CPU.
        (
            {
                "storage_kind": StorageKind.HDD,
                "memory_gb": 16,
                "storage_gb": 512,
                "cpu_score": 12000,
            },
            "B",
        ),
        (
            {
                "storage_kind": StorageKind.HDD,
                "memory_gb": 16,
                "storage_gb": 512,
                "cpu_score": 3000,
            },
            "C",
        ),
        # Windows 10 caps at B; Windows 11 does not.
        ({"operating_system": OperatingSystem.WINDOWS, "os_version": "10 Pro"}, "B"),
        ({"operating_system": OperatingSystem.WINDOWS, "os_version": "11"}, "A"),
    ],
)
def test_the_grade_suggestion(fields, grade):
    assert lifecycle.grade_suggest(_specs(**fields)) == grade


def test_no_suggestion_without_specs():
    assert lifecycle.grade_suggest(_specs(cpu_score=None)) is None


@override_settings(DEVICE_GRADE_MIN_SCORE={"PREMIUM": 20, "A": 15, "B": 10, "C": 7})
def test_the_thresholds_are_settings():
    assert lifecycle.grade_suggest(_specs()) == "C"


def test_voucher_after_sale_steps(crew):
    receive_vouchers(crew.site, crew.recharge, 2)
    sold = reservations.stock_sell(
        actor=crew.mediator,
        reservation=reservations.units_reserve(
            actor=crew.mediator, site=crew.site, offer=crew.recharge, quantity=1
        ),
    )
    [voucher] = sold.vouchers
    with pytest.raises(DomainError, match="ne fonctionne pas"):
        lifecycle.voucher_status_change(actor=crew.mediator, voucher=voucher, to_status="DEFECTIVE")
    lifecycle.voucher_status_change(
        actor=crew.mediator, voucher=voucher, to_status="DEFECTIVE", reason="Code refusé"
    )
    lifecycle.voucher_status_change(actor=crew.mediator, voucher=voucher, to_status="REPLACED")
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.REPLACED
    with pytest.raises(DomainError):
        lifecycle.voucher_status_change(actor=crew.mediator, voucher=voucher, to_status="IN_STOCK")
    free = crew.recharge.vouchers.get(status=VoucherStatus.IN_STOCK)
    with pytest.raises(DomainError):
        lifecycle.voucher_status_change(actor=crew.mediator, voucher=free, to_status="ACTIVATED")
    assert_ledger_agrees(crew.site, crew.recharge)


def test_on_hand_statuses_and_the_table_agree():
    # Every step by hand stays on the premises, except the write-off.
    for status, steps in lifecycle.TRANSITIONS.items():
        for step in steps:
            if step.by_hand and step.to != S.NOT_REUSABLE:
                assert status in DEVICE_ON_HAND_STATUSES and step.to in DEVICE_ON_HAND_STATUSES


def test_factory_devices_show_their_buttons(crew):
    device = DeviceFactory(site=crew.hub, offer=crew.laptop, status=S.PROCESSING)
    assert {s.to for s in lifecycle.hand_steps(device, hub_id=crew.hub.pk)} == {
        S.READY_TO_ORDER,
        S.TO_PROCESS,
        S.NOT_REUSABLE,
    }
