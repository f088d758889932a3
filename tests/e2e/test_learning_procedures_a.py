"""Two simulations of online procedures on a 360×740 touch phone, done by taps: the account
on « Mes démarches » (form, conditions, the SMS code read on the simulated phone, « Compte
créé ») and the appointment on « Prendre RDV Mairie » (motive, a full day, a slot, contact,
confirmation with its reference), with the « Entraînement » banner, axe and the phone fit
on each screen and on the feedback."""

import re

import pytest

from tests.e2e.test_learning_simulation import feedback, open_step, screen, tap

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_learner_creates_an_account_with_a_strong_password_and_the_sms_code(
    browser, live_server, site, assert_accessible
):
    from tisser.exercises.models import Answer
    from tisser.learning.enums import StepOutcome
    from tisser.learning.models import StepResult

    card, progress, context, page, problems = open_step(
        browser, live_server, site, "compte-service-public", "portail"
    )
    screen(page, "Bienvenue sur Mes démarches", assert_accessible)
    tap(page, "Créer un compte")
    screen(page, "Créer mon compte", assert_accessible)
    page.get_by_label("Adresse e-mail").fill("mariam.traore@exemple.fr")
    page.get_by_label("Mot de passe", exact=True).fill("3Chats-Dansent-Lune!")
    page.get_by_label("Confirmez le mot de passe").fill("3Chats-Dansent-Lune!")
    tap(page, "Continuer")
    screen(page, "Conditions d'utilisation", assert_accessible)
    tap(page, "J'accepte les conditions")
    screen(page, "Confirmez votre compte", assert_accessible)
    tap(page, "Aller voir mes SMS")
    screen(page, "Votre téléphone : les SMS", assert_accessible)
    assert "Votre code : 482 913" in page.locator(".sim-frame").inner_text()
    tap(page, "Revenir sur le site Mes démarches")
    screen(page, "Confirmez votre compte", assert_accessible)
    page.get_by_label("Code reçu par SMS").fill("482913")
    tap(page, "Confirmer")
    screen(page, "Compte créé", assert_accessible)
    tap(page, "Aller à mon espace")
    assert "Compte créé !" in feedback(page, assert_accessible)
    assert page.get_by_role("link", name=re.compile("^Suivant")).is_visible()

    answer = Answer.objects.get(beneficiary=card.beneficiary)
    assert answer.correct
    assert answer.response["actions"] == [
        "creer", "continuer", "accepter", "voir_sms", "retour_site", "confirmer", "mon_espace",
    ]  # fmt: skip
    assert StepResult.objects.get(progress=progress, step_id="portail").outcome == (
        StepOutcome.DONE
    )
    assert not problems
    context.close()


def test_a_learner_books_an_appointment_after_refusing_the_paid_option(
    browser, live_server, site, assert_accessible
):
    from tisser.exercises.models import Answer

    card, _progress, context, page, problems = open_step(
        browser, live_server, site, "rendez-vous-en-ligne", "reserver"
    )

    # A miss first: the paid « priority option » is named under « À ne pas faire ».
    screen(page, "Mairie de Belleville : prendre rendez-vous", assert_accessible)
    tap(page, "Passeport")
    screen(page, "Choisissez un jour", assert_accessible)
    tap(page, "Mercredi 11 juin")
    tap(page, "14 h 30")
    screen(page, "Vos coordonnées", assert_accessible)
    tap(page, "Option prioritaire : 9,90 €")
    screen(page, "Option prioritaire", assert_accessible)
    tap(page, "Fermer cette page")
    tap(page, "Confirmer le rendez-vous")
    tap(page, "J'ai noté ma référence")
    said = feedback(page, assert_accessible)
    assert "À ne pas faire" in said and "un rendez-vous en mairie est gratuit" in said
    assert "À corriger" in said  # the contact fields were left empty
    page.get_by_role("link", name="Réessayer").tap()

    screen(page, "Mairie de Belleville : prendre rendez-vous", assert_accessible)
    tap(page, "Passeport")
    tap(page, "Mardi 10 juin")
    screen(page, "Mardi 10 juin", assert_accessible)
    tap(page, "Retour aux jours")
    tap(page, "Mercredi 11 juin")
    screen(page, "Mercredi 11 juin : choisissez une heure", assert_accessible)
    tap(page, "14 h 30")
    screen(page, "Vos coordonnées", assert_accessible)
    page.get_by_label("Nom et prénom").fill("Awa Koné")
    page.get_by_label("Téléphone portable").fill("06 39 98 35 48")
    page.get_by_label("Adresse e-mail").fill("awa.kone@exemple.fr")
    tap(page, "Confirmer le rendez-vous")
    screen(page, "Rendez-vous confirmé", assert_accessible)
    assert "BV-0611-4817" in page.locator(".sim-frame").inner_text()
    tap(page, "J'ai noté ma référence")
    assert "Rendez-vous pris, sans rien payer" in feedback(page, assert_accessible)

    answers = Answer.objects.filter(beneficiary=card.beneficiary).order_by("answered_at")
    assert [answer.correct for answer in answers] == [False, True]
    assert not problems
    context.close()
