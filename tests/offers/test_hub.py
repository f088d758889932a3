import pytest

from tests.offers.stock_checks import assert_ledger_agrees, on_hand
from tisser.accounts.enums import Role
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.offers import hub as hub_services
from tisser.offers import receipts, transfers
from tisser.offers.enums import DeviceStatus, HubOrderStatus
from tisser.offers.models import Device
from tisser.offers.receipts import DeviceIn


@pytest.fixture
def ready_at_hub(hub, hub_manager, laptop_offer):
    devices = receipts.devices_receive(
        actor=hub_manager,
        site=hub,
        offer=laptop_offer,
        items=[DeviceIn(row=n, serial_number=f"HUB{n}", brand="Dell", grade="A") for n in range(4)],
    ).devices
    # Processed by the hub's team (the lifecycle belongs to the stock helper's module).
    Device.objects.filter(pk__in=[d.pk for d in devices]).update(status=DeviceStatus.READY_TO_ORDER)
    return devices


def test_order_prepare_ship_receive(
    site, hub, manager, hub_manager, member_factory, laptop_offer, ready_at_hub
):
    assert dict(hub_services.hub_available(hub=hub))[laptop_offer] == 4
    order = hub_services.hub_order_submit(actor=manager, lines={laptop_offer: 2})
    assert order.status == HubOrderStatus.SUBMITTED
    hub_mediator = member_factory(hub, Role.MEDIATOR)
    hub_services.hub_order_prepare(actor=hub_mediator, order=order)  # oldest first
    order.refresh_from_db()
    assert order.status == HubOrderStatus.PREPARED
    picked = sorted(order.devices.values_list("inventory_id", flat=True))
    assert picked == sorted(d.inventory_id for d in ready_at_hub[:2])
    assert dict(hub_services.hub_available(hub=hub))[laptop_offer] == 2
    hub_services.hub_order_ship(actor=hub_mediator, order=order)
    order.refresh_from_db()
    assert order.status == HubOrderStatus.SHIPPED
    assert set(order.devices.values_list("status", flat=True)) == {DeviceStatus.IN_DELIVERY}
    assert on_hand(hub, laptop_offer) == 2
    hub_services.hub_order_receive(actor=manager, order=order)
    order.refresh_from_db()
    assert order.status == HubOrderStatus.RECEIVED
    assert set(order.devices.values_list("site_id", "status")) == {
        (site.pk, DeviceStatus.READY_TO_DISTRIBUTE)
    }
    assert on_hand(site, laptop_offer) == 2
    assert_ledger_agrees(site, laptop_offer)
    assert_ledger_agrees(hub, laptop_offer)
    actions = set(JournalEntry.objects.values_list("action", flat=True))
    assert {
        "hub_order.submitted",
        "hub_order.prepared",
        "hub_order.shipped",
        "hub_order.received",
    } <= actions


def test_prepare_with_chosen_devices(hub_manager, manager, laptop_offer, ready_at_hub):
    order = hub_services.hub_order_submit(actor=manager, lines={laptop_offer: 1})
    with pytest.raises(DomainError, match="exactement"):
        hub_services.hub_order_prepare(
            actor=hub_manager, order=order, inventory_ids=[d.inventory_id for d in ready_at_hub[:2]]
        )
    with pytest.raises(DomainError, match="NOPE"):
        hub_services.hub_order_prepare(actor=hub_manager, order=order, inventory_ids=["NOPE"])
    hub_services.hub_order_prepare(
        actor=hub_manager, order=order, inventory_ids=[ready_at_hub[3].inventory_id]
    )
    assert list(order.devices.values_list("pk", flat=True)) == [ready_at_hub[3].pk]


def test_cancel_before_shipping_releases_devices(
    site, hub, manager, hub_manager, laptop_offer, ready_at_hub, other_site
):
    order = hub_services.hub_order_submit(actor=manager, lines={laptop_offer: 3})
    hub_services.hub_order_prepare(actor=hub_manager, order=order)
    # Picked devices cannot leave with another transfer.
    with pytest.raises(DomainError, match="commande de l'atelier"):
        transfers.transfer_ship(
            actor=hub_manager,
            from_site=hub,
            to_site=other_site,
            inventory_ids=[order.devices.first().inventory_id],
        )
    with pytest.raises(DomainError, match="pourquoi"):
        hub_services.hub_order_cancel(actor=manager, order=order, reason="")
    hub_services.hub_order_cancel(actor=manager, order=order, reason="Plus besoin")
    order.refresh_from_db()
    assert order.status == HubOrderStatus.CANCELLED
    assert not order.devices.exists()
    assert dict(hub_services.hub_available(hub=hub))[laptop_offer] == 4
    with pytest.raises(DomainError, match="impossible maintenant"):
        hub_services.hub_order_ship(actor=hub_manager, order=order)


def test_cannot_order_more_than_the_hub_can_give(
    manager, member_factory, other_site, laptop_offer, ready_at_hub
):
    hub_services.hub_order_submit(actor=manager, lines={laptop_offer: 3})
    other_manager = member_factory(other_site, Role.SITE_MANAGER)
    with pytest.raises(DomainError, match="n'a que 1"):
        hub_services.hub_order_submit(actor=other_manager, lines={laptop_offer: 2})


def test_only_the_hub_team_prepares_and_only_a_site_manager_orders(
    site, manager, member_factory, laptop_offer, ready_at_hub
):
    order = hub_services.hub_order_submit(actor=manager, lines={laptop_offer: 1})
    with pytest.raises(DomainError, match="équipe de l'atelier"):
        hub_services.hub_order_prepare(actor=manager, order=order)
    with pytest.raises(DomainError, match="responsable"):
        hub_services.hub_order_submit(
            actor=member_factory(site, Role.MEDIATOR), lines={laptop_offer: 1}
        )


def test_no_hub_no_order(network, manager, laptop_offer):
    from tisser.offers.models import StockSettings

    StockSettings.objects.filter(network=network).update(hub=None)
    with pytest.raises(DomainError, match="pas encore d'atelier"):
        hub_services.hub_order_submit(actor=manager, lines={laptop_offer: 1})


def test_network_admin_sets_the_hub(network, network_admin, site, manager):
    hub_services.hub_set(actor=network_admin, hub=site)
    assert hub_services.hub_of(network.pk) == site
    with pytest.raises(DomainError, match="administrateur"):
        hub_services.hub_set(actor=manager, hub=site)
