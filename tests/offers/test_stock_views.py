"""The stock pages: who sees what, the happy paths, constant queries at 1 and many rows,
the CSV export, and the "Stock bas" block on the site team's home."""

import html
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.offers import stock_helpers
from tests.offers.stock_helpers import (
    level,
    receive_devices,
    receive_units,
    receive_vouchers,
)
from tisser.offers import adjustments, reservations
from tisser.offers.enums import DeviceStatus, InventoryCountStatus, ReservationStatus
from tisser.offers.models import InventoryCount, Reservation

crew = stock_helpers.crew  # the fixture


def text(response):
    return html.unescape(response.content.decode())


def _queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return [q for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]


def _constant(client, path, fill):
    client.get(path)  # the first page after sign-in stamps the session
    fill(1)
    few = _queries(client, path)
    fill(40)
    many = _queries(client, path)
    assert len(many) == len(few), [q["sql"] for q in many]
    return many


# --- who sees what ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        ("volunteer", "offers:stock_list", 200),
        ("volunteer", "offers:device_search", 403),
        ("volunteer", "offers:movement_list", 403),
        ("mediator", "offers:device_search", 200),
        ("mediator", "offers:reservation_list", 200),
        ("mediator", "offers:stock_out", 403),
        ("mediator", "offers:count_list", 403),
        ("mediator", "offers:thresholds", 403),
        ("manager", "offers:count_list", 200),
        ("manager", "offers:movement_list", 200),
        ("admin", "offers:voucher_overview", 200),
    ],
)
def test_roles(crew, login, who, url, status):
    assert login(getattr(crew, who)).get(reverse(url)).status_code == status


def test_another_sites_device_is_a_404(crew, login):
    [device] = receive_devices(crew.other_site, crew.laptop)
    client = login(crew.mediator)
    assert client.get(reverse("offers:device_detail", kwargs={"pk": device.pk})).status_code == 404
    assert (
        login(crew.admin).get(reverse("offers:device_detail", kwargs={"pk": device.pk})).status_code
        == 200
    )


# --- the stock list ---------------------------------------------------------------------------


def test_the_site_list_shows_on_hand_reserved_available_and_the_low_flag(crew, login):
    receive_units(crew.site, crew.cables, 3)
    receive_units(crew.other_site, crew.cables, 50)
    reservations.units_reserve(actor=crew.mediator, site=crew.site, offer=crew.cables, quantity=1)
    adjustments.threshold_set(actor=crew.manager, site=crew.site, offer=crew.cables, threshold=2)
    page = login(crew.mediator).get(reverse("offers:stock_list"))
    [row] = page.context["page"].object_list
    assert (row.on_hand, row.reserved, row.free, row.is_low) == (3, 1, 2, True)
    assert "Stock bas" in text(page)
    assert "Valeur" not in text(page)  # no values for the site team
    assert "Espace Port" not in text(page)


def test_the_network_admin_filters_by_site_and_reads_totals_and_values(crew, login):
    receive_units(crew.site, crew.cables, 3)
    receive_units(crew.other_site, crew.cables, 2)
    receive_devices(crew.site, crew.laptop, 2)
    client = login(crew.admin)
    page = client.get(reverse("offers:stock_list"))
    totals = {t.name: t for t in page.context["totals"]}
    assert totals["Câble de charge"].on_hand == 5
    assert totals["Câble de charge"].market_value == Decimal("40.00")
    assert totals["Câble de charge"].solidarity_value == Decimal("10.00")
    assert totals["Portable reconditionné"].market_value == Decimal("700.00")
    assert "700,00\u00a0€" in text(page)
    filtered = client.get(reverse("offers:stock_list"), {"site": crew.other_site.pk})
    assert [r.site_id for r in filtered.context["page"].object_list] == [crew.other_site.pk]
    assert filtered.context["totals"][0].on_hand == 2


@pytest.mark.parametrize("who", ["mediator", "admin"])
def test_the_stock_list_costs_the_same_queries_for_1_and_40_rows(crew, login, who):
    from tests.offers.factories import OfferFactory

    def fill(n):
        for _ in range(n):
            offer = OfferFactory(network=crew.network, tracking="quantity", allowed_grades=[])
            receive_units(crew.site, offer, 1)

    many = _constant(login(getattr(crew, who)), reverse("offers:stock_list"), fill)
    assert len(many) <= 12


# --- devices ----------------------------------------------------------------------------------


def test_device_search_puts_the_exact_id_first_and_finds_words(crew, login):
    devices = receive_devices(crew.site, crew.laptop, 3)
    receive_devices(crew.site, crew.laptop, 1, brand="Dell", model_name="Latitude 5490")
    client = login(crew.mediator)
    page = client.get(reverse("offers:device_search"), {"q": devices[1].inventory_id.lower()})
    assert page.context["exact"] == devices[1]
    assert devices[1] not in page.context["page"].object_list
    words = client.get(reverse("offers:device_search"), {"q": "dell 5490"})
    assert [d.brand for d in words.context["page"].object_list] == ["Dell"]
    by_status = client.get(reverse("offers:device_search"), {"status": DeviceStatus.TO_PROCESS})
    assert list(by_status.context["page"].object_list) == []


