"""Tax receipts: the setting, issuing with gap-free numbers, cancelling, the PDF's text."""

import datetime
import io
import re
import threading
from decimal import Decimal

import pytest
from django.db import connection
from pypdf import PdfReader

from tests.accounts.factories import MembershipFactory, NetworkFactory
from tests.funding.factories import DonationLotFactory, DonorFactory, TaxReceiptSettingsFactory
from tisser.accounts.enums import Role
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.core.pdf import render_pdf
from tisser.funding import tax_receipts
from tisser.funding.enums import OfferFamily, TaxReceiptStatus, ValuationMethod
from tisser.funding.models import DonationLot, TaxReceipt, TaxReceiptSettings


def lots_of(donor, site, *amounts, year=2026):
    return [
        DonationLotFactory(
            donor=donor,
            site=site,
            received_on=datetime.date(year, 3, 1 + index),
            valuation_amount=Decimal(amount),
        )
        for index, amount in enumerate(amounts)
    ]


def squash(text: str) -> str:
    return re.sub(r"\s", "", text)


def pdf_text(receipt) -> str:
    pdf = render_pdf(
        "funding/pdf/tax_receipt.html", {"document": tax_receipts.build_document(receipt)}
    )
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


# --- settings --------------------------------------------------------------------------


def test_settings_are_created_then_updated_and_journaled(network_admin):
    changed = tax_receipts.settings_update(actor=network_admin, data={"legal_name": "Asso"})
    assert changed == ["legal_name"]
    settings = TaxReceiptSettings.objects.get(network_id=network_admin.organisation_id)
    assert not settings.issues_tax_receipts
    assert JournalEntry.objects.filter(action="tax_receipt_settings.updated").count() == 1


def test_turning_receipts_on_needs_the_mandatory_mentions(network_admin):
    with pytest.raises(DomainError, match=r"le nom de l'organisme.*le nom du signataire"):
        tax_receipts.settings_update(actor=network_admin, data={"issues_tax_receipts": True})
    assert not TaxReceiptSettings.objects.filter(issues_tax_receipts=True).exists()


def test_only_the_admin_changes_the_settings(accountant):
    with pytest.raises(DomainError, match="Votre rôle"):
        tax_receipts.settings_update(actor=accountant, data={"legal_name": "X"})


# --- issuing ---------------------------------------------------------------------------


def test_issue_freezes_amount_donor_organisme_and_links_the_lots(
    network_admin, receipt_settings, org_donor, site
):
    lots = lots_of(org_donor, site, "1500.00", "234.50")
    DonationLotFactory(donor=org_donor, site=site, received_on=datetime.date(2025, 6, 1))
    receipt = tax_receipts.tax_receipt_issue(actor=network_admin, donor=org_donor, year=2026)
    assert receipt.number == "2026-00001" and receipt.sequence == 1
    assert receipt.amount == Decimal("1734.50")
    assert receipt.issued_on == datetime.date(2026, 11, 15)
    assert receipt.articles == "238 bis"
    assert receipt.organisme_name == receipt_settings.legal_name
    assert receipt.signatory == "Camille Martin, Présidente"
    assert receipt.donor_siren == "552100554"
    assert receipt.gifts_period == "du 1er mars 2026 au 2 mars 2026"
    assert "1\u202f500,00\u00a0€" in receipt.gifts_description
    assert {lot.pk for lot in receipt.lots.all()} == {lot.pk for lot in lots}
    entry = JournalEntry.objects.get(action="tax_receipt.issued")
    assert entry.payload["number"] == "2026-00001" and entry.payload["amount"] == "1734.50"
    # Changing the donor or the settings later does not change the receipt.
    org_donor.name = "Autre nom"
    org_donor.save()
    receipt_settings.legal_name = "Autre organisme"
    receipt_settings.save()
    receipt.refresh_from_db()
    assert receipt.donor_name == "Opérateur Télécom SA"
    assert receipt.organisme_name == "Association du réseau de test"


def test_a_person_gets_article_200_and_978_when_eligible(
    network_admin, receipt_settings, person_donor, site
):
    lots_of(person_donor, site, "100.00")
    assert (
        tax_receipts.tax_receipt_issue(actor=network_admin, donor=person_donor, year=2026).articles
        == "200"
    )
    receipt_settings.ifi_eligible = True
    receipt_settings.save()
    lots_of(person_donor, site, "50.00")
    assert (
        tax_receipts.tax_receipt_issue(actor=network_admin, donor=person_donor, year=2026).articles
        == "200, 978"
    )


