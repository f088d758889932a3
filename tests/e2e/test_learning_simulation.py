"""A simulation step on a 360×740 touch phone: the fictitious webmail of « Joindre un
fichier à un e-mail », done by taps (create the address, write, attach, send), with the
« Entraînement » banner on every screen and axe on each screen and on the feedback."""

import re

import pytest

from tests.e2e.test_exercises import learner_card, phone_context, sign_in_with_code, watch
from tests.e2e.test_printouts_and_phone_lists import assert_fits_the_phone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def screen(page, title, assert_accessible):
    """A screen of the simulation, with the banner, axe and the phone's width (double
    quotes: titles may hold an apostrophe, « Conditions d'utilisation »)."""
    page.wait_for_selector(f'#sim-screen:text-is("{title}")')
    assert page.locator(".sim-banner").is_visible()
    assert "Entraînement" in page.locator(".sim-banner").inner_text()
    assert_accessible(page)
    assert_fits_the_phone(page)


def tap(page, name):
    page.get_by_role("button", name=name, exact=True).tap()


def open_step(browser, live_server, site, module_key, step):
    from tisser.learning import services
    from tisser.learning.content import module

    card = learner_card(site)
    progress = services.module_start(learner=card.beneficiary, module=module(module_key))
    context = phone_context(browser, live_server)
    page = context.new_page()
    problems = watch(page)
    sign_in_with_code(page, card)
    page.goto(f"{live_server.url}/apprendre/modules/suivi/{progress.pk}/etape/{step}/")
    return card, progress, context, page, problems


def feedback(page, assert_accessible) -> str:
    page.wait_for_selector("#apres")
    assert page.locator(".sim-banner").is_visible()
    assert_accessible(page)
    assert_fits_the_phone(page)
    return page.locator("#apres").inner_text()


def test_a_learner_sends_a_mail_with_an_attachment_in_the_webmail_simulation(
    browser, live_server, site, assert_accessible
):
    from tisser.exercises.models import Answer
    from tisser.learning import services
    from tisser.learning.content import module
    from tisser.learning.enums import StepOutcome
    from tisser.learning.models import StepResult

    card = learner_card(site)
    progress = services.module_start(learner=card.beneficiary, module=module("mail-joindre"))
    context = phone_context(browser, live_server)
    page = context.new_page()
    problems = watch(page)
    sign_in_with_code(page, card)
    page.goto(f"{live_server.url}/apprendre/modules/suivi/{progress.pk}/etape/webmail/")

    screen(page, "Bienvenue sur Courriel Facile", assert_accessible)
    tap(page, "Créer une adresse")
    screen(page, "Créer mon adresse", assert_accessible)
    page.get_by_label("Adresse choisie").fill("lina.martin")
    page.get_by_label("Mot de passe").fill("un-mot-de-passe-long")
    tap(page, "Créer mon adresse")
    screen(page, "Boîte de réception", assert_accessible)
    tap(page, "Écrire un message")
    screen(page, "Nouveau message", assert_accessible)
    page.get_by_label("À", exact=True).fill("conseil@agence.exemple.fr")
    page.get_by_label("Objet").fill("Attestation")
    page.get_by_role("textbox", name="Message").fill("Bonjour, voici mon attestation.")
    tap(page, "Joindre un fichier")
    screen(page, "Choisir un fichier", assert_accessible)
    tap(page, "attestation.pdf")
    screen(page, "Nouveau message", assert_accessible)
    assert page.get_by_label("Objet").input_value() == "Attestation"
    tap(page, "Envoyer")
    page.wait_for_selector("#apres")
    assert "votre message est parti avec la pièce jointe" in page.locator("#apres").inner_text()
    assert page.locator(".sim-banner").is_visible()
    assert_accessible(page)
    assert_fits_the_phone(page)
    assert page.get_by_role("link", name=re.compile("^Suivant")).is_visible()

    answer = Answer.objects.get(beneficiary=card.beneficiary)
    assert answer.correct
    assert answer.response["actions"] == [
        "creer", "valider", "ecrire", "joindre", "fichier_attestation", "envoyer",
    ]  # fmt: skip
    assert StepResult.objects.get(progress=progress, step_id="webmail").outcome == (
        StepOutcome.DONE
    )
    assert not problems
    context.close()


def test_a_learner_reports_the_scam_sms_and_mail_on_the_simulated_phone(
    browser, live_server, site, assert_accessible
):
    from tisser.exercises.models import Answer
    from tisser.learning import services
    from tisser.learning.content import module

    card = learner_card(site)
    progress = services.module_start(learner=card.beneficiary, module=module("reperer-arnaque"))
    context = phone_context(browser, live_server)
    page = context.new_page()
    problems = watch(page)
    sign_in_with_code(page, card)
    page.goto(f"{live_server.url}/apprendre/modules/suivi/{progress.pk}/etape/telephone/")

    # A miss first: « J'ai fini » without reporting anything says what is missing.
    screen(page, "Messages (SMS)", assert_accessible)
    tap(page, "Aller aux e-mails")
    tap(page, "J'ai fini")
    page.wait_for_selector("#apres")
    feedback = page.locator("#apres").inner_text()
    assert "Il manque" in feedback and "Un indice" in feedback
    assert page.locator(".sim-banner").is_visible()
    assert_accessible(page)
    assert_fits_the_phone(page)
    page.get_by_role("link", name="Réessayer").tap()

    screen(page, "Messages (SMS)", assert_accessible)
    tap(page, "Colis Express : votre colis est bloqué")
    screen(page, "Colis Express", assert_accessible)
    tap(page, "Signaler comme arnaque")
    screen(page, "SMS signalé", assert_accessible)
    tap(page, "Retour aux SMS")
    tap(page, "Aller aux e-mails")
    screen(page, "Boîte de réception (e-mails)", assert_accessible)
    tap(page, "« CAF » : un remboursement vous attend")
    screen(page, "Un remboursement vous attend", assert_accessible)
    tap(page, "Signaler comme arnaque")
    screen(page, "E-mail signalé", assert_accessible)
    tap(page, "Retour aux e-mails")
    tap(page, "J'ai fini")
    page.wait_for_selector("#apres")
    assert "vous avez repéré les deux arnaques" in page.locator("#apres").inner_text()
    assert_accessible(page)
    assert_fits_the_phone(page)
    answers = Answer.objects.filter(beneficiary=card.beneficiary).order_by("answered_at")
    assert [answer.correct for answer in answers] == [False, True]
    assert not problems
    context.close()
