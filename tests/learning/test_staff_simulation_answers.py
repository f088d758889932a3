"""What the team sees of a learner's simulation on the person's modules page (decision 0053,
« Acceptance in the browser »): the step named by its instruction, and, for the last missed
try, what was missing, what should not have been done and what to correct, in the simulated
service's words — never the action ids nor the raw answer."""

import html

import pytest
from django.urls import reverse

from tests.learning.test_simulation import FIELDS, page_of, start, tap
from tisser.learning.enums import StepOutcome
from tisser.learning.models import StepResult

pytestmark = pytest.mark.django_db

INSTRUCTION = "Créez l'adresse lina.martin sur Courriel Facile."


def miss(client, url, *, photo):
    """A try that creates the address with a short password, writes without the right
    file (the holiday photo, or nothing) and sends."""
    page = page_of(client.get(url))
    page = tap(client, url, page, "creer")
    page = tap(client, url, page, "valider", adresse="lina.martin", mot_de_passe="123")
    page = tap(client, url, page, "ecrire")
    typed = {k: FIELDS[k] for k in ("destinataire", "objet", "texte")}
    if photo:
        page = tap(client, url, page, "joindre", **typed)
        page = tap(client, url, page, "fichier_photo")
        typed = {}
    return tap(client, url, page, "envoyer", **typed)


def person_page(client, login, mediator, learner) -> str:
    login(mediator)
    page = page_of(client.get(reverse("modules:person", kwargs={"pk": learner.pk})))
    return html.unescape(page.split("Son suivi", 1)[1].split("Donner des modules", 1)[0])


def test_a_missed_simulation_says_in_words_what_went_wrong(client, login, mediator, site):
    learner_client, learner, url = start(site)
    miss(learner_client, url, photo=False)
    miss(learner_client, url, photo=False)
    miss(learner_client, url, photo=True)  # the third miss: the steps are shown
    assert StepResult.objects.get(step_id="webmail").outcome == StepOutcome.SHOWN

    follow = person_page(client, login, mediator, learner)
    assert INSTRUCTION in follow and "réponse montrée" in follow
    # The last missed try: the file chosen was the photo, so the attestation is missing.
    assert "il manquait : choisir le fichier attestation.pdf" in follow
    assert "fait à tort : joindre la photo de vacances" in follow
    assert "à corriger : Le mot de passe doit avoir 12 signes ou plus." in follow
    assert "toucher « Joindre un fichier »" not in follow  # it was done in the last try
    for raw in ("webmail", "fichier_photo", "fichier_attestation", "mot_de_passe", '"actions":'):
        assert raw not in follow, raw


def test_a_simulation_done_after_a_miss_says_the_missed_try(client, login, mediator, site):
    learner_client, learner, url = start(site)
    miss(learner_client, url, photo=False)
    page = page_of(learner_client.get(url))
    for action, typed in (
        ("creer", {}),
        ("valider", {"adresse": "lina.martin", "mot_de_passe": FIELDS["mot_de_passe"]}),
        ("ecrire", {}),
        ("joindre", {k: FIELDS[k] for k in ("destinataire", "objet", "texte")}),
        ("fichier_attestation", {}),
        ("envoyer", {}),
    ):
        page = tap(learner_client, url, page, action, **typed)
    assert StepResult.objects.get(step_id="webmail").outcome == StepOutcome.DONE

    follow = person_page(client, login, mediator, learner)
    assert INSTRUCTION in follow and "1 essai manqué" in follow
    assert "il manquait : toucher « Joindre un fichier » ; choisir le fichier attestation.pdf" in (
        follow
    )
    assert "fait à tort" not in follow
