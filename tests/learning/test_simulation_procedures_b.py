"""Three simulations of real procedures, played by taps (each a POST): applying to a job
offer with the right CV (« Chercher une offre d'emploi et postuler »), downloading an
attestation and finding it in the phone's files (« Télécharger une attestation… »), and
joining a video call (« Passer un entretien en visio »)."""

from html import unescape

import pytest

from tests.learning.conftest import signed_in_learner
from tests.learning.test_simulation import page_of, tap
from tisser.exercises.models import Answer
from tisser.exercises.scoring import field_ok, score_simulation, simulation_elements
from tisser.learning.content import module
from tisser.learning.enums import StepOutcome
from tisser.learning.models import StepResult

pytestmark = pytest.mark.django_db

JOB = ("offre-emploi-postuler", "postuler-site")
ATTESTATION = ("attestation-telephone", "telecharger")
VISIO = ("entretien-visio", "rejoindre-appel")


def start(site, which):
    module_key, step_key = which
    client, learner = signed_in_learner(site)
    response = client.post(f"/apprendre/modules/{module_key}/")
    return client, learner, response.url.rsplit("/etape/", 1)[0] + f"/etape/{step_key}/"


def taps(client, url, page, *actions, **typed):
    """Tap each action in turn; what is typed goes with the first tap."""
    for action in actions:
        page = tap(client, url, page, action, **typed)
        typed = {}
    return page


def said(page: str) -> str:
    return unescape(page)


def the_answer(learner):
    return Answer.objects.get(beneficiary=learner)


def ended(step_key):
    return StepResult.objects.get(step_id=step_key).outcome


# --- the job application ------------------------------------------------------------------

PROFILE = {"metier": "cuisinier", "ville": "Nantes", "distance": "10 km"}
MESSAGE = "Bonjour, je suis motivé et disponible tout de suite."


def apply(client, url, *, profile=PROFILE, files=("fichier_cv",), send="envoyer", before=()):
    page = page_of(client.get(url))
    assert "Entraînement" in page and "emploi.exemple.fr (site d&#x27;exercice)" in page
    page = taps(client, url, page, "voir_offres", **profile)
    page = taps(client, url, page, *before)
    page = taps(client, url, page, "ouvrir_bon_gout", "postuler")
    page = taps(client, url, page, "ajouter_cv", message=MESSAGE)
    page = taps(client, url, page, files[0])
    for other in files[1:]:  # « Changer de fichier », then another one
        page = taps(client, url, page, next(a for a in CHANGE if f'value="{a}"' in page), other)
    return taps(client, url, page, send)


CHANGE = ("changer_cv", "changer_photo", "changer_ancien")


def test_the_job_application_done_right_with_detours(site):
    client, learner, url = start(site, JOB)
    # Look at another offer first, pick the photo by mistake, then change it for the CV.
    page = apply(
        client,
        url,
        before=("ouvrir_hotel", "retour_offres_hotel"),
        files=("fichier_photo", "fichier_cv"),
    )
    assert "votre candidature est partie avec le bon CV" in page
    # The site's own answer to « Envoyer », above the feedback.
    assert "Candidature envoyée" in page and "Le recruteur va la lire." in page
    answer = the_answer(learner)
    assert answer.correct and answer.item_key == "offre-emploi-postuler--postuler-site"
    assert answer.response["fields"]["message"] == MESSAGE
    assert ended("postuler-site") == StepOutcome.DONE


def test_a_wrong_town_shows_the_site_message(site):
    client, learner, url = start(site, JOB)
    page = apply(client, url, profile={**PROFILE, "ville": "Nante"})
    assert "À corriger" in page and "Nous ne trouvons pas cette ville" in page
    assert "Un indice" in page and "Réessayer" in page
    assert not the_answer(learner).correct
    assert not StepResult.objects.filter(step_id="postuler-site").exists()


def test_paying_fees_for_an_offer_is_named(site):
    client, learner, url = start(site, JOB)
    page = apply(client, url, before=("ouvrir_frais", "payer_frais", "fermer_paiement"))
    assert "À ne pas faire" in page and "payer des frais pour postuler à une offre" in page
    assert "Il manque" not in page
    assert not the_answer(learner).correct


