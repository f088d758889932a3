"""Two simulations of online procedures, played by taps (each a POST):
the account on « Mes démarches » (« Créer un compte sur un site de service public ») and
the appointment on « Prendre RDV Mairie » (« Prendre un rendez-vous en ligne »)."""

import re

import pytest

from tests.learning.conftest import signed_in_learner
from tests.learning.test_simulation import form_state, page_of, tap
from tisser.exercises.models import Answer
from tisser.exercises.scoring import simulation_elements
from tisser.learning.content import SENTENCE_MAX_WORDS, module
from tisser.learning.enums import StepOutcome
from tisser.learning.models import StepResult

pytestmark = pytest.mark.django_db

PASSWORD = "3Chats-Dansent-Lune!"  # invented for the test, as the page asks
ACCOUNT = {"email": "Mariam.Traore@exemple.fr", "mot_de_passe": PASSWORD, "confirmation": PASSWORD}
CONTACT = {"nom": "Awa Koné", "telephone": "06 39 98 35 48", "email": "awa.kone@exemple.fr"}


def start(site, module_key, step):
    client, learner = signed_in_learner(site)
    response = client.post(f"/apprendre/modules/{module_key}/")
    return client, learner, response.url.rsplit("/etape/", 1)[0] + f"/etape/{step}/"


def the_answer(learner):
    return Answer.objects.get(beneficiary=learner)


# --- The account on « Mes démarches » -------------------------------------------------


def account(site):
    return start(site, "compte-service-public", "portail")


def create_account(client, url, *, fields=ACCOUNT, code="482 913", before_code=()):
    page = page_of(client.get(url))
    assert "Entraînement" in page and "Mes démarches (site d&#x27;exercice)" in page
    page = tap(client, url, page, "se_connecter")  # a detour: no account yet
    page = tap(client, url, page, "retour_connexion")
    page = tap(client, url, page, "creer")
    assert "N&#x27;écrivez jamais un vrai mot de passe" in page
    page = tap(client, url, page, "continuer", **fields)
    page = tap(client, url, page, "accepter")
    assert "un code à 6 chiffres par SMS" in page
    page = tap(client, url, page, "voir_sms")
    assert "Votre code : 482 913" in page
    for action in before_code:
        page = tap(client, url, page, action)
    page = tap(client, url, page, "retour_site")
    page = tap(client, url, page, "confirmer", code=code)
    assert "Bienvenue Mariam" in page
    return tap(client, url, page, "mon_espace")


@pytest.mark.parametrize("code", ["482 913", "482913"])
def test_the_account_is_created_by_the_right_taps(site, code):
    client, learner, url = account(site)
    page = create_account(client, url, code=code)
    assert "Compte créé !" in page and "Suivant" in page
    answer = the_answer(learner)
    assert answer.correct and answer.item_key == "compte-service-public--portail"
    assert answer.response["fields"]["code"] == code
    assert StepResult.objects.get(step_id="portail").outcome == StepOutcome.DONE


@pytest.mark.parametrize(
    ("fields", "code", "message"),
    [
        (
            {**ACCOUNT, "mot_de_passe": "motdepasse", "confirmation": "motdepasse"},
            "482 913",
            "Mot de passe trop faible",
        ),
        (
            {**ACCOUNT, "mot_de_passe": "Mon Mot De Passe 1!"},  # a space is refused
            "482 913",
            "Mot de passe trop faible",
        ),
        ({**ACCOUNT, "confirmation": ""}, "482 913", "La confirmation doit être le même"),
        (ACCOUNT, "482 931", "Ce code n&#x27;est pas le bon"),
        (ACCOUNT, "527 318", "Ce code n&#x27;est pas le bon"),  # the other exercise's code
    ],
)
def test_a_weak_password_or_a_bad_code_shows_the_site_message(site, fields, code, message):
    client, learner, url = account(site)
    page = create_account(client, url, fields=fields, code=code)
    assert "À corriger" in page and message in page
    assert "Un indice" in page and "Réessayer" in page
    assert not the_answer(learner).correct


