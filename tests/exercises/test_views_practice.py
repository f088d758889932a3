"""The learner's practice pages: only the signed-in learner, answers saved at once and once."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.learners.factories import LearnerCardFactory
from tisser.accounts.enums import Role
from tisser.exercises.content import catalogue
from tisser.exercises.models import Answer
from tisser.exercises.sequences import PRACTICE

pytestmark = pytest.mark.django_db

START = "/apprendre/exercices/"


def signed_in_learner(site, **person):
    beneficiary = BeneficiaryFactory(site=site, **person)
    card = LearnerCardFactory(beneficiary=beneficiary)
    client = Client()
    response = client.post("/apprendre/", {"code": card.code})
    assert response.status_code == 302, response.content[:300]
    return client, beneficiary


@pytest.fixture
def learner(site):
    return signed_in_learner(site, first_name="Aïcha")


def test_the_sequence_has_one_item_of_each_type():
    types = [catalogue()[key].type for key in PRACTICE]
    assert sorted(types) == sorted(
        ["choice", "yes_no", "zone", "order", "form", "mailbox", "typing", "pointer"]
    )


def test_the_learner_home_links_to_the_practice(learner):
    client, _ = learner
    html = client.get("/apprendre/accueil/").content.decode()
    assert "M&#x27;entraîner" in html or "M'entraîner" in html
    assert f'href="{START}"' in html


def test_the_home_shows_how_far_the_practice_went(learner):
    client, _ = learner
    assert "sur 8" not in client.get("/apprendre/accueil/").content.decode()
    client.post(f"{START}oui-non-cadenas/", {"attempt": "a", "answer": "oui"})
    client.post(f"{START}oui-non-cadenas/", {"attempt": "b", "answer": "non"})
    client.post(f"{START}geste-toucher/", {"attempt": "c", "done": "1"})
    assert "2 sur 8" in client.get("/apprendre/accueil/").content.decode()


def test_start_page_lists_the_sequence(learner):
    client, _ = learner
    response = client.get(START)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Commencer" in html
    assert f'href="{START}{PRACTICE[0]}/"' in html
    assert "Sortir" in html


@pytest.mark.parametrize("url", [START, f"{START}{PRACTICE[0]}/"])
def test_anonymous_and_staff_get_a_404(client, login, mediator, url):
    assert client.get(url).status_code == 404
    assert login(mediator).get(url).status_code == 404


def test_an_item_outside_the_sequence_leads_back_to_the_list(learner):
    client, _ = learner
    for key in ("nexiste-pas", "geste-double"):  # unknown; not in the practice
        response = client.get(f"{START}{key}/")
        assert response.status_code == 302
        assert response["Location"] == START
    assert client.post(f"{START}geste-double/", {"attempt": "a", "done": "1"}).status_code == 302
    assert not Answer.objects.exists()


def test_an_answer_is_saved_at_once_with_feedback_and_next(learner):
    client, beneficiary = learner
    page = client.get(f"{START}oui-non-cadenas/").content.decode()
    attempt = page.split('name="attempt" value="', 1)[1].split('"', 1)[0]
    response = client.post(f"{START}oui-non-cadenas/", {"attempt": attempt, "answer": "oui"})
    html = response.content.decode()
    assert "Bravo, c'est juste !" in html
    next_key = PRACTICE[PRACTICE.index("oui-non-cadenas") + 1]
    assert f'href="{START}{next_key}/"' in html
    answer = Answer.objects.get()
    assert answer.beneficiary == beneficiary
    assert (answer.context_kind, answer.context_id) == ("practice", "decouverte")
    assert answer.correct and answer.item_version.version == 1


def test_the_same_form_sent_twice_counts_once(learner):
    client, _ = learner
    url = f"{START}choix-bouton-envoyer/"
    first = client.post(url, {"attempt": "page-1", "selected": "envoyer"})
    again = client.post(url, {"attempt": "page-1", "selected": "corbeille"})
    assert Answer.objects.count() == 1
    assert "Bravo, c'est juste !" in first.content.decode()
    # The resent form shows the answer that counted.
    assert "Bravo, c'est juste !" in again.content.decode()


def test_a_wrong_answer_says_the_right_one_in_words(learner):
    client, _ = learner
    response = client.post(f"{START}zone-appli-messages/", {"attempt": "z", "zone": "photos"})
    html = response.content.decode()
    assert "Ce n'est pas encore ça." in html
    assert "Messages (bulle bleue)" in html
    assert Answer.objects.get().correct is False


def test_an_unanswered_post_saves_nothing(learner):
    client, _ = learner
    response = client.post(f"{START}choix-bouton-envoyer/", {"attempt": "x"})
    assert "Répondez avant de valider" in response.content.decode()
    assert not Answer.objects.exists()


def test_progress_shows_on_the_start_page_and_answers_stay_per_learner(learner, site):
    client, _ = learner
    client.post(f"{START}oui-non-cadenas/", {"attempt": "a", "answer": "oui"})
    other_client, _ = signed_in_learner(site)
    assert "réussi" in client.get(START).content.decode()
    assert "réussi" not in other_client.get(START).content.decode()


def test_item_pages_are_not_cached(learner):
    client, _ = learner
    response = client.get(f"{START}oui-non-cadenas/")
    assert "no-store" in response["Cache-Control"]


def test_start_page_queries_do_not_grow_with_answers(learner):
    client, beneficiary = learner
    client.get(START)
    with CaptureQueriesContext(connection) as one:
        client.get(START)
    from tests.exercises.factories import AnswerFactory

    for index, key in enumerate(PRACTICE):
        AnswerFactory(
            beneficiary=beneficiary,
            item_key=key,
            context_id="decouverte",
            idempotency_key=f"bulk-{index}",
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(START)
    assert response.content.decode().count("réussi") == len(PRACTICE)
    assert len(many) == len(one)


def test_a_staff_member_never_reaches_answers_through_the_learner_pages(
    login, member_factory, site
):
    staff = login(member_factory(site, Role.SITE_MANAGER))
    assert (
        staff.post(f"{START}oui-non-cadenas/", {"attempt": "a", "answer": "oui"}).status_code == 404
    )
    assert not Answer.objects.exists()


def test_a_form_answer_keeps_only_the_items_fields(learner):
    client, _ = learner
    client.post(
        f"{START}formulaire-compte-caf/",
        {"attempt": "f", "f_nom": "Martin", "f_intrus": "x" * 900, "autre": "y"},
    )
    fields = Answer.objects.get().response["fields"]
    assert sorted(fields) == ["code_postal", "nom", "prenom", "situation", "telephone"]
    assert fields["nom"] == "Martin" and fields["prenom"] == ""
