"""The learner's diagnostic pages: alone on their phone, resumable, no answer key shown."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.diagnostics.factories import DiagnosticFactory, DiagnosticResultFactory
from tests.learners.factories import LearnerCardFactory
from tisser.diagnostics.models import Diagnostic
from tisser.exercises.models import Answer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("skills_content")]

START = "/apprendre/diagnostic/"


def signed_in_learner(site, **person):
    beneficiary = BeneficiaryFactory(site=site, **person)
    card = LearnerCardFactory(beneficiary=beneficiary)
    client = Client()
    response = client.post("/apprendre/", {"code": card.code})
    assert response.status_code == 302, response.content[:300]
    return client, beneficiary


@pytest.fixture
def learner(site):
    return signed_in_learner(site)


def html(response) -> str:
    return response.content.decode()


def begin(client):
    """« Commencer », then the two context questions: lands on the first item."""
    response = client.post(START)
    assert response.status_code == 302 and "questions-de-depart" in response.url
    client.post(response.url, {"answer": "oui"})
    response = client.post(response.url, {"answer": "non"})
    assert "/question/" in response.url
    return response.url


def test_the_learner_home_links_to_my_diagnostic(learner):
    client, _ = learner
    page = html(client.get("/apprendre/accueil/"))
    assert "Mon diagnostic" in page and f'href="{START}"' in page


def test_the_start_page_says_what_it_is_and_offers_to_begin(learner):
    client, _ = learner
    page = html(client.get(START))
    assert "environ 20 minutes" in page
    assert "Commencer" in page and "Continuer" not in page


def test_the_context_questions_are_big_buttons_then_the_first_item(learner):
    client, person = learner
    response = client.post(START)
    page = html(client.get(response.url))
    assert "Avez-vous un smartphone ?" in page
    assert 'name="answer" value="oui"' in page
    item_url = begin_after(client, response.url)
    diagnostic = Diagnostic.objects.get(beneficiary=person)
    assert diagnostic.context == {"smartphone": "oui", "internet": "non"}
    assert diagnostic.mode == "alone"
    page = html(client.get(item_url))
    assert "Question 1" in page
    assert "Je ne sais pas" in page
    assert "Écouter" in page
    assert "%" not in page.split("<main", 1)[1]


def begin_after(client, context_url):
    client.post(context_url, {"answer": "oui"})
    return client.post(context_url, {"answer": "non"}).url


def test_an_answer_is_saved_at_once_without_feedback_and_moves_on(learner):
    client, person = learner
    item_url = begin(client)
    response = client.post(item_url, {"attempt": "page-1", "answer": "oui"})
    assert response.status_code == 302
    answer = Answer.objects.get(beneficiary=person)
    assert answer.context_kind == "diagnostic" and answer.correct
    next_page = html(client.get(response.url))
    assert "Question 2" in next_page
    for feedback in ("Bravo", "juste", "bonne réponse", "Ce n&#x27;est pas encore"):
        assert feedback not in next_page
    # The same page sent again is one answer.
    client.post(item_url, {"attempt": "page-1", "answer": "oui"})
    assert Answer.objects.count() == 1


def test_dont_know_is_always_offered_and_saved(learner):
    client, person = learner
    item_url = begin(client)
    client.post(item_url, {"attempt": "dk", "dont_know": "1"})
    answer = Answer.objects.get(beneficiary=person)
    assert answer.response == {"dont_know": True} and not answer.correct


def test_an_unreadable_answer_says_so_in_french_and_saves_nothing(learner):
    client, _ = learner
    item_url = begin(client)
    response = client.post(item_url, {"attempt": "x"})
    assert response.status_code == 200
    assert "Répondez avant de valider" in html(response)
    assert not Answer.objects.exists()


def test_closing_the_phone_loses_nothing(learner):
    client, person = learner
    item_url = begin(client)
    client.post(item_url, {"attempt": "a1", "answer": "oui"})
    # Later, a new visit: the start page offers to continue where it stopped.
    page = html(client.get(START))
    assert "Continuer" in page and "déjà répondu à 1 question" in page
    response = client.post(START)
    assert "/question/" in response.url and response.url != item_url
    assert "Question 2" in html(client.get(response.url))
    assert Diagnostic.objects.filter(beneficiary=person).count() == 1


def test_leaving_before_the_first_question_says_started_not_zero_questions(learner):
    client, _ = learner
    assert "questions-de-depart" in client.post(START).url
    page = html(client.get(START))
    assert "Continuer" in page and "Vous avez déjà commencé." in page
    assert "0 question" not in page


def test_an_old_item_page_goes_to_the_current_one(learner):
    client, _ = learner
    item_url = begin(client)
    current = client.post(item_url, {"attempt": "a1", "answer": "oui"}).url
    response = client.post(item_url, {"attempt": "a2", "answer": "non"})
    assert response.status_code == 302 and response.url == current
    assert Answer.objects.count() == 1


def test_the_whole_sitting_ends_on_the_results_with_stars_and_no_percentage(learner):
    client, person = learner
    url = begin(client)
    steps = 0
    while "/question/" in url:
        level = int(url.rstrip("/").split("-")[-2])
        answer = "oui" if level <= 2 else "non"
        url = client.post(url, {"attempt": f"k{steps}", "answer": answer}).url
        steps += 1
    assert "/resultats/" in url
    page = html(client.get(url))
    assert "Mes résultats" in page
    assert "2 étoiles sur 4" in page
    assert "Je progresse" in page
    assert "%" not in page.split("<main", 1)[1]
    assert "À travailler ensuite\u00a0: «\u00a0" in page  # non-breaking: « never alone
    diagnostic = Diagnostic.objects.get(beneficiary=person)
    assert diagnostic.is_finished and diagnostic.item_count == steps
    start_page = html(client.get(START))
    assert "Voir mes résultats" in start_page and "Vous avez fini votre diagnostic" in start_page
    assert "environ 20 minutes" not in start_page  # nothing left to start


def test_the_item_page_never_holds_the_answer_key(site):
    client, _ = signed_in_learner(site)
    from tisser.exercises.content import catalogue

    item_url = begin(client)
    key = item_url.rstrip("/").split("/")[-1]
    page = html(client.get(item_url))
    assert catalogue()[key].content["statement"] in page
    for leak in ("option-right", "bonne réponse", "data-correct", " chosen"):
        assert leak not in page


def test_a_learner_cannot_see_another_learners_sitting(learner, site):
    client, _ = learner
    other = DiagnosticFactory(beneficiary=BeneficiaryFactory(site=site))
    DiagnosticResultFactory(
        diagnostic=DiagnosticFactory(beneficiary=other.beneficiary, kind="exit", finished=True)
    )
    for url in (
        f"{START}{other.pk}/suite/",
        f"{START}{other.pk}/questions-de-depart/",
        f"{START}{other.pk}/question/diag-appareil-entry-1-1/",
        f"{START}{other.pk}/resultats/",
    ):
        assert client.get(url).status_code == 404, url


def test_staff_and_anonymous_visitors_get_a_404(client, login, mediator):
    assert client.get(START).status_code == 404
    assert login(mediator).get(START).status_code == 404


def test_a_paper_sitting_is_not_answered_on_the_phone(learner):
    client, person = learner
    paper = DiagnosticFactory(beneficiary=person, mode="paper")
    assert client.get(f"{START}{paper.pk}/suite/").status_code == 404
    assert "Commencer" not in html(client.get(START))


def test_the_item_page_runs_a_constant_number_of_queries(learner):
    client, _ = learner
    url = begin(client)
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for step in range(6):
        url = client.post(url, {"attempt": f"q{step}", "answer": "oui"}).url
    with CaptureQueriesContext(connection) as later:
        client.get(url)
    assert "Question 7" in html(client.get(url))
    assert len(later.captured_queries) == len(first.captured_queries) <= 12


def test_the_results_page_runs_a_constant_number_of_queries(learner):
    client, person = learner
    diagnostic = DiagnosticFactory(beneficiary=person, finished=True)
    DiagnosticResultFactory(diagnostic=diagnostic, domain="appareil", level=1)
    url = f"{START}{diagnostic.pk}/resultats/"
    client.get(url)
    with CaptureQueriesContext(connection) as one_domain:
        client.get(url)
    DiagnosticResultFactory(diagnostic=diagnostic, domain="securite", level=4)
    with CaptureQueriesContext(connection) as two_domains:
        page = html(client.get(url))
    assert len(two_domains.captured_queries) == len(one_domain.captured_queries)
    assert "1 étoile sur 4" in page and "4 étoiles sur 4" in page


def test_an_unknown_context_answer_is_refused_in_french(learner):
    client, person = learner
    url = client.post(START).url
    response = client.post(url, {"answer": "peut-etre"}, follow=True)
    assert "Choisissez une des réponses proposées." in html(response)
    assert "Avez-vous un smartphone ?" in html(response)
    assert Diagnostic.objects.get(beneficiary=person).context == {}