def test_numbers_follow_each_other_per_year_and_network(
    network_admin, receipt_settings, org_donor, person_donor, site
):
    lots_of(org_donor, site, "10.00")
    lots_of(person_donor, site, "20.00")
    lots_of(person_donor, site, "30.00", year=2025)
    first = tax_receipts.tax_receipt_issue(actor=network_admin, donor=org_donor, year=2026)
    second = tax_receipts.tax_receipt_issue(actor=network_admin, donor=person_donor, year=2026)
    older = tax_receipts.tax_receipt_issue(actor=network_admin, donor=person_donor, year=2025)
    assert [first.number, second.number, older.number] == ["2026-00001", "2026-00002", "2025-00001"]


def test_nothing_to_cover_is_refused(network_admin, receipt_settings, org_donor, site):
    lots_of(org_donor, site, "10.00")
    tax_receipts.tax_receipt_issue(actor=network_admin, donor=org_donor, year=2026)
    with pytest.raises(DomainError, match="n'attend de reçu fiscal"):
        tax_receipts.tax_receipt_issue(actor=network_admin, donor=org_donor, year=2026)
    assert TaxReceipt.objects.count() == 1


def test_no_receipt_when_the_network_does_not_issue_them(network_admin, org_donor, site):
    lots_of(org_donor, site, "10.00")
    with pytest.raises(DomainError, match="n'émet pas de reçus fiscaux"):
        tax_receipts.tax_receipt_issue(actor=network_admin, donor=org_donor, year=2026)
    TaxReceiptSettingsFactory(network=org_donor.network, issues_tax_receipts=False)
    with pytest.raises(DomainError, match="n'émet pas de reçus fiscaux"):
        tax_receipts.tax_receipt_issue(actor=network_admin, donor=org_donor, year=2026)
    assert not TaxReceipt.objects.exists()
    assert not DonationLot.objects.filter(tax_receipt__isnull=False).exists()


def test_incomplete_settings_refuse_to_issue(network_admin, org_donor, site):
    TaxReceiptSettingsFactory(network=org_donor.network, signatory_name="")
    lots_of(org_donor, site, "10.00")
    with pytest.raises(DomainError, match="nom du signataire"):
        tax_receipts.tax_receipt_issue(actor=network_admin, donor=org_donor, year=2026)


@pytest.mark.parametrize("role", [Role.ACCOUNTANT])
def test_the_accountant_reads_but_does_not_issue(network, receipt_settings, org_donor, site, role):
    lots_of(org_donor, site, "10.00")
    reader = MembershipFactory(organisation=network, role=role)
    with pytest.raises(DomainError, match="Votre rôle"):
        tax_receipts.tax_receipt_issue(actor=reader, donor=org_donor, year=2026)


def test_another_networks_donor_is_refused(network_admin, receipt_settings, site):
    stranger = DonorFactory(network=NetworkFactory(name="Autre"))
    with pytest.raises(DomainError, match="pas dans votre réseau"):
        tax_receipts.tax_receipt_issue(actor=network_admin, donor=stranger, year=2026)


# --- cancelling ------------------------------------------------------------------------


def test_cancel_keeps_the_number_and_frees_the_lots(
    network_admin, receipt_settings, org_donor, site
):
    lots = lots_of(org_donor, site, "10.00", "5.00")
    receipt = tax_receipts.tax_receipt_issue(actor=network_admin, donor=org_donor, year=2026)
    tax_receipts.tax_receipt_cancel(
        actor=network_admin, receipt=receipt, reason="Erreur sur la valeur"
    )
    receipt.refresh_from_db()
    assert receipt.status == TaxReceiptStatus.CANCELLED
    assert receipt.cancelled_reason == "Erreur sur la valeur"
    assert receipt.cancelled_on == datetime.date(2026, 11, 15)
    assert receipt.number == "2026-00001"
    assert not DonationLot.objects.filter(tax_receipt__isnull=False).exists()
    entry = JournalEntry.objects.get(action="tax_receipt.cancelled")
    assert entry.reason == "Erreur sur la valeur"
    assert sorted(entry.payload["lot_ids"]) == sorted(lot.pk for lot in lots)
    # A new receipt for the freed lots takes the next number: no gap, no reuse.
    again = tax_receipts.tax_receipt_issue(actor=network_admin, donor=org_donor, year=2026)
    assert again.number == "2026-00002" and again.amount == Decimal("15.00")
    with pytest.raises(DomainError, match="déjà annulé"):
        tax_receipts.tax_receipt_cancel(
            actor=network_admin, receipt=receipt, reason="Encore une fois"
        )


