"""Builders for the stock tests: a crew around two sites and a hub, and stock that enters
through the ledger (RECEIPT lines with the device and voucher rows in one transaction), so
that every invariant holds from the first line.

``receive_*`` stand in for ``offers.receipts`` (the flow work) in these tests: they write
exactly what a receipt writes to the ledger. ``send_*`` stand in for a transfer's shipping.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum

from tests.accounts.factories import MembershipFactory, NetworkFactory, SiteFactory, UserFactory
from tests.offers.factories import OfferFactory, StockSettingsFactory
from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Organisation, Site
from tisser.core import clock
from tisser.funding.enums import OfferFamily
from tisser.offers.enums import (
    DEVICE_ON_HAND_STATUSES,
    VOUCHER_ON_HAND_STATUSES,
    DeviceStatus,
    DeviceType,
    Grade,
    MovementKind,
    Tracking,
    TransferStatus,
)
from tisser.offers.ledger import Move, movements_apply
from tisser.offers.models import Device, Offer, StockLevel, StockMovement, Transfer, Voucher

_numbers = itertools.count(1)


@dataclass
class Crew:
    network: Organisation
    site: Site
    other_site: Site
    hub: Site
    manager: Membership
    mediator: Membership
    volunteer: Membership
    admin: Membership
    other_manager: Membership
    other_mediator: Membership
    hub_mediator: Membership
    hub_manager: Membership
    foreign_admin: Membership
    laptop: Offer
    recharge: Offer
    cables: Offer


def make_crew() -> Crew:
    network = NetworkFactory()
    site = SiteFactory(network=network, name="Espace Gare")
    other_site = SiteFactory(network=network, name="Espace Port")
    hub = SiteFactory(network=network, name="Atelier")
    StockSettingsFactory(network=network, hub=hub)
    laptop = OfferFactory(network=network, name="Portable reconditionné")
    recharge = OfferFactory(network=network, recharge=True, name="Recharge 10 €")
    cables = OfferFactory(
        network=network,
        family=OfferFamily.LAPTOP,
        tracking=Tracking.QUANTITY,
        name="Câble de charge",
        solidarity_price=Decimal("2.00"),
        market_price=Decimal("8.00"),
        allowed_grades=[],
    )
    return Crew(
        network=network,
        site=site,
        other_site=other_site,
        hub=hub,
        manager=MembershipFactory(organisation=site, role=Role.SITE_MANAGER),
        mediator=MembershipFactory(organisation=site, role=Role.MEDIATOR),
        volunteer=MembershipFactory(organisation=site, role=Role.VOLUNTEER),
        admin=MembershipFactory(organisation=network, role=Role.NETWORK_ADMIN),
        other_manager=MembershipFactory(organisation=other_site, role=Role.SITE_MANAGER),
        other_mediator=MembershipFactory(organisation=other_site, role=Role.MEDIATOR),
        hub_mediator=MembershipFactory(organisation=hub, role=Role.MEDIATOR),
        hub_manager=MembershipFactory(organisation=hub, role=Role.SITE_MANAGER),
        foreign_admin=MembershipFactory(
            organisation=NetworkFactory(name="Autre réseau"), role=Role.NETWORK_ADMIN
        ),
        laptop=laptop,
        recharge=recharge,
        cables=cables,
    )


@pytest.fixture
def crew(db) -> Crew:
    return make_crew()


def receive_devices(
    site, offer, count=1, *, status=DeviceStatus.READY_TO_DISTRIBUTE, **fields
) -> list[Device]:
    """``count`` devices received at ``site`` (RECEIPT +1 each, in one transaction)."""
    with transaction.atomic():
        devices = []
        for _ in range(count):
            number = next(_numbers)
            values = {
                "device_type": DeviceType.LAPTOP,
                "grade": Grade.B,
                "brand": "Lenovo",
                "model_name": "ThinkPad T480",
                "received_on": clock.localdate(),
                **fields,
            }
            devices.append(
                Device.objects.create(
                    site=site,
                    offer=offer,
                    inventory_id=f"{site.short_code}-PC-26-{number:05d}",
                    status=status,
                    serial_number=f"SN{number:07d}",
                    **values,
                )
            )
        movements_apply(
            [
                Move(site.pk, offer.pk, MovementKind.RECEIPT, quantity=1, refs={"device": d})
                for d in devices
            ]
        )
    return devices


def receive_vouchers(site, offer, count=1, *, expires_on=None) -> list[Voucher]:
    with transaction.atomic():
        vouchers = []
        for _ in range(count):
            number = next(_numbers)
            vouchers.append(
                Voucher.objects.create(
                    site=site,
                    offer=offer,
                    code_encrypted="chiffré",
                    code_fingerprint=f"fp{number:062d}",
                    serial=f"SER{number:07d}",
                    expires_on=expires_on,
                    received_on=clock.localdate(),
                )
            )
        movements_apply(
            [
                Move(site.pk, offer.pk, MovementKind.RECEIPT, quantity=1, refs={"voucher": v})
                for v in vouchers
            ]
        )
    return vouchers


def receive_units(site, offer, quantity) -> None:
    with transaction.atomic():
        movements_apply([Move(site.pk, offer.pk, MovementKind.RECEIPT, quantity=quantity)])


def send_units(from_site, to_site, offer, quantity) -> Transfer:
    """Ship ``quantity`` free units (vouchers: the oldest free ones, locked) to ``to_site``."""
    with transaction.atomic():
        transfer = Transfer.objects.create(
            from_site=from_site,
            to_site=to_site,
            shipped_at=clock.now(),
            shipped_by=UserFactory(),
        )
        refs = {"transfer": transfer}
        if offer.tracking == Tracking.VOUCHER:
            vouchers = list(
                Voucher.objects.select_for_update(skip_locked=True)
                .filter(site=from_site, offer=offer, status="IN_STOCK", transfer__isnull=True)
                .order_by("pk")[:quantity]
            )
            if len(vouchers) < quantity:
                from tisser.core.errors import DomainError

                raise DomainError("Pas assez de codes libres.")
            movements_apply(
                [
                    Move(
                        from_site.pk,
                        offer.pk,
                        MovementKind.TRANSFER_OUT,
                        quantity=-1,
                        refs={**refs, "voucher": v},
                    )
                    for v in vouchers
                ]
            )
            Voucher.objects.filter(pk__in=[v.pk for v in vouchers]).update(transfer=transfer)
        elif offer.tracking == Tracking.DEVICE:
            devices = list(
                Device.objects.select_for_update(skip_locked=True)
                .filter(
                    site=from_site,
                    offer=offer,
                    status=DeviceStatus.READY_TO_DISTRIBUTE,
                    transfer__isnull=True,
                )
                .order_by("pk")[:quantity]
            )
            if len(devices) < quantity:
                from tisser.core.errors import DomainError

                raise DomainError("Pas assez d'appareils prêts.")
            movements_apply(
                [
                    Move(
                        from_site.pk,
                        offer.pk,
                        MovementKind.TRANSFER_OUT,
                        quantity=-1,
                        refs={**refs, "device": d},
                    )
                    for d in devices
                ]
            )
            Device.objects.filter(pk__in=[d.pk for d in devices]).update(
                transfer=transfer, status=DeviceStatus.IN_DELIVERY
            )
        else:
            movements_apply(
                [
                    Move(
                        from_site.pk,
                        offer.pk,
                        MovementKind.TRANSFER_OUT,
                        quantity=-quantity,
                        refs=refs,
                    )
                ]
            )
    return transfer


def receive_transfer(transfer: Transfer, offer, quantity) -> None:
    with transaction.atomic():
        refs = {"transfer": transfer}
        if offer.tracking == Tracking.VOUCHER:
            vouchers = list(Voucher.objects.select_for_update().filter(transfer=transfer))
            movements_apply(
                [
                    Move(
                        transfer.to_site_id,
                        offer.pk,
                        MovementKind.TRANSFER_IN,
                        quantity=1,
                        refs={**refs, "voucher": v},
                    )
                    for v in vouchers
                ]
            )
            Voucher.objects.filter(transfer=transfer).update(
                transfer=None, site_id=transfer.to_site_id
            )
        elif offer.tracking == Tracking.DEVICE:
            devices = list(Device.objects.select_for_update().filter(transfer=transfer))
            movements_apply(
                [
                    Move(
                        transfer.to_site_id,
                        offer.pk,
                        MovementKind.TRANSFER_IN,
                        quantity=1,
                        refs={**refs, "device": d},
                    )
                    for d in devices
                ]
            )
            Device.objects.filter(transfer=transfer).update(
                transfer=None, site_id=transfer.to_site_id, status=DeviceStatus.READY_TO_DISTRIBUTE
            )
        else:
            movements_apply(
                [
                    Move(
                        transfer.to_site_id,
                        offer.pk,
                        MovementKind.TRANSFER_IN,
                        quantity=quantity,
                        refs=refs,
                    )
                ]
            )
        transfer.status = TransferStatus.RECEIVED
        transfer.received_at = clock.now()
        transfer.save(update_fields=["status", "received_at"])


def level(site, offer) -> StockLevel:
    return StockLevel.objects.filter(site=site, offer=offer).first() or StockLevel(
        site=site, offer=offer
    )


def assert_ledger_agrees(site, offer) -> None:
    """on_hand = Σ ledger quantity = units on the premises; reserved = Σ reserved_delta."""
    row = level(site, offer)
    sums = StockMovement.objects.filter(site=site, offer=offer).aggregate(
        quantity=Sum("quantity"), reserved=Sum("reserved_delta")
    )
    assert row.on_hand == (sums["quantity"] or 0), (site, offer, row.on_hand, sums)
    assert row.reserved == (sums["reserved"] or 0), (site, offer, row.reserved, sums)
    assert 0 <= row.reserved <= row.on_hand
    if offer.tracking == Tracking.DEVICE:
        on_premises = Device.objects.filter(
            site=site, offer=offer, status__in=DEVICE_ON_HAND_STATUSES, transfer__isnull=True
        )
        assert row.on_hand == on_premises.count()
        assert row.reserved == on_premises.filter(status=DeviceStatus.RESERVED).count()
    elif offer.tracking == Tracking.VOUCHER:
        on_premises = Voucher.objects.filter(
            site=site, offer=offer, status__in=VOUCHER_ON_HAND_STATUSES, transfer__isnull=True
        )
        assert row.on_hand == on_premises.count()
        assert row.reserved == on_premises.filter(status="RESERVED").count()


def later(**delta) -> datetime.datetime:
    return clock.now() + datetime.timedelta(**delta)