def test_device_search_costs_the_same_queries_for_1_and_40_rows(crew, login):
    many = _constant(
        login(crew.mediator),
        f"{reverse('offers:device_search')}?q=lenovo",
        lambda n: receive_devices(crew.site, crew.laptop, n),
    )
    assert len(many) <= 10


def test_the_device_page_shows_specs_buttons_and_history(crew, login):
    [device] = receive_devices(
        crew.site,
        crew.laptop,
        status=DeviceStatus.PROCESSING,
        memory_gb=8,
        storage_gb=256,
        cpu_score=8000,
    )
    client = login(crew.manager)
    url = reverse("offers:device_detail", kwargs={"pk": device.pk})
    page = client.get(url)
    assert page.context["suggested_grade"] == "A"
    assert {s.to for s in page.context["steps"]} == {
        DeviceStatus.READY_TO_DISTRIBUTE,
        DeviceStatus.TO_PROCESS,
        DeviceStatus.NOT_REUSABLE,
    }
    response = client.post(
        reverse("offers:device_status", kwargs={"pk": device.pk}),
        {"to_status": DeviceStatus.READY_TO_DISTRIBUTE, "grade": "A"},
    )
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.status == DeviceStatus.READY_TO_DISTRIBUTE and device.wiped_at
    page = client.get(url)
    assert [line.what for line in page.context["history"]][:2] == ["Prêt à distribuer", "Réception"]
    assert page.context["can_reserve"]
    # A refused step shows the French reason and changes nothing.
    refused = client.post(
        reverse("offers:device_status", kwargs={"pk": device.pk}),
        {"to_status": DeviceStatus.NOT_REUSABLE},
    )
    assert refused.status_code == 400
    assert "Indiquez le motif" in text(refused)


def test_a_mediator_reserves_a_device_from_its_page_and_releases_it(crew, login):
    [device] = receive_devices(crew.site, crew.laptop)
    client = login(crew.mediator)
    response = client.post(
        reverse("offers:device_reserve", kwargs={"pk": device.pk}),
        {"duration": "24", "note": "Jeudi"},
    )
    assert response.status_code == 302
    reservation = Reservation.objects.get()
    assert (
        client.get(reverse("offers:reservation_list")).context["page"].object_list[0] == reservation
    )
    response = client.post(
        reverse("offers:reservation_release", kwargs={"pk": reservation.pk}), {"reason": "Absente"}
    )
    assert response.status_code == 302
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.RELEASED


def test_units_are_reserved_from_the_reservations_page(crew, login):
    receive_vouchers(crew.site, crew.recharge, 2)
    client = login(crew.mediator)
    response = client.post(
        reverse("offers:reservation_list"),
        {"offer": crew.recharge.pk, "quantity": 3, "duration": "2"},
    )
    assert response.status_code == 400
    assert "Il ne reste que 2 code(s)" in text(response)
    response = client.post(
        reverse("offers:reservation_list"),
        {"offer": crew.recharge.pk, "quantity": 2, "duration": "2"},
    )
    assert response.status_code == 302
    assert level(crew.site, crew.recharge).reserved == 2


# --- codes, movements -------------------------------------------------------------------------


def test_the_voucher_overview_counts_and_never_shows_a_code(crew, login):
    import datetime

    receive_vouchers(crew.site, crew.recharge, 3, expires_on=datetime.date(2027, 3, 10))
    receive_vouchers(crew.site, crew.recharge, 1)
    page = login(crew.mediator).get(reverse("offers:voucher_overview"))
    rows = list(page.context["page"].object_list)
    assert [(r["status"], r["units"]) for r in rows] == [("IN_STOCK", 3), ("IN_STOCK", 1)]
    assert "mars 2027" in text(page) and "sans date" in text(page)
    assert "chiffré" not in text(page)


def test_movements_list_and_csv_export(crew, login):
    receive_units(crew.site, crew.cables, 3)
    adjustments.stock_adjust(
        actor=crew.manager, site=crew.site, offer=crew.cables, delta=-1, reason="=cmd()"
    )
    client = login(crew.manager)
    page = client.get(reverse("offers:movement_list"), {"kind": "adjustment"})
    assert [m.quantity for m in page.context["page"].object_list] == [-1]
    export = client.get(reverse("offers:movement_export"), {"kind": "adjustment"})
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "Ajustement d'inventaire" in body and "'=cmd()" in body
    assert "Réception" not in body


def test_the_movement_list_costs_the_same_queries_for_1_and_40_rows(crew, login):
    many = _constant(
        login(crew.manager),
        f"{reverse('offers:movement_list')}?kind=",
        lambda n: receive_devices(crew.site, crew.laptop, n),
    )
    assert len(many) <= 10