def test_cancel_needs_a_reason(network_admin, receipt_settings, org_donor, site):
    lots_of(org_donor, site, "10.00")
    receipt = tax_receipts.tax_receipt_issue(actor=network_admin, donor=org_donor, year=2026)
    with pytest.raises(DomainError, match="motif"):
        tax_receipts.tax_receipt_cancel(actor=network_admin, receipt=receipt, reason="  ")
    receipt.refresh_from_db()
    assert receipt.status == TaxReceiptStatus.ISSUED


# --- the document ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "amount, words",
    [
        ("1734.50", "mille sept cent trente-quatre euros et cinquante centimes"),
        ("80.00", "quatre-vingts euros"),
        ("81.00", "quatre-vingt-un euros"),
        ("200.00", "deux cents euros"),
        ("71.01", "soixante et onze euros et un centime"),
        ("4000000.00", "quatre millions d'euros"),
        ("280000.00", "deux cent quatre-vingt mille euros"),
        ("0.50", "cinquante centimes"),
        ("1.00", "un euro"),
    ],
)
def test_amount_in_words(amount, words):
    assert tax_receipts.euros_in_words(Decimal(amount)) == words


def test_the_pdf_carries_the_legal_mentions(network_admin, receipt_settings, org_donor, site):
    DonationLotFactory(
        donor=org_donor,
        site=site,
        received_on=datetime.date(2026, 3, 12),
        family=OfferFamily.LAPTOP,
        quantity=12,
        valuation_method=ValuationMethod.COST_PRICE,
        valuation_amount=Decimal("12345.60"),
    )
    receipt = tax_receipts.tax_receipt_issue(actor=network_admin, donor=org_donor, year=2026)
    text = " ".join(pdf_text(receipt).split())
    for mention in (
        "Reçu au titre des dons à certains organismes d'intérêt général",
        "Numéro d'ordre du reçu : 2026-00001",
        "Association du réseau de test",
        "SIREN 123456789",
        "Inclusion numérique des personnes éloignées du numérique",
        "Association ou fondation d'intérêt général",
        "Opérateur Télécom SA",
        "SIREN 552100554",
        "12 345,60 €",
        "douze mille trois cent quarante-cinq euros et soixante centimes",
        "don en nature",
        "Coût de revient pour le donateur",
        "238 bis du CGI",
        "Fait à Strasbourg, le 15 novembre 2026",
        "Camille Martin, Présidente",
        "12 mars 2026",
    ):
        # pypdf splits words at kerning ("T élécom"): compare without any space.
        assert squash(mention) in squash(text), mention
    assert squash("☒ 200 du CGI") not in squash(text) and "ANNULÉ" not in text


def test_a_cancelled_receipt_prints_as_cancelled(
    network_admin, receipt_settings, person_donor, site
):
    lots_of(person_donor, site, "99.00")
    receipt = tax_receipts.tax_receipt_issue(actor=network_admin, donor=person_donor, year=2026)
    tax_receipts.tax_receipt_cancel(actor=network_admin, receipt=receipt, reason="Doublon saisi")
    receipt.refresh_from_db()
    text = squash(pdf_text(receipt))
    assert squash("REÇU ANNULÉ le 15 novembre 2026 : Doublon saisi") in text
    assert squash("☒ 200 du CGI") in text


# --- concurrency (PostgreSQL) ----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_admins_issuing_at_once_get_consecutive_numbers(network, site):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL")
    TaxReceiptSettingsFactory(network=network)
    admins = [MembershipFactory(organisation=network, role=Role.NETWORK_ADMIN) for _ in range(2)]
    donors = [DonorFactory(network=network) for _ in range(6)]
    for donor in donors:
        DonationLotFactory(donor=donor, site=site, received_on=datetime.date(2026, 2, 1))
    barrier = threading.Barrier(2)
    errors = []

    def issue(admin, mine):
        try:
            barrier.wait()
            for donor in mine:
                tax_receipts.tax_receipt_issue(actor=admin, donor=donor, year=2026)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=issue, args=(admins[0], donors[0::2])),
        threading.Thread(target=issue, args=(admins[1], donors[1::2])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    sequences = sorted(
        TaxReceipt.objects.filter(network=network).values_list("sequence", flat=True)
    )
    assert sequences == [1, 2, 3, 4, 5, 6]
