"""After the sale in a real browser (issue 11, decision 0050): a mediator takes back a laptop
for an exchange and opens a box subscription's page; the site manager closes the day's till
and it balances. axe-core: no serious or critical violation on each page; the closing page
fits a 360 px phone."""

from decimal import Decimal

import pytest
from allauth.mfa.models import Authenticator

from tests.accounts.factories import MembershipFactory
from tests.e2e.test_acceptance import current_totp, sign_in
from tests.e2e.test_printouts_and_phone_lists import PHONE, assert_fits_the_phone
from tests.sales.aftersale_helpers import make_counter
from tests.sales.factories import sell
from tisser.accounts.enums import Role
from tisser.sales.enums import PaymentMethod, ReturnOutcome
from tisser.sales.models import BoxSubscription, CashClosing, SaleReturn

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


def _signed_in(new_page, member, **viewport):
    page = new_page(**viewport)
    sign_in(page, member.user.email, PASSWORD)
    page.wait_for_url("**/compte/2fa/authenticate/")
    page.locator("#id_code").fill(current_totp(TOTP_SECRET))
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url("**/espace-pro/")
    return page


def _checked(page, assert_accessible):
    assert_accessible(page)
    assert not page.watcher.problems, page.watcher.problems


@pytest.fixture
def world():
    counter = make_counter()
    mediator = _member(counter.site, Role.MEDIATOR)
    manager = _member(counter.site, Role.SITE_MANAGER)
    laptop_sale = sell(
        actor=mediator,
        beneficiary=counter.person,
        items=[counter.laptop],
        payments=[(PaymentMethod.CARD, Decimal("150.00"))],
    )
    sell(actor=mediator, beneficiary=counter.person, items=[counter.box])
    return counter, mediator, manager, laptop_sale


def test_an_exchange_a_box_and_the_day_closed(new_page, world, assert_accessible):
    counter, mediator, manager, laptop_sale = world
    page = _signed_in(new_page, mediator)

    # The paid sale's page offers the return; the laptop comes back for an exchange.
    page.goto(laptop_sale.get_absolute_url())
    page.get_by_role("link", name="Retour ou échange").click()
    page.wait_for_url("**/retour/")
    _checked(page, assert_accessible)
    page.get_by_label("Portable reconditionné", exact=False).check()
    page.get_by_label("Échange").check()
    page.get_by_label("SAV (réparation sous garantie)").check()
    page.get_by_label("Motif du retour").fill("L'écran reste noir.")
    page.get_by_role("button", name="Enregistrer le retour").click()
    page.wait_for_url("**/retours/*/")
    assert "un avoir de 150,00" in page.content()
    _checked(page, assert_accessible)
    assert SaleReturn.objects.get().outcome == ReturnOutcome.EXCHANGE

    # The box lent with the second sale: its page and the list.
    subscription = BoxSubscription.objects.get()
    page.get_by_role("link", name="Abonnements box").first.click()
    page.wait_for_url("**/box/")
    _checked(page, assert_accessible)
    page.get_by_role("link", name=counter.person.last_name, exact=False).click()
    page.wait_for_url(f"**/box/{subscription.pk}/")
    assert "Échéances" in page.content()
    _checked(page, assert_accessible)

    # The manager closes the day on a phone: card slips 150 €, no cash; it balances.
    phone = _signed_in(new_page, manager, **PHONE)
    phone.goto("/espace-pro/comptoir/caisse/")
    phone.get_by_role("link", name="Clôturer la caisse — Espace Gare").click()
    phone.wait_for_url("**/cloturer/")
    _checked(phone, assert_accessible)
    assert_fits_the_phone(phone)
    phone.get_by_label("Espèces comptées dans la caisse (€)").fill("0")
    phone.get_by_label("Chèques (€)").fill("0")
    phone.get_by_label("Tickets de carte bancaire (€)").fill("150,00")
    phone.get_by_label("Chèques Pass numérique (€)").fill("0")
    phone.get_by_label("Espèces déposées en banque (€)").fill("0")
    phone.get_by_role("button", name="Clôturer la caisse").click()
    phone.wait_for_url("**/caisse/*/")
    assert "aucun" in phone.content()
    _checked(phone, assert_accessible)
    assert_fits_the_phone(phone)
    closing = CashClosing.objects.get()
    assert closing.discrepancy == 0
    assert closing.expected[PaymentMethod.CARD] == "150.00"


def test_the_after_sale_pages_fit_a_phone(new_page, world, assert_accessible):
    _counter, mediator, _manager, laptop_sale = world
    subscription = BoxSubscription.objects.get()
    page = _signed_in(new_page, mediator, **PHONE)
    for path in (
        f"/espace-pro/comptoir/ventes/{laptop_sale.pk}/retour/",
        "/espace-pro/comptoir/box/",
        f"/espace-pro/comptoir/box/{subscription.pk}/",
        f"/espace-pro/comptoir/box/{subscription.pk}/mensualites/",
        f"/espace-pro/comptoir/box/{subscription.pk}/rendue/",
        "/espace-pro/comptoir/retours/",
        "/espace-pro/comptoir/caisse/",
    ):
        page.goto(path)
        assert_fits_the_phone(page)
        _checked(page, assert_accessible)
