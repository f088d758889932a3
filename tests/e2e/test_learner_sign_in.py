"""Issue 12 in Chromium on a 360×740 touch phone: a learner types the code of their card,
lands on their home page, and signs out; the card's QR link signs in after one tap. axe-core
finds no serious or critical violation on the code page and the learner's home."""

import pytest

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.e2e.screen import page_width
from tests.learners.factories import LearnerCardFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(browser, live_server):
    """A touch phone: its own cookies, touch events, a small screen."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        has_touch=True,
        is_mobile=True,
        locale="fr-FR",
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems = []
    page.on("pageerror", lambda error: problems.append(f"JS error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.problems = problems
    yield page
    context.close()


@pytest.fixture
def card(site):
    person = BeneficiaryFactory(site=site, first_name="Aïcha")
    return LearnerCardFactory(beneficiary=person)


def test_a_learner_types_the_code_lands_home_and_signs_out(phone, card, assert_accessible):
    phone.goto("/apprendre/")
    assert_accessible(phone)
    field = phone.get_by_label("Votre code")
    box = field.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300  # one big field
    enter = phone.get_by_role("button", name="Entrer")
    assert enter.bounding_box()["height"] >= 44

    # A wrong code first: the message says what to do, the field keeps the focus.
    field.tap()
    field.fill("ZZZZ 2222" if card.code != "ZZZZ2222" else "YYYY 3333")
    enter.tap()
    alert = phone.get_by_role("alert")
    assert "Ce code ne marche pas" in alert.inner_text()
    assert phone.evaluate("document.activeElement.id") == "id_code"

    # The right code, typed as printed (two groups, small letters).
    field = phone.get_by_label("Votre code")
    field.fill(f"{card.code[:4].lower()} {card.code[4:].lower()}")
    phone.get_by_role("button", name="Entrer").tap()
    phone.wait_for_url("**/apprendre/accueil/")
    assert phone.get_by_role("heading", level=1).inner_text() == "Bonjour Aïcha !"
    assert_accessible(phone)
    # Everything fits the phone's width.
    assert page_width(phone) <= PHONE["width"]

    exit_link = phone.get_by_role("link", name="Sortir")
    assert exit_link.bounding_box()["height"] >= 44
    exit_link.tap()
    phone.get_by_role("button", name="Oui, sortir").tap()
    phone.wait_for_url("**/apprendre/")
    assert "Vous êtes sorti" in phone.content()
    response = phone.goto("/apprendre/accueil/")
    assert response.status == 404
    assert not phone.problems, phone.problems


def test_the_cards_qr_link_signs_in_after_one_tap(phone, card):
    phone.goto(f"/apprendre/carte/{card.token}/")
    assert "Touchez « Entrer » pour commencer." in phone.content()
    phone.get_by_role("button", name="Entrer").tap()
    phone.wait_for_url("**/apprendre/accueil/")
    assert "Bonjour Aïcha !" in phone.content()
    assert not phone.problems, phone.problems


def test_a_mediator_makes_a_card_and_the_person_types_it_on_their_phone(
    new_page, phone, site, assert_accessible
):
    from allauth.mfa.models import Authenticator

    from tests.accounts.factories import DEFAULT_PASSWORD, MembershipFactory
    from tests.e2e.test_acceptance import current_totp, sign_in
    from tisser.accounts.enums import Role

    secret = "JBSWY3DPEHPK3PXP"
    mediator = MembershipFactory(organisation=site, role=Role.MEDIATOR)
    Authenticator.objects.create(
        user=mediator.user, type=Authenticator.Type.TOTP, data={"secret": secret}
    )
    person = BeneficiaryFactory(site=site, first_name="Moussa", phone="06 11 22 33 44")
    staff = new_page(**PHONE)
    sign_in(staff, mediator.user.email, DEFAULT_PASSWORD)
    staff.wait_for_url("**/compte/2fa/authenticate/")
    staff.locator("#id_code").fill(current_totp(secret))
    staff.get_by_role("button", name="Valider").click()
    staff.wait_for_url("**/espace-pro/")

    staff.goto(f"/espace-pro/dossiers/{person.pk}/")
    staff.get_by_role("link", name="Carte d'accès apprenant").click()
    staff.wait_for_url("**/carte-apprenant/")
    assert_accessible(staff)
    staff.get_by_role("button", name="Faire une carte").click()
    staff.wait_for_url("**/carte-apprenant/montrer/")
    assert_accessible(staff)
    width = page_width(staff)
    assert width <= PHONE["width"], f"the card scrolls sideways: {width} px"
    assert staff.locator("img.learner-card-qr").is_visible()
    code = staff.locator(".learner-card-code").inner_text()
    assert len(code.replace(" ", "")) == 8

    phone.goto("/apprendre/")
    phone.get_by_label("Votre code").fill(code)
    phone.get_by_role("button", name="Entrer").tap()
    phone.wait_for_url("**/apprendre/accueil/")
    assert "Bonjour Moussa !" in phone.content()
    assert not phone.problems, phone.problems
