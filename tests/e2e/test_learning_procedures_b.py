"""Three simulations of real procedures on a 360×740 touch phone, done by taps: applying
to a job offer with the right CV, downloading an attestation and finding it in the phone's
files, joining a video call. The « Entraînement » banner, axe and the phone's width are
checked on each screen and on the feedback."""

import re

import pytest

from tests.e2e.test_learning_simulation import feedback, open_step, screen, tap
from tests.e2e.test_printouts_and_phone_lists import assert_fits_the_phone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def outcome(progress, step_key):
    from tisser.learning.models import StepResult

    return StepResult.objects.get(progress=progress, step_id=step_key).outcome


def test_a_learner_applies_to_a_job_offer_with_the_right_cv(
    browser, live_server, site, assert_accessible
):
    from tisser.exercises.models import Answer
    from tisser.learning.enums import StepOutcome

    card, progress, context, page, problems = open_step(
        browser, live_server, site, "offre-emploi-postuler", "postuler-site"
    )
    screen(page, "Mon profil de recherche", assert_accessible)
    page.get_by_label("Métier recherché").fill("cuisinier")
    page.get_by_label("Ville").fill("Nantes")
    page.get_by_label("Jusqu'où pouvez-vous aller ?").fill("10")
    tap(page, "Voir les offres")
    screen(page, "Offres pour vous", assert_accessible)
    tap(page, "Cuisinier à domicile — 3 000 € par mois")
    screen(page, "Cuisinier à domicile — Recrutement Express", assert_accessible)
    tap(page, "Retour aux offres")
    screen(page, "Offres pour vous", assert_accessible)
    tap(page, "Aide-cuisinier — Le Bon Goût, Nantes")
    screen(page, "Aide-cuisinier — Le Bon Goût", assert_accessible)
    tap(page, "Postuler")
    screen(page, "Ma candidature", assert_accessible)
    page.get_by_role("textbox", name="Votre message au recruteur").fill(
        "Bonjour, je suis motivé et disponible."
    )
    tap(page, "Ajouter mon CV")
    screen(page, "Choisir un fichier", assert_accessible)
    tap(page, "ancien-cv-moussa.pdf")  # the wrong file, then « Changer de fichier »
    screen(page, "Vérifier et envoyer", assert_accessible)
    assert "ancien-cv-moussa.pdf" in page.locator(".sim-frame").inner_text()
    tap(page, "Changer de fichier")
    screen(page, "Choisir un fichier", assert_accessible)
    tap(page, "cv-moussa-camara.pdf")
    screen(page, "Vérifier et envoyer", assert_accessible)
    tap(page, "Envoyer ma candidature")
    assert "partie avec le bon CV" in feedback(page, assert_accessible)
    assert page.get_by_role("heading", name="Candidature envoyée").is_visible()
    assert page.get_by_role("link", name=re.compile("^Suivant")).is_visible()

    answer = Answer.objects.get(beneficiary=card.beneficiary)
    assert answer.correct
    assert answer.response["fields"]["message"] == "Bonjour, je suis motivé et disponible."
    assert outcome(progress, "postuler-site") == StepOutcome.DONE
    assert not problems
    context.close()


