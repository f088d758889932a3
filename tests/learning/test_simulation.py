"""The simulation step of a module: played by taps (each a POST), scored by the engine."""

import re

import pytest

from tests.learning.conftest import signed_in_learner
from tisser.exercises.models import Answer
from tisser.learning.enums import StepOutcome
from tisser.learning.models import StepResult

pytestmark = pytest.mark.django_db

STEP = "/etape/webmail/"
FIELDS = {
    "adresse": "lina.martin",
    "mot_de_passe": "un-mot-de-passe-long",
    "destinataire": "conseil@agence.exemple.fr",
    "objet": "Attestation",
    "texte": "Bonjour",
}


def page_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def form_state(page: str) -> dict:
    """What the browser sends back: the hidden inputs and the fields as shown."""
    state = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', page))
    for name, value in re.findall(
        r'<input id="sim-[a-z_]+" name="(champ_[a-z_]+)"[^>]*value="([^"]*)"', page
    ):
        state[name] = value
    for name, value in re.findall(
        r'<textarea id="sim-[a-z_]+" name="(champ_[a-z_]+)"[^>]*>([^<]*)<', page
    ):
        state[name] = value
    state.pop("csrfmiddlewaretoken", None)
    return state


def tap(client, url, page, action, **typed):
    assert f'name="tap" value="{action}"' in page, action
    data = {**form_state(page), "tap": action}
    data.update({f"champ_{name}": value for name, value in typed.items()})
    return page_of(client.post(url, data))


def start(site):
    client, learner = signed_in_learner(site)
    response = client.post("/apprendre/modules/mail-joindre/")
    url = response.url.rsplit("/etape/", 1)[0] + STEP
    return client, learner, url


def play(client, url, *, attach=True, password=FIELDS["mot_de_passe"]):
    page = page_of(client.get(url))
    assert "Entraînement" in page and "Courriel Facile" in page
    page = tap(client, url, page, "aide")
    page = tap(client, url, page, "retour_accueil")
    page = tap(client, url, page, "creer")
    page = tap(client, url, page, "valider", adresse=FIELDS["adresse"], mot_de_passe=password)
    page = tap(client, url, page, "ecrire")
    typed = {k: FIELDS[k] for k in ("destinataire", "objet", "texte")}
    if attach:
        page = tap(client, url, page, "joindre", **typed)
        page = tap(client, url, page, "fichier_attestation")
        assert 'value="conseil@agence.exemple.fr"' in page  # the fields are kept across screens
        typed = {}
    return tap(client, url, page, "envoyer", **typed)


def test_the_right_taps_end_the_step(site):
    client, learner, url = start(site)
    page = play(client, url)
    assert "votre message est parti" in page
    answer = Answer.objects.get(beneficiary=learner)
    assert answer.correct and answer.item_key == "mail-joindre--webmail"
    assert answer.response["actions"][:2] == ["aide", "retour_accueil"]
    assert answer.response["fields"]["destinataire"] == "conseil@agence.exemple.fr"
    assert StepResult.objects.get(step_id="webmail").outcome == StepOutcome.DONE


def test_taps_before_the_end_record_nothing(site):
    client, learner, url = start(site)
    page = page_of(client.get(url))
    tap(client, url, page, "creer")
    assert not Answer.objects.filter(beneficiary=learner).exists()


def test_a_miss_says_what_is_missing_then_three_show_the_steps(site):
    client, _learner, url = start(site)
    page = play(client, url, attach=False, password="123")
    assert "Il manque" in page and "toucher « Joindre un fichier »" in page
    assert "12 signes ou plus" in page  # the simulated site's message for the field
    assert "Un indice" in page and "Réessayer" in page
    play(client, url, attach=False)
    page = play(client, url, attach=False)
    assert "voici les étapes à suivre" in page and "Touchez « Envoyer »." in page
    assert StepResult.objects.get(step_id="webmail").outcome == StepOutcome.SHOWN


def test_the_same_end_tap_sent_twice_counts_once(site):
    client, learner, url = start(site)
    page = page_of(client.get(url))
    for action in ("creer", "valider", "ecrire"):
        page = tap(client, url, page, action)
    data = {**form_state(page), "tap": "envoyer"}
    page_of(client.post(url, data))
    page_of(client.post(url, data))
    assert Answer.objects.filter(beneficiary=learner).count() == 1


def test_a_tap_not_on_the_screen_is_not_recorded(site):
    client, learner, url = start(site)
    page = page_of(client.get(url))
    data = {**form_state(page), "tap": "envoyer"}  # « Envoyer » is not on the home screen
    page = page_of(client.post(url, data))
    assert 'name="done" value=""' in page
    assert not Answer.objects.filter(beneficiary=learner).exists()


def test_another_learner_cannot_play_my_step(site):
    _client, _learner, url = start(site)
    other, _ = signed_in_learner(site)
    assert other.get(url).status_code == 404
