"""Pages of transfers and hub orders: roles, scope, happy paths, query counts."""

import pytest
from django.urls import reverse

from tisser.accounts.enums import Role
from tisser.offers import hub as hub_services
from tisser.offers import receipts
from tisser.offers.enums import DeviceStatus, HubOrderStatus, TransferStatus
from tisser.offers.models import Device, HubOrder, Transfer
from tisser.offers.receipts import DeviceIn, VoucherIn


@pytest.fixture
def ready_at_hub(hub, hub_manager, laptop_offer):
    devices = receipts.devices_receive(
        actor=hub_manager,
        site=hub,
        offer=laptop_offer,
        items=[DeviceIn(row=n, serial_number=f"V{n}", brand="HP", grade="B") for n in range(3)],
    ).devices
    Device.objects.filter(pk__in=[d.pk for d in devices]).update(status=DeviceStatus.READY_TO_ORDER)
    return devices


def test_site_manager_orders_hub_prepares_ships_site_receives(
    client, login, site, hub, manager, member_factory, laptop_offer, ready_at_hub
):
    login(manager)
    page = client.get(reverse("offers:hub_order_create"))
    assert page.status_code == 200
    assert "Portable reconditionné : quantité (3 prêt(s) à l&#x27;atelier)" in page.content.decode()
    response = client.post(
        reverse("offers:hub_order_create"), {f"offer_{laptop_offer.pk}": "2", "note": ""}
    )
    assert response.status_code == 302
    order = HubOrder.objects.get()

    hub_mediator = member_factory(hub, Role.MEDIATOR)
    login(hub_mediator)
    todo = client.get(reverse("offers:hub_order_list"))
    assert "Commandes à préparer" in todo.content.decode()
    client.post(reverse("offers:hub_order_prepare", kwargs={"pk": order.pk}), {"inventory_ids": ""})
    client.post(reverse("offers:hub_order_ship", kwargs={"pk": order.pk}))
    order.refresh_from_db()
    assert order.status == HubOrderStatus.SHIPPED

    login(manager)
    detail = client.get(reverse("offers:hub_order_detail", kwargs={"pk": order.pk}))
    assert "Confirmer la réception" in detail.content.decode()
    client.post(reverse("offers:hub_order_receive", kwargs={"pk": order.pk}))
    order.refresh_from_db()
    assert order.status == HubOrderStatus.RECEIVED
    assert Device.objects.filter(site=site, status=DeviceStatus.READY_TO_DISTRIBUTE).count() == 2


def test_order_form_errors_in_french(client, login, manager, laptop_offer, ready_at_hub):
    login(manager)
    response = client.post(reverse("offers:hub_order_create"), {f"offer_{laptop_offer.pk}": "9"})
    assert response.status_code == 400
    assert "L&#x27;atelier n&#x27;en a que 3 de prêt(s)." in response.content.decode()


def test_transfer_pages(client, login, site, other_site, manager, member_factory, recharge_offer):
    receipts.vouchers_receive(
        actor=manager,
        site=site,
        offer=recharge_offer,
        items=[VoucherIn(row=n, code=f"99{n:08d}") for n in range(4)],
    )
    login(manager)
    form = client.get(reverse("offers:transfer_create"))
    assert "(4 en stock)" in form.content.decode()
    response = client.post(
        reverse("offers:transfer_create"),
        {"to_site": other_site.pk, f"units_{recharge_offer.pk}": "3", "inventory_ids": ""},
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    receiver = member_factory(other_site, Role.MEDIATOR)
    login(receiver)
    page = client.get(reverse("offers:transfer_detail", kwargs={"pk": transfer.pk}))
    assert "Confirmer la réception" in page.content.decode()
    client.post(reverse("offers:transfer_receive", kwargs={"pk": transfer.pk}))
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.RECEIVED


def test_unknown_inventory_id_is_a_form_error(client, login, other_site, manager):
    login(manager)
    response = client.post(
        reverse("offers:transfer_create"),
        {"to_site": other_site.pk, "inventory_ids": "XYZ-PC-26-0001"},
    )
    assert response.status_code == 400
    assert (
        "Introuvable(s) dans le stock de l&#x27;espace : XYZ-PC-26-0001."
        in response.content.decode()
    )


def test_another_sites_transfer_is_a_404(client, login, site, other_site, member_factory, network):
    from tests.accounts.factories import SiteFactory
    from tests.offers.factories import TransferFactory

    third = SiteFactory(network=network)
    transfer = TransferFactory(from_site=other_site, to_site=third)
    login(member_factory(site, Role.SITE_MANAGER))
    assert (
        client.get(reverse("offers:transfer_detail", kwargs={"pk": transfer.pk})).status_code == 404
    )


def test_volunteer_sees_no_flow_page(client, login, site, member_factory):
    login(member_factory(site, Role.VOLUNTEER))
    for name in ("offers:transfer_list", "offers:hub_order_list", "offers:import_index"):
        assert client.get(reverse(name)).status_code == 403


def test_hub_settings_page(client, login, network_admin, site):
    login(network_admin)
    response = client.post(reverse("offers:hub_settings"), {"hub": site.pk})
    assert response.status_code == 302
    assert hub_services.hub_of(network_admin.organisation_id) == site


@pytest.mark.parametrize("name", ["offers:transfer_list", "offers:hub_order_list"])
def test_lists_cost_the_same_at_one_and_many_rows(
    client, login, site, other_site, hub, manager, name, django_assert_max_num_queries, laptop_offer
):
    from tests.offers.factories import HubOrderFactory, TransferFactory
    from tisser.offers.models import HubOrderLine, TransferLine

    def add(count):
        for _ in range(count):
            transfer = TransferFactory(from_site=site, to_site=other_site)
            TransferLine.objects.create(transfer=transfer, offer=laptop_offer, quantity=1)
            order = HubOrderFactory(site=site, hub=hub)
            HubOrderLine.objects.create(order=order, offer=laptop_offer, quantity=1)

    login(manager)
    add(1)
    with django_assert_max_num_queries(40) as one:
        assert client.get(reverse(name)).status_code == 200
    add(30)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(reverse(name)).status_code == 200
