"""The counter pages: roles and scope, the journey from search to paid receipt, bad input
answered in French with nothing changed, the receipt PDF, query counts of the list."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.sales.counter_helpers import cart, person_with_right, sell, stock
from tests.sales.factories import SaleFactory
from tests.sales.helpers import paris
from tisser.core.models import JournalEntry
from tisser.offers import receipts
from tisser.offers.enums import DeviceStatus, Grade
from tisser.offers.validators import luhn_check_digit
from tisser.sales import counter
from tisser.sales.enums import SaleStatus, VatRegime
from tisser.sales.models import CounterSettings, Payment, QuotaConsumption, Sale

pytestmark = pytest.mark.django_db


def _pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


# --- who sees the counter -----------------------------------------------------------------


def test_the_counter_is_for_sellers_of_the_site(client, login, team):
    person = person_with_right(team.site)
    url = reverse("sales:counter_person", kwargs={"beneficiary_id": person.pk})
    login(team.volunteer)
    assert client.get(url).status_code == 403
    login(team.other_manager)
    assert client.get(url).status_code == 404
    login(team.admin)
    assert client.get(url).status_code == 200
    login(team.mediator)
    response = client.get(url)
    assert response.status_code == 200
    assert JournalEntry.objects.filter(
        action="beneficiary.viewed", object_id=str(person.pk)
    ).exists()


def test_another_sites_sale_is_a_404(client, login, team):
    sale = SaleFactory(site=team.other_site)
    login(team.mediator)
    for name in ("sale_detail", "sale_confirm", "sale_pay", "sale_cancel", "sale_receipt_pdf"):
        assert client.get(reverse(f"sales:{name}", kwargs={"pk": sale.pk})).status_code == 404


def test_search_leads_to_the_persons_counter_page(client, login, team):
    person = person_with_right(team.site, first_name="Samia", last_name="Benali")
    login(team.mediator)
    response = client.get(reverse("sales:counter"), {"q": "Benali"})
    assert reverse("sales:counter_person", kwargs={"beneficiary_id": person.pk}) in (
        response.content.decode()
    )


# --- the journey --------------------------------------------------------------------------


def test_a_mediator_sells_a_laptop_and_a_recharge_to_the_paid_receipt(
    client, login, team, offers, rules
):
    CounterSettings.objects.create(
        network=team.site.network, legal_name="Association Tisser Est", siret="12345678901234"
    )
    person = person_with_right(team.site)
    laptop = stock(team.site, offers.laptop, grade=Grade.A)[0]
    stock(team.site, offers.laptop, grade=Grade.B)
    stock(team.site, offers.recharge5, 2)
    login(team.mediator)
    page = reverse("sales:counter_person", kwargs={"beneficiary_id": person.pk})
    response = client.get(page)
    html = response.content.decode()
    assert "Ordinateur portable reconditionné" in html and "Recharge 5 €" in html
    assert "valeur marché 350,00\u00a0€" in html
    assert "Un ordinateur portable par foyer tous les 3 ans" in html
    add = reverse("sales:counter_add", kwargs={"beneficiary_id": person.pk})
    prefix = f"o{offers.laptop.pk}"
    response = client.post(
        add,
        {"offer_id": offers.laptop.pk, f"{prefix}-offer": offers.laptop.pk, f"{prefix}-grade": "A"},
    )
    assert response.status_code == 302
    prefix = f"o{offers.recharge5.pk}"
    client.post(
        add,
        {
            "offer_id": offers.recharge5.pk,
            f"{prefix}-offer": offers.recharge5.pk,
            f"{prefix}-quantity": "1",
        },
    )
    sale = Sale.objects.get(beneficiary=person)
    assert sale.lines.get(offer=offers.laptop).device == laptop
    response = client.post(reverse("sales:sale_confirm", kwargs={"pk": sale.pk}))
    assert response.status_code == 302
    pay = reverse("sales:sale_pay", kwargs={"pk": sale.pk})
    assert "152" in client.get(pay).content.decode()
    response = client.post(pay, {"cash": "52,00", "cash_handed": "60", "card": "100"}, follow=True)
    assert "Monnaie à rendre : 8,00 €" in response.content.decode()
    sale.refresh_from_db()
    assert sale.status == SaleStatus.PAID
    laptop.refresh_from_db()
    assert laptop.status == DeviceStatus.DISTRIBUTED
    response = client.get(reverse("sales:sale_receipt_pdf", kwargs={"pk": sale.pk}))
    text = _pdf_text(response)
    assert sale.receipt_number in text
    assert "TVA non applicable, art. 293 B du CGI" in text
    assert "Association Tisser Est" in text and "12345678901234" in text
    assert laptop.inventory_id in text
    assert "CODE" in text  # the recharge's code, revealed for the receipt
    assert JournalEntry.objects.filter(action="voucher.code_revealed").count() == 1
    assert JournalEntry.objects.filter(action="sale.receipt_printed").count() == 1
    assert "vous économisez" in text


def test_the_receipt_pdf_carries_the_margin_scheme_mention(client, login, team, offers):
    CounterSettings.objects.create(network=team.site.network, vat_regime=VatRegime.MARGIN)
    stock(team.site, offers.sim, 1)
    sale = sell(team.mediator, person_with_right(team.site), offers.sim)
    login(team.manager)
    text = _pdf_text(client.get(reverse("sales:sale_receipt_pdf", kwargs={"pk": sale.pk})))
    assert "Régime particulier – Biens d'occasion" in text


def test_an_unpaid_sale_has_no_receipt(client, login, team, offers):
    stock(team.site, offers.sim, 1)
    sale = cart(team.mediator, person_with_right(team.site), offers.sim)
    login(team.mediator)
    response = client.get(reverse("sales:sale_receipt_pdf", kwargs={"pk": sale.pk}))
    assert response.status_code == 302
    assert response["Location"] == sale.get_absolute_url()


# --- bad input: French message, nothing changed -------------------------------------------


def test_an_unknown_inventory_id_is_a_field_error(client, login, team, offers):
    person = person_with_right(team.site)
    stock(team.site, offers.laptop)
    login(team.mediator)
    prefix = f"o{offers.laptop.pk}"
    response = client.post(
        reverse("sales:counter_add", kwargs={"beneficiary_id": person.pk}),
        {
            "offer_id": offers.laptop.pk,
            f"{prefix}-offer": offers.laptop.pk,
            f"{prefix}-inventory_id": "XXX-PC-99-0001",
        },
    )
    assert response.status_code == 400
    assert "ne porte le numéro XXX-PC-99-0001" in response.content.decode()
    assert not Sale.objects.exists()


@pytest.mark.parametrize("offer_id", ["999999999999999999999999", "abc", ""])
def test_an_absurd_offer_is_refused_in_french(client, login, team, offers, offer_id):
    person = person_with_right(team.site)
    stock(team.site, offers.sim, 1)
    login(team.mediator)
    response = client.post(
        reverse("sales:counter_add", kwargs={"beneficiary_id": person.pk}),
        {"offer_id": offer_id, f"o{offer_id}-offer": offer_id, f"o{offer_id}-quantity": "1"},
    )
    assert response.status_code == 400
    assert "Le formulaire contient des erreurs" in response.content.decode()
    assert not Sale.objects.exists()


def test_a_quota_refusal_at_confirmation_shows_the_rule(client, login, team, offers, rules):
    person = person_with_right(team.site)
    stock(team.site, offers.laptop, 2)
    sell(team.mediator, person, offers.laptop)
    sale = cart(team.mediator, person, offers.laptop)
    login(team.mediator)
    url = reverse("sales:sale_confirm", kwargs={"pk": sale.pk})
    assert "Un ordinateur portable par foyer tous les 3 ans" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 400
    assert "déjà acheté le" in response.content.decode()
    sale.refresh_from_db()
    assert sale.status == SaleStatus.CART
    # A site manager allows it, but only with a reason.
    login(team.manager)
    response = client.post(url, {"override": "on", "reason": "  "})
    assert response.status_code == 400
    assert "Écrivez pourquoi le quota est dépassé" in response.content.decode()
    response = client.post(url, {"override": "on", "reason": "Ordinateur volé, plainte"})
    assert response.status_code == 302
    assert QuotaConsumption.objects.filter(overridden=True).count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"cash": "1,00"}, "Les montants font 1,00 €, le total à payer est 150,00 €."),
        ({}, "Indiquez au moins un montant payé."),
        ({"cash": "douze"}, "Écrivez un montant en euros"),
        ({"cash": "150", "cash_handed": "100"}, "au moins les espèces gardées"),
        ({"cheque": "150"}, "Écrivez le numéro du chèque."),
        ({"third_party": "150"}, "Choisissez l&#x27;organisme qui paie."),
        ({"third_party": "150", "payer": "99999999999999999999999"}, "partenaire de la liste"),
        ({"pass_numerique": "150"}, "Écrivez le numéro de chaque chèque."),
    ],
)
def test_bad_payments_are_answered_in_french_and_change_nothing(
    client, login, team, offers, data, message
):
    stock(team.site, offers.laptop, 1)
    sale = counter.sale_confirm(
        actor=team.mediator, sale=cart(team.mediator, person_with_right(team.site), offers.laptop)
    )
    login(team.mediator)
    response = client.post(reverse("sales:sale_pay", kwargs={"pk": sale.pk}), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    sale.refresh_from_db()
    assert sale.status == SaleStatus.CONFIRMED
    assert not Payment.objects.exists()


def test_cancel_needs_a_reason_then_frees_the_stock(client, login, team, offers):
    laptop = stock(team.site, offers.laptop)[0]
    sale = counter.sale_confirm(
        actor=team.mediator, sale=cart(team.mediator, person_with_right(team.site), laptop)
    )
    login(team.mediator)
    url = reverse("sales:sale_cancel", kwargs={"pk": sale.pk})
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "Écrivez pourquoi la vente est annulée." in response.content.decode()
    assert client.post(url, {"reason": "Change d'avis"}).status_code == 302
    laptop.refresh_from_db()
    assert laptop.status == DeviceStatus.READY_TO_DISTRIBUTE


def test_remove_a_line_from_the_cart(client, login, team, offers):
    stock(team.site, offers.sim, 2)
    sale = cart(team.mediator, person_with_right(team.site), offers.sim)
    login(team.mediator)
    url = reverse("sales:sale_remove_line", kwargs={"pk": sale.pk})
    client.post(url, {"line": "99999999999999999999999"})
    assert sale.lines.count() == 1
    client.post(url, {"line": sale.lines.get().pk})
    assert not sale.lines.exists()


# --- lists and settings ---------------------------------------------------------------------


def test_the_sales_list_keeps_its_queries_constant(
    client, login, team, offers, django_assert_max_num_queries
):
    stock(team.site, offers.sim, 30)
    sell(team.mediator, person_with_right(team.site), offers.sim)
    login(team.mediator)
    url = reverse("sales:sale_list")
    with django_assert_max_num_queries(12) as one:
        assert client.get(url).status_code == 200
    for _index in range(24):
        sell(team.mediator, person_with_right(team.site), offers.sim)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("/comptoir/ventes/") >= 25


def test_the_sales_list_filters_by_day_and_refuses_a_bad_day(client, login, team, offers):
    stock(team.site, offers.sim, 1)
    sale = sell(team.mediator, person_with_right(team.site), offers.sim)
    other = SaleFactory(site=team.other_site)
    login(team.mediator)
    today = timezone.localdate(sale.created_at).isoformat()
    html = client.get(reverse("sales:sale_list"), {"day": today}).content.decode()
    assert sale.receipt_number in html
    assert f"Vente n° {other.pk}<" not in html
    html = client.get(reverse("sales:sale_list"), {"day": "31/02/2026"}).content.decode()
    assert "Choisissez une date" in html
    stock(team.site, offers.sim, 1)
    waiting = counter.sale_confirm(
        actor=team.mediator, sale=cart(team.mediator, person_with_right(team.site), offers.sim)
    )
    html = client.get(reverse("sales:sale_list"), {"status": "confirmed"}).content.decode()
    assert f"Vente n° {waiting.pk}<" in html and sale.receipt_number not in html


def test_counter_settings_for_the_network_admin(client, login, team):
    url = reverse("sales:counter_settings")
    login(team.manager)
    assert client.get(url).status_code == 403
    login(team.admin)
    data = {
        "legal_name": "Association Tisser",
        "siret": "123",
        "address": "1 rue de la Gare, Strasbourg",
        "vat_regime": VatRegime.FRANCHISE,
        "receipt_footer": "",
        "hold_minutes": "30",
        "return_days": "14",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Le SIRET compte 14 chiffres." in response.content.decode()
    assert not CounterSettings.objects.exists()
    response = client.post(url, {**data, "siret": "12345678901234", "hold_minutes": "45"})
    assert response.status_code == 302
    assert CounterSettings.objects.get().hold_minutes == 45


def test_the_pay_page_offers_the_partners_of_the_network(client, login, team, offers, partner):
    stock(team.site, offers.sim, 1)
    sale = counter.sale_confirm(
        actor=team.mediator, sale=cart(team.mediator, person_with_right(team.site), offers.sim)
    )
    login(team.mediator)
    url = reverse("sales:sale_pay", kwargs={"pk": sale.pk})
    assert partner.name in client.get(url).content.decode()
    response = client.post(
        url, {"third_party": "1", "payer": partner.pk, "third_party_reference": "BC1"}
    )
    assert response.status_code == 302
    assert Payment.objects.get().payer_id == partner.pk
    assert Decimal(Payment.objects.get().amount) == Decimal("1.00")


def test_the_counter_page_keeps_its_queries_constant(
    client, login, team, offers, rules, django_assert_max_num_queries
):
    person = person_with_right(team.site)
    stock(team.site, offers.laptop, 1)
    login(team.mediator)
    url = reverse("sales:counter_person", kwargs={"beneficiary_id": person.pk})
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    # Many offers in stock, several grades, a cart of several lines.
    stock(team.site, offers.laptop, 3, grade=Grade.B)
    stock(team.site, offers.laptop, 2, grade=Grade.C)
    for offer in (offers.recharge5, offers.recharge10, offers.sim):
        stock(team.site, offer, 4)
    cart(team.mediator, person, offers.laptop, offers.recharge5, offers.sim)
    with django_assert_max_num_queries(len(few.captured_queries) + 3):
        response = client.get(url)
    html = response.content.decode()
    assert "grade B (3)" in html and "grade C (2)" in html


def test_the_counter_page_says_what_the_person_may_not_buy(client, login, team, offers, rules):
    offers.sim.requires_access_right = False
    offers.sim.save()
    person = BeneficiaryFactory(site=team.site)  # no access right
    stock(team.site, offers.laptop, 2)
    stock(team.site, offers.sim, 2)
    login(team.mediator)
    url = reverse("sales:counter_person", kwargs={"beneficiary_id": person.pk})
    html = client.get(url).content.decode()
    assert "Droit d'accès actif nécessaire" in html
    assert f'name="o{offers.laptop.pk}-grade"' not in html
    assert f'name="o{offers.sim.pk}-quantity"' in html
    # With a right and a laptop already bought by the household: the rule is named.
    buyer = person_with_right(team.site)
    sell(team.mediator, buyer, offers.laptop)
    html = client.get(
        reverse("sales:counter_person", kwargs={"beneficiary_id": buyer.pk})
    ).content.decode()
    assert "Quota atteint" in html
    assert "Un ordinateur portable par foyer tous les 3 ans" in html


def test_a_merged_file_leads_to_the_kept_file(client, login, team):
    kept = person_with_right(team.site)
    duplicate = BeneficiaryFactory(site=team.site)
    type(duplicate).objects.filter(pk=duplicate.pk).update(merged_into=kept)
    login(team.mediator)
    response = client.get(reverse("sales:counter_person", kwargs={"beneficiary_id": duplicate.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "sales:counter_person", kwargs={"beneficiary_id": kept.pk}
    )


def test_the_receipt_prints_a_phones_imei_and_its_warranty_end(
    client, login, team, offers, fake_clock
):
    fake_clock.set(paris(2026, 5, 4, 10))
    body = "35693803564380"
    imei = body + luhn_check_digit(body)
    phone = receipts.devices_receive(
        actor=team.admin,
        site=team.site,
        offer=offers.smartphone,
        items=[
            receipts.DeviceIn(
                row=1, serial_number="SN-PHONE-1", imei=imei, brand="Samsung", grade="A"
            )
        ],
        status=DeviceStatus.READY_TO_DISTRIBUTE,
    ).devices[0]
    sale = sell(team.mediator, person_with_right(team.site), phone)
    login(team.mediator)
    text = _pdf_text(client.get(reverse("sales:sale_receipt_pdf", kwargs={"pk": sale.pk})))
    assert f"IMEI {imei}" in text
    assert phone.inventory_id in text
    assert "Garantie jusqu'au 4 mai 2027" in text