@pytest.mark.parametrize(
    ("chosen", "send"), [("fichier_ancien", "envoyer_ancien"), ("fichier_photo", "envoyer_photo")]
)
def test_sending_another_file_says_the_cv_is_missing(site, chosen, send):
    client, learner, url = start(site, JOB)
    page = said(apply(client, url, files=(chosen,), send=send))
    assert "Il manque" in page and "choisir le fichier cv-moussa-camara.pdf" in page
    assert "Candidature envoyée" in page  # the site took it; the feedback says what is wrong
    assert not the_answer(learner).correct


def test_the_cv_then_another_file_is_not_the_cv(site):
    """The last file chosen is the one sent: choosing the CV first does not count."""
    client, learner, url = start(site, JOB)
    page = said(apply(client, url, files=("fichier_cv", "fichier_ancien"), send="envoyer_ancien"))
    assert "envoyer la candidature avec cv-moussa-camara.pdf" in page
    assert not the_answer(learner).correct


def test_applying_to_another_offer_is_not_right(site):
    client, learner, url = start(site, JOB)
    page = page_of(client.get(url))
    page = taps(client, url, page, "voir_offres", "ouvrir_hotel", "postuler_hotel", **PROFILE)
    page = taps(client, url, page, "ajouter_cv", "fichier_cv", "envoyer", message=MESSAGE)
    page = said(page)
    assert "toucher « Postuler » sur l'offre du restaurant Le Bon Goût" in page
    assert not the_answer(learner).correct


# --- the attestation ----------------------------------------------------------------------


def download_and_find(client, url, *, code="584 203", file="fichier_attestation", end="fini"):
    page = page_of(client.get(url))
    assert "Entraînement" in page and "Téléphone de Mariam" in page
    assert "caisse-sante.exemple.fr (site d&#x27;exercice)" in page
    page = taps(client, url, page, "se_connecter", code=code)
    page = taps(client, url, page, "mes_documents", "ouvrir_attestation", "telecharger")
    assert "attestation-droits-mariam-traore.pdf est téléchargé" in page  # the notification
    page = taps(client, url, page, "accueil_telephone", "app_fichiers")
    page = taps(client, url, page, "dossier_photos", "retour_dossiers_photos")  # a detour
    page = taps(client, url, page, "dossier_telechargements", file)
    return taps(client, url, page, end)


def test_the_attestation_downloaded_and_found(site):
    client, learner, url = start(site, ATTESTATION)
    page = download_and_find(client, url)
    assert "vous l&#x27;avez retrouvée" in page
    assert 'class="sim-frame sim-end"' not in page  # « J'ai fini » goes to no screen
    answer = the_answer(learner)
    assert answer.correct and answer.item_key == "attestation-telephone--telecharger"
    assert ended("telecharger") == StepOutcome.DONE


def test_a_wrong_code_shows_the_site_message(site):
    client, learner, url = start(site, ATTESTATION)
    page = download_and_find(client, url, code="584 230")
    assert "Ce code n&#x27;est pas le bon" in page
    assert not the_answer(learner).correct


def test_opening_another_file_says_the_attestation_is_missing(site):
    client, learner, url = start(site, ATTESTATION)
    page = said(download_and_find(client, url, file="fichier_habitation", end="fini_habitation"))
    assert "Il manque" in page
    assert "ouvrir le fichier attestation-droits-mariam-traore.pdf" in page
    assert not the_answer(learner).correct


def test_the_required_actions_count_in_their_order():
    """The attestation opened before it was downloaded (on another visit) does not count:
    it must be found after « Télécharger »."""
    content = module("attestation-telephone").exercise_item("telecharger").content
    right = [
        "se_connecter", "mes_documents", "ouvrir_attestation", "telecharger",
        "accueil_telephone", "app_fichiers", "dossier_telechargements",
        "fichier_attestation", "fini",
    ]  # fmt: skip
    fields = {"code": "584203"}
    assert score_simulation(content, {"actions": right, "fields": fields}).correct
    moved = ["app_fichiers", "dossier_telechargements", *right[:5], "fichier_attestation", "fini"]
    result = score_simulation(content, {"actions": moved, "fields": fields})
    assert not result.correct
    assert result.details["missing"] == [
        "ouvrir l'application « Fichiers »",
        "ouvrir le dossier « Téléchargements »",
    ]


# --- the video call -----------------------------------------------------------------------


