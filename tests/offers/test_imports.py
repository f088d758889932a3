import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from tests.offers.factories import DeviceFactory
from tests.offers.stock_checks import assert_ledger_agrees, on_hand
from tisser.accounts.enums import Role
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.offers import receipts
from tisser.offers.enums import DeviceStatus, Tracking
from tisser.offers.imports import services, store
from tisser.offers.models import Device, StockImport, StockMovement, Voucher
from tisser.offers.receipts import VoucherIn

DEVICES_CSV = (
    "Numéro de série;Marque;Modèle;Grade;RAM\n"
    "PF1;Lenovo;T480;B;8\n"
    "PF2;Lenovo;T480;A;16\n"
    "PF3;Dell;Latitude 5490;C;8\n"
).encode()


@pytest.fixture(autouse=True)
def _imports_dir(settings, tmp_path):
    settings.IMPORTS_DIR = tmp_path


def prepare(actor, site, offer, content, kind=Tracking.DEVICE, **kwargs):
    return services.stock_import_prepare(
        actor=actor,
        site=site,
        kind=kind,
        offer=offer,
        file_name="lot.csv",
        content=content,
        **kwargs,
    )


def test_preview_then_confirm_receives_every_row(
    site, manager, laptop_offer, django_capture_on_commit_callbacks
):
    stock_import = prepare(manager, site, laptop_offer, DEVICES_CSV)
    preview = services.stock_import_preview(stock_import=stock_import)
    assert preview.counts == {"create": 3}
    assert Device.objects.count() == 0  # the preview writes nothing
    with django_capture_on_commit_callbacks(execute=True):
        done = services.stock_import_confirm(actor=manager, stock_import=stock_import)
    assert (done.rows_created, done.rows_skipped) == (3, 0)
    assert Device.objects.filter(stock_import=done).count() == 3
    assert on_hand(site, laptop_offer) == 3
    assert StockMovement.objects.filter(stock_import=done).count() == 3
    assert_ledger_agrees(site, laptop_offer)
    assert JournalEntry.objects.filter(action="stock_import.confirmed").count() == 1
    assert not JournalEntry.objects.filter(action="stock.devices_received").exists()
    assert not store.stored_path(done).exists()


def test_the_same_file_twice_adds_nothing(site, manager, laptop_offer):
    first = prepare(manager, site, laptop_offer, DEVICES_CSV)
    services.stock_import_confirm(actor=manager, stock_import=first)
    with pytest.raises(DomainError, match="déjà été importé"):
        prepare(manager, site, laptop_offer, DEVICES_CSV)
    assert Device.objects.count() == 3


def test_rows_already_in_stock_and_repeated_rows_are_skipped(site, manager, laptop_offer):
    DeviceFactory(site=site, offer=laptop_offer, brand="Lenovo", serial_number="PF1")
    content = DEVICES_CSV + b"PF2;Lenovo;T480;A;16\n"
    stock_import = prepare(manager, site, laptop_offer, content)
    preview = services.stock_import_preview(stock_import=stock_import)
    assert [row.state for row in preview.rows] == ["already", "create", "create", "duplicate"]
    assert preview.rows[3].duplicate_of == 3
    done = services.stock_import_confirm(actor=manager, stock_import=stock_import)
    assert (done.rows_created, done.rows_skipped) == (2, 2)


def test_a_bad_file_changes_nothing_and_names_row_and_column(site, manager, laptop_offer):
    content = b"numero_serie;marque;grade;ram\nPF1;Lenovo;Z;8\n;Dell;B;8\nPF3;Dell;B;huit\n"
    stock_import = prepare(manager, site, laptop_offer, content)
    preview = services.stock_import_preview(stock_import=stock_import)
    problems = preview.problems
    assert (2, "grade") in {(row, column) for row, column, _ in problems}
    assert (3, "numero_serie") in {(row, column) for row, column, _ in problems}
    assert (4, "memoire_go") in {(row, column) for row, column, _ in problems}
    with pytest.raises(DomainError, match="Rien n'a été importé"):
        services.stock_import_confirm(actor=manager, stock_import=stock_import)
    assert Device.objects.count() == 0
    assert on_hand(site, laptop_offer) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "vide"),
        (b"marque;modele\nLenovo;T480\n", "Il manque des colonnes"),
        (b"\xd0\xcf\x11\xe0binary", "anciens fichiers Excel"),
    ],
)
def test_unreadable_files_are_refused_in_french(site, manager, laptop_offer, content, message):
    with pytest.raises(DomainError, match=message):
        prepare(manager, site, laptop_offer, content)
    assert not StockImport.objects.exists()


