"""Issue 11's counter in a real browser: a mediator sells a grade-A laptop and a 5 € recharge
to a person, pays in cash with change, opens the receipt PDF; a second laptop for the same
household is refused with the quota's reason in French. axe-core: no serious or critical
violation on each counter page visited."""

import io
from decimal import Decimal

import pytest
from allauth.mfa.models import Authenticator
from pypdf import PdfReader

from tests.accounts.factories import MembershipFactory, NetworkFactory, SiteFactory
from tests.e2e.test_acceptance import current_totp, sign_in
from tests.offers.factories import OfferFactory
from tests.offers.stock_helpers import receive_devices, receive_vouchers
from tests.sales.conftest import demo_rules
from tests.sales.counter_helpers import person_with_right
from tisser.accounts.enums import Role
from tisser.beneficiaries import services as files
from tisser.funding.enums import OfferFamily
from tisser.offers.enums import Grade, Tracking
from tisser.sales.enums import SaleStatus
from tisser.sales.models import Sale

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TOTP_SECRET = "JBSWY3DPEHPK3PXP"
PASSWORD = "un mot de passe de test assez long"


def _member(organisation, role):
    member = MembershipFactory(organisation=organisation, role=role)
    member.user.set_password(PASSWORD)
    member.user.save()
    Authenticator.objects.create(
        user=member.user, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET}
    )
    return member


@pytest.fixture
def counter_world():
    network = NetworkFactory(name="Réseau comptoir e2e")
    site = SiteFactory(network=network, name="Espace Gare", short_code="GAR")
    laptop = OfferFactory(network=network, name="Ordinateur portable solidaire")
    recharge = OfferFactory(
        network=network,
        family=OfferFamily.RECHARGE,
        tracking=Tracking.VOUCHER,
        name="Recharge 5 €",
        solidarity_price=Decimal("2.00"),
        market_price=Decimal("5.00"),
        face_value=Decimal("5.00"),
        allowed_grades=[],
    )
    demo_rules(network)
    mediator = _member(site, Role.MEDIATOR)
    receive_devices(site, laptop, 1, grade=Grade.B)
    grade_a = receive_devices(site, laptop, 2, grade=Grade.A)
    receive_vouchers(site, recharge, 2)
    person = person_with_right(site, first_name="Awa", last_name="Diallo")
    partner_at_home = person_with_right(site, first_name="Moussa", last_name="Diallo")
    files.household_link(actor=mediator, beneficiary=person, other=partner_at_home)
    return {
        "site": site,
        "laptop": laptop,
        "recharge": recharge,
        "mediator": mediator,
        "person": person,
        "partner": partner_at_home,
        "grade_a": grade_a,
    }


def _signed_in(new_page, member, **size):
    page = new_page(**size)
    sign_in(page, member.user.email, PASSWORD)
    page.wait_for_url("**/compte/2fa/authenticate/")
    page.locator("#id_code").fill(current_totp(TOTP_SECRET))
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url("**/espace-pro/")
    return page


def _checked(page, assert_accessible):
    assert_accessible(page)
    assert not page.watcher.problems, page.watcher.problems


def _open_counter_of(page, name, assert_accessible):
    page.get_by_role("link", name="Comptoir", exact=True).first.click()
    page.wait_for_url("**/comptoir/")
    _checked(page, assert_accessible)
    page.get_by_label("Nom, téléphone ou numéro de dossier").fill(name)
    page.get_by_role("button", name="Chercher la personne").click()
    page.get_by_role("link", name=name).click()
    page.wait_for_url("**/comptoir/personne/*/")
    _checked(page, assert_accessible)


def test_a_mediator_sells_a_laptop_and_a_recharge_then_the_household_is_refused_a_second(
    new_page, counter_world, assert_accessible
):
    world = counter_world
    laptop, recharge = world["laptop"], world["recharge"]
    page = _signed_in(new_page, world["mediator"], width=390, height=844)
    _open_counter_of(page, "Awa Diallo", assert_accessible)
    # What remains of the quotas, the offers with their prices.
    body = page.locator("main").inner_text()
    assert "Un ordinateur portable par foyer tous les 3 ans" in body
    assert "Ordinateur portable solidaire" in body and "Recharge 5 €" in body

    page.locator(f"#id_o{laptop.pk}-grade").select_option("A")
    page.get_by_role("button", name="Ajouter au panier : Ordinateur portable solidaire").click()
    page.get_by_text("Ajouté au panier").wait_for()
    page.locator(f"#id_o{recharge.pk}-quantity").fill("1")
    page.get_by_role("button", name="Ajouter au panier : Recharge 5 €").click()
    page.get_by_text("Ajouté au panier : Recharge 5 €").wait_for()
    _checked(page, assert_accessible)

    page.get_by_role("link", name="Confirmer le panier").click()
    page.wait_for_url("**/confirmer/")
    _checked(page, assert_accessible)
    page.get_by_role("button", name="Confirmer et réserver le stock").click()
    page.wait_for_url("**/payer/")
    _checked(page, assert_accessible)
    page.get_by_label("Espèces gardées (€)").fill("152")
    page.get_by_label("Espèces remises par la personne (€)").fill("160")
    page.get_by_role("button", name="Encaisser et émettre le ticket").click()
    page.get_by_text("Monnaie à rendre : 8,00 €").wait_for()
    _checked(page, assert_accessible)

    sale = Sale.objects.get(beneficiary=world["person"])
    assert sale.status == SaleStatus.PAID
    assert sale.lines.get(offer=laptop).device in world["grade_a"]
    link = page.get_by_role("link", name="Ouvrir le ticket (PDF)")
    response = page.request.get(link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert sale.receipt_number in text and sale.receipt_number.startswith("GAR-")
    assert "TVA non applicable, art. 293 B du CGI" in text

    # The other member of the household: the laptop rule counts the household.
    _open_counter_of(page, "Moussa Diallo", assert_accessible)
    page.get_by_role("button", name="Ajouter au panier : Ordinateur portable solidaire").click()
    page.get_by_text("Ajouté au panier").wait_for()
    page.get_by_role("link", name="Confirmer le panier").click()
    page.wait_for_url("**/confirmer/")
    assert "Ce panier dépasse un quota" in page.locator("main").inner_text()
    page.get_by_role("button", name="Confirmer et réserver le stock").click()
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert "Un ordinateur portable par foyer tous les 3 ans : déjà acheté le" in (
        summary.inner_text()
    )
    assert "par un membre du foyer" in summary.inner_text()
    _checked(page, assert_accessible)
    assert not Sale.objects.filter(beneficiary=world["partner"], status=SaleStatus.CONFIRMED)