def test_the_voucher_count_and_reservation_lists_cost_constant_queries(crew, login):
    from tests.offers.factories import InventoryCountFactory

    client = login(crew.manager)
    _constant(
        client,
        reverse("offers:voucher_overview"),
        lambda n: receive_vouchers(crew.site, crew.recharge, n),
    )
    _constant(
        client,
        reverse("offers:count_list"),
        lambda n: [
            InventoryCountFactory(site=crew.site, status=InventoryCountStatus.CLOSED)
            for _ in range(n)
        ],
    )

    def reserve(n):
        receive_units(crew.site, crew.cables, n)
        for _ in range(n):
            reservations.units_reserve(
                actor=crew.mediator, site=crew.site, offer=crew.cables, quantity=1
            )

    _constant(client, reverse("offers:reservation_list"), reserve)


# --- write-offs, thresholds, counts ----------------------------------------------------------


def test_a_manager_writes_off_units_and_sets_thresholds(crew, login):
    receive_units(crew.site, crew.cables, 5)
    client = login(crew.manager)
    response = client.post(
        reverse("offers:stock_out"),
        {"offer": crew.cables.pk, "operation": "write_off", "quantity": 2, "reason": "Cassés"},
    )
    assert response.status_code == 302
    assert level(crew.site, crew.cables).on_hand == 3
    form = client.get(reverse("offers:thresholds")).context["form"]
    field = f"threshold_{crew.cables.pk}"
    assert field in form.fields
    response = client.post(reverse("offers:thresholds"), {field: 4})
    assert response.status_code == 302
    assert level(crew.site, crew.cables).low_stock_threshold == 4


def test_an_inventory_count_from_start_to_close(crew, login):
    devices = receive_devices(crew.site, crew.laptop, 2)
    receive_units(crew.site, crew.cables, 4)
    client = login(crew.manager)
    response = client.post(reverse("offers:count_list"), {})
    count = InventoryCount.objects.get()
    assert response.status_code == 302
    lines = {line.offer_id: line.pk for line in count.lines.all()}
    response = client.post(
        reverse("offers:count_detail", kwargs={"pk": count.pk}),
        {
            f"counted_{lines[crew.cables.pk]}": 5,
            f"missing_{lines[crew.laptop.pk]}": devices[0].inventory_id,
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("offers:count_detail", kwargs={"pk": count.pk}))
    assert page.context["ready"]
    response = client.post(reverse("offers:count_close", kwargs={"pk": count.pk}))
    assert response.status_code == 302
    count.refresh_from_db()
    assert count.status == InventoryCountStatus.CLOSED
    assert level(crew.site, crew.cables).on_hand == 5
    assert level(crew.site, crew.laptop).on_hand == 1
    assert client.get(reverse("offers:count_close", kwargs={"pk": count.pk})).status_code == 404


def test_a_return_by_inventory_id(crew, login):
    [device] = receive_devices(crew.site, crew.laptop)
    reservations.stock_sell(
        actor=crew.mediator,
        reservation=reservations.device_reserve(actor=crew.mediator, device=device),
    )
    response = login(crew.other_mediator).post(
        reverse("offers:stock_return"),
        {"inventory_id": device.inventory_id.lower(), "quantity": 1, "reason": "Ne démarre plus"},
    )
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.site == crew.other_site and device.status == DeviceStatus.TO_PROCESS


# --- the site team's home ---------------------------------------------------------------------


def test_the_home_lists_low_stock_in_one_query(crew, login):
    from tests.offers.factories import OfferFactory

    receive_units(crew.site, crew.cables, 5)
    adjustments.threshold_set(actor=crew.manager, site=crew.site, offer=crew.cables, threshold=5)
    client = login(crew.mediator)
    page = client.get(reverse("workspace:home"))
    assert [row.offer for row in page.context["low_stock"]] == [crew.cables]
    assert "Stock bas" in text(page) and "5 disponibles (seuil : 5)" in text(page)

    def fill(n):
        for _ in range(n):
            offer = OfferFactory(network=crew.network)
            adjustments.threshold_set(actor=crew.manager, site=crew.site, offer=offer, threshold=1)

    _constant(client, reverse("workspace:home"), fill)
    reservations.units_reserve(actor=crew.mediator, site=crew.site, offer=crew.cables, quantity=1)
    adjustments.threshold_set(actor=crew.manager, site=crew.site, offer=crew.cables, threshold=3)
    page = client.get(reverse("workspace:home"))
    assert crew.cables not in [row.offer for row in page.context["low_stock"]]


def test_the_accountant_reads_values_and_movements_only(crew, login):
    from tests.accounts.factories import MembershipFactory
    from tisser.accounts.enums import Role

    accountant = MembershipFactory(organisation=crew.network, role=Role.ACCOUNTANT)
    receive_units(crew.site, crew.cables, 3)
    client = login(accountant)
    page = client.get(reverse("offers:stock_list"))
    assert page.status_code == 200
    assert page.context["show_values"] and page.context["totals"][0].on_hand == 3
    assert client.get(reverse("offers:movement_list")).status_code == 200
    for name in ("offers:device_search", "offers:voucher_overview", "offers:reservation_list"):
        assert client.get(reverse(name)).status_code == 403