def test_sending_the_code_to_whoever_asks_by_sms_is_named(site):
    client, learner, url = account(site)
    page = create_account(client, url, before_code=("repondre_code", "retour_sms_repondu"))
    assert "À ne pas faire" in page
    assert "envoyer le code au 06 39 98 57 14, qui le demandait par SMS" in page
    assert not the_answer(learner).correct


def test_the_lookalike_ad_is_named(site):
    client, learner, url = account(site)
    page = page_of(client.get(url))
    page = tap(client, url, page, "annonce")
    assert "29,90 €" in page
    page = tap(client, url, page, "fermer_faux_site")
    page = tap(client, url, page, "creer")
    page = tap(client, url, page, "continuer", **ACCOUNT)
    for action in ("accepter", "voir_sms", "retour_site"):
        page = tap(client, url, page, action)
    page = tap(client, url, page, "confirmer", code="482913")
    page = tap(client, url, page, "mon_espace")
    assert "À ne pas faire" in page and "demarches-rapide.exemple.fr" in page
    assert not the_answer(learner).correct


def test_the_account_steps_in_a_wrong_order_miss(site):
    """The conditions accepted before the form was sent: « accepter » is missing."""
    client, learner, url = account(site)
    page = page_of(client.get(url))
    data = {
        **form_state(page),
        "screen": "compte_cree",
        "done": "creer accepter continuer voir_sms confirmer",
        **{f"champ_{name}": value for name, value in ACCOUNT.items()},
        "champ_code": "482 913",
        "tap": "mon_espace",
    }
    page = page_of(client.post(url, data))
    assert "Il manque" in page and "accepter les conditions" in page
    assert not the_answer(learner).correct


def test_three_misses_show_the_account_steps(site):
    client, _learner, url = account(site)
    for _ in range(3):
        page = create_account(client, url, code="000 000")
    assert "voici les étapes à suivre" in page
    assert "Ne répondez pas au SMS qui demande votre code." in page
    assert StepResult.objects.get(step_id="portail").outcome == StepOutcome.SHOWN


# --- The appointment on « Prendre RDV Mairie » -------------------------------------------


def appointment(site):
    return start(site, "rendez-vous-en-ligne", "reserver")


def book(client, url, *, fields=CONTACT, pay=False, motive="motif_passeport"):
    page = page_of(client.get(url))
    assert "Entraînement" in page and "Prendre RDV Mairie (site d&#x27;exercice)" in page
    page = tap(client, url, page, motive)
    page = tap(client, url, page, "jour_mardi")  # full: back to the days
    assert "Plus de place ce jour-là" in page
    page = tap(client, url, page, "retour_complet")
    page = tap(client, url, page, "jour_mercredi")
    assert "Déjà pris : 9 h 00 et 10 h 30." in page
    page = tap(client, url, page, "mer_1430")
    if pay:
        page = tap(client, url, page, "option_payante", **fields)
        assert "Payez 9,90 €" in page
        page = tap(client, url, page, "fermer_paiement")
    page = tap(client, url, page, "confirmer", **fields)
    assert "Rendez-vous confirmé" in page and "BV-0611-4817" in page
    return tap(client, url, page, "noter")


def test_the_appointment_is_booked_by_the_right_taps(site):
    client, learner, url = appointment(site)
    page = book(client, url, fields={**CONTACT, "nom": "KONE Awa", "telephone": "0639983548"})
    assert "Rendez-vous pris, sans rien payer" in page
    answer = the_answer(learner)
    assert answer.correct and answer.item_key == "rendez-vous-en-ligne--reserver"
    assert answer.response["actions"][:3] == ["motif_passeport", "jour_mardi", "retour_complet"]
    assert StepResult.objects.get(step_id="reserver").outcome == StepOutcome.DONE


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({"telephone": "06 39 98 53 48"}, "Ce numéro n&#x27;est pas le bon : 06 39 98 35 48."),
        ({"email": "awa.kone@exemple.com"}, "Cette adresse e-mail n&#x27;est pas la bonne"),
        ({"nom": "Awa"}, "Écrivez le nom et le prénom : Awa Koné."),
    ],
)
def test_a_wrong_contact_field_shows_the_site_message(site, typed, message):
    client, learner, url = appointment(site)
    page = book(client, url, fields={**CONTACT, **typed})
    assert "À corriger" in page and message in page
    assert not the_answer(learner).correct