def test_a_learner_downloads_an_attestation_and_finds_it_in_the_phone(
    browser, live_server, site, assert_accessible
):
    from tisser.exercises.models import Answer
    from tisser.learning.enums import StepOutcome

    card, progress, context, page, problems = open_step(
        browser, live_server, site, "attestation-telephone", "telecharger"
    )
    # A miss first: the insurance attestation is not the one asked for.
    screen(page, "Caisse santé — Connexion", assert_accessible)
    page.get_by_label("Code reçu par SMS").fill("584 203")
    tap(page, "Se connecter")
    screen(page, "Mon compte", assert_accessible)
    tap(page, "Mes documents")
    screen(page, "Mes documents", assert_accessible)
    tap(page, "Attestation de droits")
    screen(page, "Attestation de droits", assert_accessible)
    tap(page, "Télécharger")
    screen(page, "Téléchargement terminé", assert_accessible)
    tap(page, "Écran d'accueil du téléphone")
    screen(page, "Écran d'accueil du téléphone", assert_accessible)
    tap(page, "Fichiers")
    screen(page, "Fichiers", assert_accessible)
    tap(page, "Photos")
    screen(page, "Photos", assert_accessible)
    tap(page, "Retour aux dossiers")
    tap(page, "Téléchargements")
    screen(page, "Téléchargements", assert_accessible)
    tap(page, "attestation-habitation.pdf")
    screen(page, "attestation-habitation.pdf", assert_accessible)
    tap(page, "J'ai fini")
    said = feedback(page, assert_accessible)
    assert "Il manque" in said and "attestation-droits-mariam-traore.pdf" in said
    page.get_by_role("link", name="Réessayer").tap()

    screen(page, "Caisse santé — Connexion", assert_accessible)
    page.get_by_label("Code reçu par SMS").fill("584203")
    for name in ("Se connecter", "Mes documents", "Attestation de droits", "Télécharger"):
        tap(page, name)
    tap(page, "Écran d'accueil du téléphone")
    tap(page, "Fichiers")
    tap(page, "Téléchargements")
    tap(page, "attestation-droits-mariam-traore.pdf")
    screen(page, "attestation-droits-mariam-traore.pdf", assert_accessible)
    tap(page, "J'ai fini")
    assert "vous l'avez retrouvée" in feedback(page, assert_accessible)

    answers = Answer.objects.filter(beneficiary=card.beneficiary).order_by("answered_at")
    assert [answer.correct for answer in answers] == [False, True]
    assert outcome(progress, "telecharger") == StepOutcome.DONE
    assert not problems
    context.close()


def test_a_learner_joins_a_video_call_and_turns_the_microphone_on(
    browser, live_server, site, assert_accessible
):
    from tisser.exercises.models import Answer
    from tisser.learning.enums import StepOutcome

    card, progress, context, page, problems = open_step(
        browser, live_server, site, "entretien-visio", "rejoindre-appel"
    )
    screen(page, "Boîte de réception", assert_accessible)
    tap(page, "Boulangerie Soleil : Entretien en vidéo à 10 h")
    screen(page, "Entretien en vidéo à 10 h", assert_accessible)
    tap(page, "visio.exemple.fr/soleil-entretien")
    screen(page, "Une fenêtre s'ouvre", assert_accessible)
    tap(page, "Fermer la fenêtre")
    screen(page, "Entretien — Boulangerie Soleil", assert_accessible)
    page.get_by_label("Votre nom").fill("Samira Haddad")
    tap(page, "Continuer")
    screen(page, "Le téléphone demande", assert_accessible)
    tap(page, "Bloquer")
    screen(page, "Micro et caméra bloqués", assert_accessible)
    tap(page, "Autoriser le micro et la caméra")
    screen(page, "Le téléphone demande", assert_accessible)
    tap(page, "Autoriser")
    screen(page, "Prêt à rejoindre ?", assert_accessible)
    tap(page, "Tester le son")
    screen(page, "Test du son", assert_accessible)
    tap(page, "C'est bon")
    screen(page, "Prêt à rejoindre ?", assert_accessible)
    tap(page, "Rejoindre")
    screen(page, "Appel en cours", assert_accessible)
    assert "Activez votre micro" in page.locator(".sim-frame").inner_text()
    tap(page, "Activer le micro")
    page.wait_for_selector("text=Votre micro est activé.")
    assert_accessible(page)
    assert_fits_the_phone(page)
    tap(page, "Quitter l'appel")
    assert "vous voit et vous entend" in feedback(page, assert_accessible)

    answer = Answer.objects.get(beneficiary=card.beneficiary)
    assert answer.correct
    assert answer.response["fields"] == {"nom": "Samira Haddad"}
    assert outcome(progress, "rejoindre-appel") == StepOutcome.DONE
    assert not problems
    context.close()
