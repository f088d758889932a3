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
from django.db.models import Sum

from tests.accounts.factories import MembershipFactory, NetworkFactory, SiteFactory
from tests.offers.factories import OfferFactory, StockSettingsFactory
from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Organisation, Site
from tisser.core import clock
from tisser.core.errors import DomainError
from tisser.funding.enums import OfferFamily
from tisser.offers import receipts, transfers
from tisser.offers.enums import (
    DEVICE_ON_HAND_STATUSES,
    VOUCHER_ON_HAND_STATUSES,
    DeviceStatus,
    Grade,
    Tracking,
)
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


def _receiver(site) -> Membership:
    """A network admin of the site's network (receipts and transfers need an actor)."""
    found = Membership.objects.filter(
        organisation_id=site.network_id, role=Role.NETWORK_ADMIN, is_active=True
    ).first()
    return found or MembershipFactory(organisation=site.network, role=Role.NETWORK_ADMIN)


def receive_devices(
    site, offer, count=1, *, status=DeviceStatus.READY_TO_DISTRIBUTE, **fields
) -> list[Device]:
    """``count`` devices received at ``site`` through ``offers.receipts`` (RECEIPT +1 each).

    A status the receipt does not give here (a device already in processing at the hub, say)
    and the specs a receipt does not take (CPU score, wipe date) are set afterwards: they
    do not touch the ledger."""
    brand = fields.pop("brand", "Lenovo")
    model_name = fields.pop("model_name", "ThinkPad T480")
    grade = fields.pop("grade", Grade.B)
    items = [
        receipts.DeviceIn(
            row=index + 1,
            serial_number=f"SN{next(_numbers):07d}",
            brand=brand,
            model_name=model_name,
            grade=grade,
        )
        for index in range(count)
    ]
    choices = receipts.receipt_status_choices(site)
    receipt = receipts.devices_receive(
        actor=_receiver(site),
        site=site,
        offer=offer,
        items=items,
        status=status if status in choices else choices[0],
    )
    extra = dict(fields)
    if status not in choices:
        extra["status"] = status
    if extra:
        Device.objects.filter(pk__in=[d.pk for d in receipt.devices]).update(**extra)
    return list(Device.objects.filter(pk__in=[d.pk for d in receipt.devices]).order_by("pk"))


def receive_vouchers(site, offer, count=1, *, expires_on=None) -> list[Voucher]:
    items = []
    for index in range(count):
        number = next(_numbers)
        items.append(
            receipts.VoucherIn(
                row=index + 1,
                code=f"CODE{number:010d}",
                serial=f"SER{number:07d}",
                expires_on=expires_on,
            )
        )
    receipt = receipts.vouchers_receive(actor=_receiver(site), site=site, offer=offer, items=items)
    return list(Voucher.objects.filter(pk__in=[v.pk for v in receipt.vouchers]).order_by("pk"))


def receive_units(site, offer, quantity) -> None:
    receipts.quantity_receive(actor=_receiver(site), site=site, offer=offer, quantity=quantity)


def send_units(from_site, to_site, offer, quantity) -> Transfer:
    """Ship ``quantity`` units (devices: the first ready ones) through ``offers.transfers``."""
    inventory_ids = ()
    units = {}
    if offer.tracking == Tracking.DEVICE:
        inventory_ids = list(
            Device.objects.filter(
                site=from_site,
                offer=offer,
                status=DeviceStatus.READY_TO_DISTRIBUTE,
                transfer__isnull=True,
            )
            .order_by("pk")
            .values_list("inventory_id", flat=True)[:quantity]
        )
        if len(inventory_ids) < quantity:
            raise DomainError("Pas assez d'appareils prêts.")
    else:
        units = {offer: quantity}
    return transfers.transfer_ship(
        actor=_receiver(from_site),
        from_site=from_site,
        to_site=to_site,
        inventory_ids=inventory_ids,
        units=units,
    )


def receive_transfer(transfer: Transfer) -> None:
    transfers.transfer_receive(actor=_receiver(transfer.to_site), transfer=transfer)


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