def test_paying_the_priority_option_is_named(site):
    client, learner, url = appointment(site)
    page = book(client, url, pay=True)
    assert "À ne pas faire" in page
    assert "payer une « option prioritaire » : un rendez-vous en mairie est gratuit" in page
    assert not the_answer(learner).correct


def test_another_motive_is_missing_the_passport(site):
    client, learner, url = appointment(site)
    page = book(client, url, motive="motif_cni")
    assert "Il manque" in page and "choisir le motif « Passeport »" in page
    assert not the_answer(learner).correct


def test_the_slot_chosen_before_the_motive_misses(site):
    """Mercredi 14 h 30 chosen, then the motive changed and another slot taken: the right
    day and hour came before the motive, so they are missing."""
    client, learner, url = appointment(site)
    page = page_of(client.get(url))
    for action in ("motif_cni", "jour_mercredi", "mer_1430"):
        page = tap(client, url, page, action)
    page = tap(client, url, page, "changer_creneau", **CONTACT)
    for action in ("changer_motif", "motif_passeport", "jour_jeudi", "jeu_1600", "confirmer"):
        page = tap(client, url, page, action)
    page = tap(client, url, page, "noter")
    assert "Il manque" in page
    assert "choisir le mercredi 11 juin" in page and "choisir 14 h 30 le mercredi" in page
    assert not the_answer(learner).correct


def test_the_appointment_steps_in_a_wrong_order_miss(site):
    client, learner, url = appointment(site)
    page = page_of(client.get(url))
    data = {
        **form_state(page),
        "screen": "confirmation",
        "done": "jour_mercredi mer_1430 motif_passeport confirmer",
        **{f"champ_{name}": value for name, value in CONTACT.items()},
        "tap": "noter",
    }
    page = page_of(client.post(url, data))
    assert "Il manque" in page and "choisir le mercredi 11 juin" in page
    assert not the_answer(learner).correct


# --- Written for the learner ------------------------------------------------------------


@pytest.mark.parametrize(
    ("module_key", "step_key"),
    [("compte-service-public", "portail"), ("rendez-vous-en-ligne", "reserver")],
)
def test_plain_french_fictitious_and_labelled(module_key, step_key):
    """Every sentence a learner reads (instruction, screens, site messages, feedback, steps)
    has at most 20 words; every address is in exemple.fr, every phone number in the range
    kept for fiction; the service says it is a training site."""
    found = module(module_key)
    step = found.step(step_key)
    item = found.exercise_item(step_key).definition
    content = item["content"]
    texts = [item["instruction"], step.hint, step.success, *content["steps"]]
    for screen in content["screens"]:
        texts.append(screen["title"])
        for element in screen["elements"]:
            texts += [element.get(key, "") for key in ("text", "label", "hint", "error", "does")]
    for text in texts:
        for sentence in re.split(r"(?<=[.!?…])\s+", text):
            assert len(sentence.split()) <= SENTENCE_MAX_WORDS, sentence
        for address in re.findall(r"[a-z0-9.-]+\.(?:fr|com)\b", text):
            assert address.endswith("exemple.fr"), address
        for number in re.findall(r"0\d(?: \d\d){4}", text):
            assert number.startswith("06 39 98"), number
    assert content["service"].endswith("(site d'exercice)")
    assert set(content["forbidden"]) <= set(simulation_elements(content, "action"))