def test_vouchers_from_xlsx_stored_encrypted_and_skipped_when_known(
    site, manager, recharge_offer, settings
):
    receipts.vouchers_receive(
        actor=manager, site=site, offer=recharge_offer, items=[VoucherIn(row=2, code="555000111")]
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Code", "Numéro de série", "Date d'expiration"])
    sheet.append(["555 000 111", "A1", "31/12/2030"])
    sheet.append(["777000222", "A2", "31/12/2030"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    stock_import = prepare(manager, site, recharge_offer, buffer.getvalue(), kind=Tracking.VOUCHER)
    assert "777000222" not in store.stored_path(stock_import).read_text()
    preview = services.stock_import_preview(stock_import=stock_import)
    assert [row.state for row in preview.rows] == ["already", "create"]
    services.stock_import_confirm(actor=manager, stock_import=stock_import)
    assert Voucher.objects.count() == 2
    assert on_hand(site, recharge_offer) == 2


def test_kind_must_match_the_offer(site, manager, recharge_offer):
    with pytest.raises(DomainError):
        prepare(manager, site, recharge_offer, DEVICES_CSV, kind=Tracking.DEVICE)


def test_hub_import_receives_devices_to_process(hub, hub_manager, laptop_offer):
    stock_import = prepare(hub_manager, hub, laptop_offer, DEVICES_CSV)
    services.stock_import_confirm(actor=hub_manager, stock_import=stock_import)
    assert set(Device.objects.values_list("status", flat=True)) == {DeviceStatus.TO_PROCESS}


# --- pages ----------------------------------------------------------------------------------


def test_upload_preview_confirm_pages(client, login, site, manager, laptop_offer):
    login(manager)
    upload = SimpleUploadedFile("lot.csv", DEVICES_CSV, content_type="text/csv")
    response = client.post(
        reverse("offers:import_index"),
        {"kind": Tracking.DEVICE, "offer": laptop_offer.pk, "file": upload},
    )
    assert response.status_code == 302
    stock_import = StockImport.objects.get()
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "3 entreront en stock" in page.content.decode()
    done = client.post(reverse("offers:import_confirm", kwargs={"pk": stock_import.pk}))
    assert done.status_code == 302
    assert Device.objects.count() == 3
    listing = client.get(reverse("offers:import_index"))
    assert "Importé : 3 ajouté(s)" in listing.content.decode()


def test_upload_errors_are_french_and_shown(client, login, site, manager, laptop_offer):
    login(manager)
    upload = SimpleUploadedFile("lot.csv", b"marque\nLenovo\n", content_type="text/csv")
    response = client.post(
        reverse("offers:import_index"),
        {"kind": Tracking.DEVICE, "offer": laptop_offer.pk, "file": upload},
    )
    assert response.status_code == 400
    assert "Il manque des colonnes" in response.content.decode()


def _body(response) -> bytes:
    """A CSV download is streamed (the shared export helper)."""
    return b"".join(response.streaming_content)


def test_templates_download(client, login, manager):
    login(manager)
    devices = client.get(reverse("offers:import_template_devices"))
    assert devices["Content-Disposition"].endswith('"modele-appareils.csv"')
    assert _body(devices).decode("utf-8-sig").startswith("numero_serie;imei;marque")
    codes = client.get(reverse("offers:import_template_vouchers"))
    assert _body(codes).decode("utf-8-sig").startswith("code;numero_serie;date_expiration")


def test_the_template_file_is_accepted_as_it_is(client, login, site, manager, laptop_offer):
    login(manager)
    content = _body(client.get(reverse("offers:import_template_devices")))
    stock_import = prepare(manager, site, laptop_offer, content)
    assert services.stock_import_preview(stock_import=stock_import).counts == {"create": 1}


@pytest.mark.parametrize("role", [Role.MEDIATOR, Role.VOLUNTEER])
def test_other_site_roles_cannot_import(client, login, site, member_factory, role):
    login(member_factory(site, role))
    assert client.get(reverse("offers:import_index")).status_code == 403


def test_import_list_query_count_does_not_grow(
    client, login, site, manager, laptop_offer, django_assert_max_num_queries
):
    from tests.offers.factories import StockImportFactory

    login(manager)
    StockImportFactory(site=site, offer=laptop_offer, created_by=manager.user)
    with django_assert_max_num_queries(30) as one:
        client.get(reverse("offers:import_index"))
    StockImportFactory.create_batch(40, site=site, offer=laptop_offer, created_by=manager.user)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("offers:import_index"))
    assert response.status_code == 200


def test_the_hub_imports_with_the_default_status(client, login, hub, hub_manager, laptop_offer):
    login(hub_manager)
    upload = SimpleUploadedFile("don.csv", DEVICES_CSV, content_type="text/csv")
    response = client.post(
        reverse("offers:import_index"),
        {"kind": Tracking.DEVICE, "offer": laptop_offer.pk, "device_status": "", "file": upload},
    )
    assert response.status_code == 302
    client.post(reverse("offers:import_confirm", kwargs={"pk": StockImport.objects.get().pk}))
    assert set(Device.objects.values_list("status", flat=True)) == {DeviceStatus.TO_PROCESS}


def test_one_device_or_one_code_without_a_file(
    client, login, site, manager, laptop_offer, recharge_offer
):
    login(manager)
    response = client.post(
        reverse("offers:receive_one"),
        {"offer": laptop_offer.pk, "serial_number": "SOLO1", "brand": "Asus", "grade": "B"},
    )
    assert response.status_code == 302
    device = Device.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert f"numéro d&#x27;inventaire {device.inventory_id}" in page
    again = client.post(
        reverse("offers:receive_one"),
        {"offer": laptop_offer.pk, "serial_number": "solo1", "brand": "Asus", "grade": "B"},
    )
    assert again.status_code == 400
    assert "Cet appareil est déjà enregistré" in again.content.decode()
    code = client.post(reverse("offers:receive_one"), {"offer": recharge_offer.pk, "code": ""})
    assert "Écrivez le code de la recharge ou de la carte." in code.content.decode()
    client.post(reverse("offers:receive_one"), {"offer": recharge_offer.pk, "code": "4455 6677"})
    assert Voucher.objects.count() == 1
    assert "44556677" not in Voucher.objects.get().code_encrypted
