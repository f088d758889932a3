"""The funding pages: who may open them, the happy paths, and constant queries on lists."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.accounts.factories import FunderFactory, MembershipFactory, NetworkFactory, SiteFactory
from tests.funding.conftest import lot_data
from tests.funding.factories import (
    ConventionFactory,
    DonationLotFactory,
    DonorFactory,
    DotationFactory,
    TaxReceiptFactory,
)
from tisser.accounts.enums import Role
from tisser.core.models import JournalEntry
from tisser.funding.enums import DonorKind, TaxReceiptStatus
from tisser.funding.models import Convention, DonationLot, Donor, Dotation, TaxReceipt


def text(response) -> str:
    return response.content.decode()


# --- permissions -----------------------------------------------------------------------

LIST_URLS = [
    "funding:donor_list",
    "funding:convention_list",
    "funding:lot_list",
    "funding:tax_receipt_list",
    "funding:tax_receipt_settings",
]


@pytest.mark.parametrize("name", LIST_URLS)
def test_anonymous_goes_to_sign_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/compte/" in response["Location"]


@pytest.mark.parametrize(
    "role, allowed",
    [
        (Role.MEDIATOR, set()),
        (Role.VOLUNTEER, set()),
        (Role.SITE_MANAGER, {"funding:lot_list"}),
    ],
)
def test_site_roles_reach_only_their_pages(login, site, role, allowed):
    client = login(MembershipFactory(organisation=site, role=role))
    for name in LIST_URLS:
        expected = 200 if name in allowed else 403
        assert client.get(reverse(name)).status_code == expected, name


def test_the_accountant_reads_receipts_only(login, accountant, network):
    client = login(accountant)
    for name in LIST_URLS:
        expected = 200 if name == "funding:tax_receipt_list" else 403
        assert client.get(reverse(name)).status_code == expected, name
    receipt = TaxReceiptFactory(network=network)
    assert (
        client.get(reverse("funding:tax_receipt_detail", kwargs={"pk": receipt.pk})).status_code
        == 200
    )
    pdf = client.get(reverse("funding:tax_receipt_pdf", kwargs={"pk": receipt.pk}))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "no-store" in pdf["Cache-Control"]
    page = text(client.get(reverse("funding:tax_receipt_list")))
    assert receipt.number in page
    assert "Émettre" not in page and "Réglages des reçus fiscaux" not in page
    assert (
        client.post(reverse("funding:tax_receipt_cancel", kwargs={"pk": receipt.pk})).status_code
        == 403
    )


def test_another_networks_accountant_gets_404(login, network):
    receipt = TaxReceiptFactory(network=network)
    other = MembershipFactory(organisation=NetworkFactory(name="Autre"), role=Role.ACCOUNTANT)
    client = login(other)
    assert (
        client.get(reverse("funding:tax_receipt_pdf", kwargs={"pk": receipt.pk})).status_code == 404
    )
    assert receipt.number not in text(client.get(reverse("funding:tax_receipt_list")))


def test_a_funder_sees_only_their_own_conventions(
    login, network, site, operator, convention, dotation, org_donor
):
    DonationLotFactory(
        site=site,
        donor=org_donor,
        dotation=dotation,
        quantity=7,
        valuation_amount=Decimal("1050.00"),
    )
    DonationLotFactory(
        site=site,
        donor=org_donor,
        dotation=dotation,
        quantity=3,
        valuation_amount=Decimal("450.00"),
    )
    stranger = ConventionFactory(funder=FunderFactory(network=network), reference="AUTRE-1")
    viewer = MembershipFactory(organisation=operator, role=Role.FUNDER_VIEWER)
    client = login(viewer)
    listing = text(client.get(reverse("funding:convention_list")))
    assert convention.reference in listing and "AUTRE-1" not in listing
    detail = client.get(reverse("funding:convention_detail", kwargs={"pk": convention.pk}))
    assert detail.status_code == 200
    page = text(detail)
    assert "10 unités en 2 lots" in page and "1\u202f500,00\u00a0€" in page
    assert "Modifier" not in page and "Ajouter une dotation" not in page
    assert (
        client.get(reverse("funding:convention_detail", kwargs={"pk": stranger.pk})).status_code
        == 404
    )
    # Read-only: no edit, no dotation, no lot, no donor, no receipt.
    assert (
        client.get(reverse("funding:convention_edit", kwargs={"pk": convention.pk})).status_code
        == 403
    )
    assert (
        client.get(reverse("funding:dotation_edit", kwargs={"pk": dotation.pk})).status_code == 403
    )
    for name in ("funding:lot_list", "funding:donor_list", "funding:tax_receipt_list"):
        assert client.get(reverse(name)).status_code == 403, name


def test_a_site_manager_cannot_open_another_sites_lot(login, manager, other_site, person_donor):
    lot = DonationLotFactory(site=other_site, donor=person_donor)
    response = login(manager).get(reverse("funding:lot_detail", kwargs={"pk": lot.pk}))
    assert response.status_code == 404


def test_another_networks_admin_gets_404_on_every_object(
    login, convention, dotation, person_donor, site
):
    lot = DonationLotFactory(site=site, donor=person_donor)
    receipt = TaxReceiptFactory(network=person_donor.network, donor=person_donor)
    other = MembershipFactory(organisation=NetworkFactory(name="Autre"), role=Role.NETWORK_ADMIN)
    client = login(other)
    for name, pk in [
        ("funding:convention_detail", convention.pk),
        ("funding:dotation_edit", dotation.pk),
        ("funding:donor_edit", person_donor.pk),
        ("funding:lot_detail", lot.pk),
        ("funding:tax_receipt_detail", receipt.pk),
    ]:
        assert client.get(reverse(name, kwargs={"pk": pk})).status_code == 404, name


# --- happy paths -----------------------------------------------------------------------


def test_admin_adds_an_individual_donor(login, network_admin):
    client = login(network_admin)
    response = client.post(
        reverse("funding:donor_create"),
        {
            "kind": DonorKind.INDIVIDUAL,
            "name": "Jeanne Dupont",
            "postal_code": "69001",
            "city": "Lyon",
        },
    )
    assert response.status_code == 302
    donor = Donor.objects.get()
    assert donor.name == "Jeanne Dupont" and donor.network_id == network_admin.organisation_id
    assert "Jeanne Dupont" in text(client.get(reverse("funding:donor_list")))


def test_a_donor_form_with_errors_shows_the_french_summary(login, network_admin):
    response = login(network_admin).post(
        reverse("funding:donor_create"),
        {"kind": DonorKind.INDIVIDUAL, "siren": "12", "postal_code": "ABCDE"},
    )
    page = text(response)
    assert response.status_code == 200
    assert 'class="error-summary"' in page
    assert "Le SIREN compte 9 chiffres." in page and "Le code postal compte 5 chiffres." in page
    assert "Indiquez le nom et le prénom du donateur." in page
    assert not Donor.objects.exists()


def test_admin_deactivates_a_donor_from_the_list(login, network_admin, person_donor):
    client = login(network_admin)
    response = client.post(reverse("funding:donor_toggle", kwargs={"pk": person_donor.pk}))
    assert response.status_code == 302
    person_donor.refresh_from_db()
    assert not person_donor.is_active
    assert "Réactiver" in text(client.get(reverse("funding:donor_list")))


def test_admin_creates_a_convention_then_a_dotation(login, network_admin, funder, site, other_site):
    client = login(network_admin)
    response = client.post(
        reverse("funding:convention_create"),
        {
            "funder": funder.pk,
            "reference": "CAF-2026",
            "title": "Accès aux droits",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "sites": [site.pk, other_site.pk],
        },
    )
    convention = Convention.objects.get()
    assert response["Location"] == reverse(
        "funding:convention_detail", kwargs={"pk": convention.pk}
    )
    response = client.post(
        reverse("funding:dotation_create", kwargs={"pk": convention.pk}),
        {
            "year": "2026",
            "families": ["RECHARGE", "SIM"],
            "budget_amount": "25000.00",
            "reporting_starts_on": "2026-01-01",
            "reporting_ends_on": "2026-12-31",
        },
    )
    assert response.status_code == 302
    dotation = Dotation.objects.get()
    assert dotation.budget_amount == Decimal("25000.00") and dotation.budget_units is None
    page = text(client.get(reverse("funding:convention_detail", kwargs={"pk": convention.pk})))
    assert "Recharge mobile, Carte SIM" in page and "25\u202f000,00\u00a0€" in page


def test_a_dotation_without_budget_is_refused_in_french(login, network_admin, convention):
    response = login(network_admin).post(
        reverse("funding:dotation_create", kwargs={"pk": convention.pk}),
        {
            "year": "2026",
            "families": ["SIM"],
            "reporting_starts_on": "2026-01-01",
            "reporting_ends_on": "2026-12-31",
        },
    )
    assert "Indiquez un budget en unités, en euros, ou les deux." in text(response)
    assert not Dotation.objects.exists()


def test_a_site_manager_records_a_lot_at_their_site(login, manager, site, org_donor, dotation):
    client = login(manager)
    form = text(client.get(reverse("funding:lot_create")))
    assert org_donor.name in form and site.name in form
    data = lot_data()
    data.update(
        {
            "donor": org_donor.pk,
            "dotation": dotation.pk,
            "site": site.pk,
            "received_on": "2026-03-12",
        }
    )
    response = client.post(reverse("funding:lot_create"), data)
    lot = DonationLot.objects.get()
    assert response["Location"] == reverse("funding:lot_detail", kwargs={"pk": lot.pk})
    page = text(client.get(response["Location"]))
    assert "EFF-2026-0042" in page and "1\u202f500,00\u00a0€" in page and "OP-2026" in page
    assert JournalEntry.objects.filter(action="donation_lot.recorded", site=site).exists()


def _correction(**overrides):
    data = lot_data(**overrides)
    del data["family"], data["unit"]
    return {name: str(value) for name, value in data.items()}


def test_a_site_manager_corrects_a_lot_and_the_journal_keeps_the_old_value(
    login, manager, site, person_donor
):
    lot = DonationLotFactory(site=site, donor=person_donor, **lot_data(quantity=8))
    client = login(manager)
    assert "Corriger ce lot" in text(
        client.get(reverse("funding:lot_detail", kwargs={"pk": lot.pk}))
    )
    url = reverse("funding:lot_correct", kwargs={"pk": lot.pk})
    response = client.post(url, _correction(quantity=12, valuation_amount="1800.00"))
    assert response["Location"] == reverse("funding:lot_detail", kwargs={"pk": lot.pk})
    lot.refresh_from_db()
    assert (lot.quantity, lot.valuation_amount) == (12, Decimal("1800.00"))
    entry = JournalEntry.objects.get(action="donation_lot.corrected")
    assert entry.payload["fields"] == ["quantity", "valuation_amount"]
    assert entry.payload["before"] == {"quantity": "8", "valuation_amount": "1500.00"}


def test_a_bad_correction_changes_nothing(login, manager, site, person_donor):
    lot = DonationLotFactory(site=site, donor=person_donor, **lot_data())
    url = reverse("funding:lot_correct", kwargs={"pk": lot.pk})
    response = login(manager).post(url, _correction(erasure_certificate="", quantity=3))
    assert response.status_code == 200
    assert "indiquez le reconditionneur" in text(response)
    lot.refresh_from_db()
    assert lot.quantity == 10
    assert not JournalEntry.objects.filter(action="donation_lot.corrected").exists()


def test_a_lot_under_an_issued_receipt_is_not_corrected(
    login, network_admin, receipt_settings, person_donor, site
):
    from tisser.funding import tax_receipts

    lot = DonationLotFactory(site=site, donor=person_donor, **lot_data())
    receipt = tax_receipts.tax_receipt_issue(actor=network_admin, donor=person_donor, year=2026)
    client = login(network_admin)
    url = reverse("funding:lot_correct", kwargs={"pk": lot.pk})
    assert "annulez-le d'abord" in text(client.get(url))
    response = client.post(url, _correction(quantity=3))
    assert f"Le reçu fiscal n° {receipt.number} couvre ce lot" in text(response)
    lot.refresh_from_db()
    assert lot.quantity == 10


def test_a_lot_refused_by_a_rule_shows_why(login, manager, site, person_donor):
    data = dict(lot_data(refurbisher=""))
    data.update({"donor": person_donor.pk, "site": site.pk, "received_on": "2026-03-12"})
    response = login(manager).post(reverse("funding:lot_create"), data)
    assert response.status_code == 200
    assert "indiquez le reconditionneur" in text(response)
    assert not DonationLot.objects.exists()


def test_a_lot_in_the_future_is_a_field_error(login, manager, site, person_donor):
    data = dict(lot_data())
    data.update({"donor": person_donor.pk, "site": site.pk, "received_on": "2026-12-01"})
    response = login(manager).post(reverse("funding:lot_create"), data)
    assert "La date de réception ne peut pas être dans le futur." in text(response)


def test_the_lot_list_filters_by_donor_year_and_site(
    login, network_admin, site, other_site, person_donor, org_donor
):
    DonationLotFactory(
        site=site, donor=person_donor, received_on=datetime.date(2026, 2, 1), reference="A-1"
    )
    DonationLotFactory(
        site=other_site, donor=org_donor, received_on=datetime.date(2025, 2, 1), reference="B-1"
    )
    client = login(network_admin)
    page = text(client.get(reverse("funding:lot_list")))
    assert person_donor.name in page and org_donor.name in page and "2 lots" in page
    page = text(client.get(reverse("funding:lot_list"), {"year": "2025"}))
    assert org_donor.name in page and "1 lot" in page
    page = text(client.get(reverse("funding:lot_list"), {"site": site.pk}))
    assert "1 lot" in page and person_donor.name in page
    page = text(client.get(reverse("funding:lot_list"), {"donor": org_donor.pk}))
    assert "1 lot" in page


def test_a_site_manager_lists_only_their_sites_lots(login, manager, site, other_site, person_donor):
    DonationLotFactory(site=site, donor=person_donor, quantity=4)
    DonationLotFactory(site=other_site, donor=person_donor, quantity=9)
    page = text(login(manager).get(reverse("funding:lot_list")))
    assert "1 lot, 4 unités" in page


# --- tax receipts pages ----------------------------------------------------------------


def test_the_pages_say_why_no_receipt_can_be_issued(login, network_admin, org_donor, site):
    DonationLotFactory(site=site, donor=org_donor)
    client = login(network_admin)
    page = text(client.get(reverse("funding:tax_receipt_list")))
    assert "Le réseau n&#x27;émet pas de reçus fiscaux" in page
    assert "Émission désactivée" in page
    response = client.post(
        reverse("funding:tax_receipt_issue"), {"donor": org_donor.pk, "year": "2026"}
    )
    assert response.status_code == 302
    assert not TaxReceipt.objects.exists()
    assert "émet pas de reçus fiscaux" in text(client.get(response["Location"]))


def test_admin_turns_receipts_on_issues_and_cancels(login, network_admin, org_donor, site):
    DonationLotFactory(site=site, donor=org_donor, received_on=datetime.date(2026, 4, 2))
    client = login(network_admin)
    response = client.post(
        reverse("funding:tax_receipt_settings"),
        {
            "issues_tax_receipts": "on",
            "legal_name": "Réseau solidaire",
            "siren": "123 456 789",
            "rna": "w672001234",
            "address": "1 rue de la Paix",
            "postal_code": "67000",
            "city": "Strasbourg",
            "object": "Inclusion numérique",
            "quality": "general_interest",
            "signatory_name": "Camille Martin",
            "signatory_title": "Présidente",
        },
    )
    assert response.status_code == 302
    page = text(client.get(reverse("funding:tax_receipt_list")))
    assert "Émettre le reçu" in page
    response = client.post(
        reverse("funding:tax_receipt_issue"), {"donor": org_donor.pk, "year": "2026"}
    )
    receipt = TaxReceipt.objects.get()
    assert response["Location"] == reverse("funding:tax_receipt_detail", kwargs={"pk": receipt.pk})
    assert receipt.organisme_ids == "SIREN 123456789 · RNA W672001234"
    detail = text(client.get(response["Location"]))
    assert "2026-00001" in detail and "Annuler ce reçu" in detail
    response = client.post(
        reverse("funding:tax_receipt_cancel", kwargs={"pk": receipt.pk}),
        {"reason": "Valeur erronée"},
    )
    assert response.status_code == 302
    receipt.refresh_from_db()
    assert receipt.status == TaxReceiptStatus.CANCELLED
    assert "Annulé le 15 novembre 2026 : Valeur erronée" in text(client.get(response["Location"]))
    # The freed lot waits for a new receipt again.
    assert "Émettre le reçu" in text(client.get(reverse("funding:tax_receipt_list")))


def test_settings_refuse_to_turn_on_without_the_mentions(login, network_admin):
    response = login(network_admin).post(
        reverse("funding:tax_receipt_settings"),
        {"issues_tax_receipts": "on", "quality": "general_interest"},
    )
    assert response.status_code == 200
    assert "Pour émettre des reçus fiscaux, indiquez" in text(response)


# --- queries ---------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 30])
def test_lot_list_runs_constant_queries(
    login, network_admin, site, person_donor, dotation, count, django_assert_max_num_queries
):
    for _ in range(count):
        DonationLotFactory(site=site, donor=person_donor, dotation=dotation)
    client = login(network_admin)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("funding:lot_list"))
    assert response.status_code == 200
    assert ("Page 1 sur 2" in text(response)) == (count > 25)


@pytest.mark.parametrize("count", [1, 30])
def test_donor_list_runs_constant_queries(
    login, network_admin, network, count, django_assert_max_num_queries
):
    for _ in range(count):
        DonorFactory(network=network)
    client = login(network_admin)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("funding:donor_list")).status_code == 200


@pytest.mark.parametrize("count", [1, 30])
def test_convention_list_and_detail_run_constant_queries(
    login, network_admin, network, site, count, django_assert_max_num_queries
):
    funder = FunderFactory(network=network)
    conventions = [ConventionFactory(funder=funder, sites=[site]) for _ in range(count)]
    for _ in range(count):
        DotationFactory(convention=conventions[0])
    client = login(network_admin)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("funding:convention_list")).status_code == 200
    with django_assert_max_num_queries(14):
        page = client.get(reverse("funding:convention_detail", kwargs={"pk": conventions[0].pk}))
    assert page.status_code == 200


@pytest.mark.parametrize("count", [1, 30])
def test_receipt_list_runs_constant_queries(
    login, network_admin, network, site, count, django_assert_max_num_queries
):
    for _ in range(count):
        donor = DonorFactory(network=network)
        TaxReceiptFactory(network=network, donor=donor)
        DonationLotFactory(site=site, donor=donor)
    client = login(network_admin)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("funding:tax_receipt_list")).status_code == 200


def test_gifts_without_a_receipt_are_listed_25_at_a_time(login, network_admin, network, site):
    donors = [DonorFactory(network=network, name=f"Donateur {index:02d}") for index in range(27)]
    for donor in donors:
        DonationLotFactory(site=site, donor=donor, received_on=datetime.date(2026, 3, 2))
    client = login(network_admin)
    first = text(client.get(reverse("funding:tax_receipt_list")))
    second = text(client.get(reverse("funding:tax_receipt_list"), {"a_emettre": 2}))
    assert "Donateur 00" in first and "Donateur 26" not in first
    assert "Donateur 26" in second and "Donateur 00" not in second
    assert "Page 2 sur 2" in second


def test_a_closed_site_is_not_offered_for_a_lot(login, network_admin, network):
    closed = SiteFactory(network=network, is_active=False, name="Espace fermé X")
    page = text(login(network_admin).get(reverse("funding:lot_create")))
    assert closed.name not in page


def test_the_journal_reads_funding_actions_in_french(
    login, network_admin, receipt_settings, person_donor, site
):
    from tisser.funding import tax_receipts

    DonationLotFactory(site=site, donor=person_donor, received_on=datetime.date(2026, 5, 4))
    receipt = tax_receipts.tax_receipt_issue(actor=network_admin, donor=person_donor, year=2026)
    page = text(login(network_admin).get(reverse("workspace:journal")))
    assert "Reçu fiscal émis" in page
    assert f'href="{reverse("funding:tax_receipt_detail", kwargs={"pk": receipt.pk})}"' in page
    assert "Reçu fiscal n° 2026-00001" in page


def test_a_donor_edit_keeps_a_name(login, network_admin, person_donor):
    response = login(network_admin).post(
        reverse("funding:donor_edit", kwargs={"pk": person_donor.pk}), {"name": " ", "city": "Metz"}
    )
    assert "Indiquez le nom tel qu&#x27;il figurera sur le reçu fiscal." in text(response)
    person_donor.refresh_from_db()
    assert person_donor.city == "Strasbourg"
