"""Issue 16 in Chromium: a funder's member opens their dashboard, changes the period with the
page's form, downloads the XLSX (its sheets and the header with the filters) and the PDF
report prepared by a task; axe-core finds no serious or critical violation on the figures'
pages (network, site, funder, glossary, reports, public figures), which fit a 360 px phone."""

import datetime
import io
import time

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.e2e.demo_snapshot import seed_ci_demo
from tests.e2e.test_acceptance import sign_in
from tests.e2e.test_printouts_and_phone_lists import PHONE, assert_fits_the_phone, signed_in
from tisser.accounts import demo
from tisser.accounts.models import Site
from tisser.core import clock
from tisser.reporting import rollups
from tisser.reporting.enums import ReportStatus
from tisser.reporting.models import ReportRequest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FUNDER_NAME = "Ville de Strasbourg"
FUNDER_TITLE = f"Chiffres de {FUNDER_NAME}"


@pytest.fixture
def demo_data():
    started = time.monotonic()
    seed_ci_demo()
    seeded = time.monotonic()
    today = clock.localdate()
    rollups.rebuild(datetime.date(today.year - 1, 1, 1), today)
    print(f"seed {seeded - started:.1f} s, roll-ups {time.monotonic() - seeded:.1f} s")


def checked(page, assert_accessible, *, heading: str | None = None) -> None:
    if heading is not None:
        assert page.get_by_role("heading", level=1).inner_text() == heading
    assert_accessible(page)
    assert not page.watcher.problems, page.watcher.problems


def funder_page(new_page, **viewport):
    """The demo funder's member (no second factor for this role)."""
    page = new_page(**viewport)
    sign_in(page, f"financeur@{demo.DEMO_EMAIL_DOMAIN}", demo.DEMO_PASSWORD)
    page.wait_for_url("**/espace-pro/")
    return page


def test_a_funder_changes_the_period_downloads_the_xlsx_and_the_pdf_report(
    new_page, demo_data, assert_accessible
):
    page = funder_page(new_page)
    page.goto("/espace-pro/chiffres/")
    page.wait_for_url("**/espace-pro/chiffres/financeur/")
    checked(page, assert_accessible, heading=FUNDER_TITLE)
    assert "moins de 10" in page.locator("main").inner_text()

    # The period: last year, from the form of the page; the address keeps it.
    year = clock.localdate().year - 1
    page.get_by_label("Premier jour :", exact=True).fill(f"{year}-01-01")
    page.get_by_label("Dernier jour :", exact=True).fill(f"{year}-12-31")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url(f"**/espace-pro/chiffres/financeur/?*debut=*{year}*")
    about = page.locator("section[aria-labelledby=about-title]").inner_text()
    assert f"{year}" in about, about
    checked(page, assert_accessible, heading=FUNDER_TITLE)

    # The XLSX: one sheet per group and a definitions sheet, each headed by the filters.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger en Excel").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True)
    assert len(workbook.sheetnames) >= 3, workbook.sheetnames
    assert "Définitions" in workbook.sheetnames
    for sheet in workbook.worksheets:
        header = list(sheet.iter_rows(max_row=8, values_only=True))
        assert header[0][0] == FUNDER_TITLE, (sheet.title, header)
        assert header[1][:2] == ("Période", f"du 01/01/{year} au 31/12/{year}"), header
        assert any(row and row[0] == "Exporté le" for row in header), header
        assert any(row and row[0] == "Règle" for row in header), header

    # The PDF report: asked for from the dashboard, prepared by a task, then downloaded.
    page.get_by_role("link", name="Préparer le rapport PDF").click()
    page.wait_for_url("**/espace-pro/chiffres/rapports/demander/**")
    checked(page, assert_accessible, heading="Préparer le rapport PDF")
    page.get_by_role("button", name="Préparer le rapport").click()
    page.wait_for_url("**/espace-pro/chiffres/rapports/")
    report = ReportRequest.objects.get()
    assert report.status == ReportStatus.READY, report.error
    checked(page, assert_accessible, heading="Rapports PDF")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le PDF").first.click()
    content = download_info.value.path().read_bytes()
    assert content.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert FUNDER_TITLE in text, text[:500]
    assert f"01/01/{year}" in text or f"1 janvier {year}" in text, text[:500]

    # The glossary, read from the dashboard's link.
    page.go_back()
    page.goto("/espace-pro/chiffres/glossaire/")
    checked(page, assert_accessible)

    # The funder's dashboard on a 360 px phone.
    phone = funder_page(new_page, **PHONE)
    phone.goto("/espace-pro/chiffres/financeur/")
    assert_fits_the_phone(phone)


def test_the_staff_dashboards_and_the_public_page_are_accessible_and_fit_a_phone(
    new_page, demo_data, assert_accessible
):
    site = Site.objects.get(name=demo.STRASBOURG_SITE)
    admin = signed_in(new_page, "admin")
    admin.goto("/espace-pro/chiffres/")
    admin.wait_for_url("**/espace-pro/chiffres/reseau/")
    checked(admin, assert_accessible, heading="Chiffres du réseau")
    admin.goto(f"/espace-pro/chiffres/espace/?espace={site.pk}&comparer=on")
    checked(admin, assert_accessible, heading=f"Chiffres de l'espace {site.name}")
    admin.goto("/espace-pro/chiffres/rapports/")
    checked(admin, assert_accessible, heading="Rapports PDF")
    admin.goto("/espace-pro/chiffres/glossaire/")
    checked(admin, assert_accessible)

    manager = signed_in(new_page, "responsable", **PHONE)
    for path in ("/espace-pro/chiffres/", "/espace-pro/chiffres/glossaire/"):
        manager.goto(path)
        assert_fits_the_phone(manager)
    manager.goto("/espace-pro/chiffres/espace/")
    assert manager.get_by_role("heading", level=1).inner_text() == (
        f"Chiffres de l'espace {site.name}"
    )
    assert_fits_the_phone(manager)
    checked(manager, assert_accessible)

    # (A second sign-in with the same second-factor code would be refused: the same page,
    # narrowed to the phone's width.)
    admin.set_viewport_size(PHONE)
    admin.goto("/espace-pro/chiffres/reseau/?comparer=on")
    assert_fits_the_phone(admin)

    visitor = new_page()
    response = visitor.goto("/chiffres/")
    assert response.status == 200
    checked(visitor, assert_accessible)
    phone = new_page(**PHONE)
    phone.goto("/chiffres/")
    assert_fits_the_phone(phone)
