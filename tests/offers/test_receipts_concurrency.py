"""Receipts and hub preparations racing each other (PostgreSQL): inventory numbers are never
given twice, and a device is never picked for two orders."""

import pytest
from django.db import connection

from tests.accounts.factories import MembershipFactory, NetworkFactory, SiteFactory
from tests.helpers import run_together
from tests.offers.factories import OfferFactory, StockSettingsFactory
from tisser.accounts.enums import Role
from tisser.offers import hub as hub_services
from tisser.offers import receipts
from tisser.offers.enums import DeviceStatus
from tisser.offers.models import Device
from tisser.offers.receipts import DeviceIn

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks (runs in the PostgreSQL pass)"
)
pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def test_simultaneous_receipts_never_share_an_inventory_number():
    network = NetworkFactory(name="Réseau concurrence")
    site = SiteFactory(network=network, short_code="CON")
    offer = OfferFactory(network=network)
    manager = MembershipFactory(organisation=site, role=Role.SITE_MANAGER)

    def receive(prefix):
        return lambda: receipts.devices_receive(
            actor=manager,
            site=site,
            offer=offer,
            items=[
                DeviceIn(row=n, serial_number=f"{prefix}{n}", brand="HP", grade="B")
                for n in range(5)
            ],
        )

    assert run_together([receive(p) for p in "ABCD"]) == ["done"] * 4
    ids = sorted(Device.objects.values_list("inventory_id", flat=True))
    assert len(ids) == len(set(ids)) == 20
    assert [int(i.rsplit("-", 1)[1]) for i in ids] == list(range(1, 21))


def test_two_orders_prepared_at_once_never_share_a_device():
    network = NetworkFactory(name="Réseau atelier concurrence")
    hub = SiteFactory(network=network, short_code="ATC")
    StockSettingsFactory(network=network, hub=hub)
    sites = [SiteFactory(network=network) for _ in range(2)]
    offer = OfferFactory(network=network)
    hub_manager = MembershipFactory(organisation=hub, role=Role.SITE_MANAGER)
    devices = receipts.devices_receive(
        actor=hub_manager,
        site=hub,
        offer=offer,
        items=[DeviceIn(row=n, serial_number=f"R{n}", brand="HP", grade="B") for n in range(3)],
    ).devices
    Device.objects.filter(pk__in=[d.pk for d in devices]).update(status=DeviceStatus.READY_TO_ORDER)
    orders = [
        hub_services.hub_order_submit(
            actor=MembershipFactory(organisation=site, role=Role.SITE_MANAGER),
            lines={offer: 1},
        )
        for site in sites
    ]
    # A third device is freed for nobody: each order takes one, never the same.
    outcomes = run_together(
        [
            (lambda order=order: hub_services.hub_order_prepare(actor=hub_manager, order=order))
            for order in orders
        ]
    )
    assert outcomes == ["done", "done"]
    picked = list(
        Device.objects.filter(hub_order__isnull=False).values_list("hub_order", flat=True)
    )
    assert sorted(picked) == sorted(order.pk for order in orders)