def join(client, url, *, name="Samira Haddad", install=False, test_sound=True, unmute=True):
    page = page_of(client.get(url))
    assert "Entraînement" in page and "Téléphone de Samira" in page
    page = taps(client, url, page, "ouvrir_nadia", "retour_mails_nadia")  # a detour
    page = taps(client, url, page, "ouvrir_invitation", "lien")
    if install:
        page = taps(client, url, page, "installer", "annuler_installation")
    page = taps(client, url, page, "fermer_fenetre")
    page = taps(client, url, page, "continuer", nom=name)
    # Blocked by mistake, then allowed: that is fine.
    page = taps(client, url, page, "bloquer", "redemander", "autoriser")
    if test_sound:
        page = taps(client, url, page, "tester_son", "son_ok")
    page = taps(client, url, page, "rejoindre")
    if not unmute:
        return taps(client, url, page, "quitter_tot")
    return taps(client, url, page, "micro", "quitter")


def test_the_video_call_joined_right(site):
    client, learner, url = start(site, VISIO)
    page = join(client, url)
    assert "la recruteuse vous voit et vous entend" in page
    answer = the_answer(learner)
    assert answer.correct and answer.item_key == "entretien-visio--rejoindre-appel"
    assert ended("rejoindre-appel") == StepOutcome.DONE


def test_an_empty_or_strange_name_shows_the_site_message(site):
    client, learner, url = start(site, VISIO)
    page = join(client, url, name="Invité")
    assert "Écrivez votre prénom et votre nom pour entrer." in page
    assert not the_answer(learner).correct


def test_installing_the_program_of_the_pop_up_is_named(site):
    client, learner, url = start(site, VISIO)
    page = join(client, url, install=True)
    assert "À ne pas faire" in page
    assert "installer un programme inconnu proposé par une fenêtre" in page
    assert not the_answer(learner).correct


def test_joining_with_the_microphone_blocked_is_named(site):
    client, learner, url = start(site, VISIO)
    page = page_of(client.get(url))
    page = taps(client, url, page, "ouvrir_invitation", "lien", "fermer_fenetre")
    page = taps(client, url, page, "continuer", "bloquer", "rejoindre_bloque", nom="Samira")
    page = said(page)
    assert "À ne pas faire" in page and "rejoindre l'appel sans micro ni caméra" in page
    assert "Il manque" in page and "autoriser le micro et la caméra" in page
    assert not the_answer(learner).correct


def test_no_sound_test_and_no_microphone_are_missing(site):
    client, learner, url = start(site, VISIO)
    page = join(client, url, test_sound=False, unmute=False)
    assert "Il manque" in page and "tester le son" in page
    assert "activer le micro quand la recruteuse le demande" in page
    assert not the_answer(learner).correct


def test_three_misses_show_the_steps(site):
    client, _learner, url = start(site, VISIO)
    for _ in range(3):
        page = join(client, url, unmute=False)
    assert "voici les étapes à suivre" in page
    assert "touchez « Activer le micro »" in page
    assert ended("rejoindre-appel") == StepOutcome.SHOWN


# --- what people type ---------------------------------------------------------------------

# (module, step, field): (values that pass, near misses that do not).
TYPED = {
    (*JOB, "metier"): (
        ["cuisinier", "Cuisinière", "aide-cuisinier", "CUISINIERE"], ["cuisine", "serveur"]
    ),
    (*JOB, "ville"): (["Nantes", "nantes", " NANTES "], ["Nante", "Nancy"]),
    (*JOB, "distance"): (["10", "10 km", "10km", "10 kilomètres"], ["100", "1", "dix km"]),
    (*JOB, "message"): ([MESSAGE, "Je suis disponible."], ["", "Bonjour"]),
    (*ATTESTATION, "code"): (["584 203", "584203", "584-203"], ["584 230", "58420"]),
    (*VISIO, "nom"): (
        ["Samira Haddad", "HADDAD Samira", "samira", "Mme Haddad"],
        ["", "Invité", "Sam", "Samira Hadad"],
    ),
}  # fmt: skip


def test_typed_values_pass_and_near_misses_do_not():
    for (module_key, step_key, name), (good, bad) in TYPED.items():
        content = module(module_key).exercise_item(step_key).content
        spec = simulation_elements(content, "field")[name]
        assert all(field_ok(spec, value) for value in good), (name, good)
        assert not any(field_ok(spec, value) for value in bad), (name, bad)
    fields = {
        name for module_key, step_key, name in TYPED if (module_key, step_key) == JOB
    }  # every field of the job simulation is listed
    job = module(JOB[0]).exercise_item(JOB[1]).content
    assert fields == set(simulation_elements(job, "field"))
