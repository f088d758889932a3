"""The learner's module pages: « Mon parcours », the steps, resuming, the completion screen."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.core.test_page_weight import first_load_weight
from tests.diagnostics.factories import DiagnosticFactory, DiagnosticResultFactory
from tests.learners.factories import LearnerCardFactory
from tests.learning.conftest import MODULE_KEY, signed_in_learner
from tests.learning.factories import ModuleAssignmentFactory, StepResultFactory
from tisser.core.timeline import TimelineEvent
from tisser.exercises.models import Answer
from tisser.learning import content, services
from tisser.learning.content import module
from tisser.learning.enums import MISSES_BEFORE_ANSWER, StepOutcome
from tisser.learning.models import ModuleProgress, StepResult
from tisser.learning.timeline_events import timeline_events

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_files")]

PATH = "/apprendre/modules/"
MODULE = f"{PATH}{MODULE_KEY}/"
# Learner pages: lighter than staff ones (decision 0045).
LEARNER_BUDGET = 30 * 1024


def html(response) -> str:
    return response.content.decode()


def attempt(page: str) -> str:
    return re.search(r'name="attempt" value="([^"]+)"', page).group(1)


def begin(client) -> str:
    response = client.post(MODULE)
    assert response.status_code == 302 and "/etape/carte-adresse/" in response.url
    return response.url


def to_quiz(client) -> str:
    card = begin(client)
    response = client.post(card)
    assert response.url.endswith("/etape/quiz-arobase/")
    return response.url


def send(client, url, option):
    page = html(client.get(url))
    return html(client.post(url, {"attempt": attempt(page), "selected": option}))


def test_the_home_links_to_my_modules(learner):
    client, _ = learner
    page = html(client.get("/apprendre/accueil/"))
    assert "Mes modules" in page and f'href="{PATH}"' in page


def test_my_path_shows_an_assigned_module_to_begin(learner):
    client, person = learner
    ModuleAssignmentFactory(beneficiary=person, module_key=MODULE_KEY)
    page = html(client.get(PATH))
    assert "Écrire un e-mail" in page and "À la fin, je sais écrire" in page
    assert "8 minutes" in page and "Téléphone ou ordinateur" in page
    assert "Commencer" in page and "%" not in page


def test_my_path_shows_steps_done_and_continue(learner):
    client, person = learner
    ModuleAssignmentFactory(beneficiary=person, module_key=MODULE_KEY)
    client.post(begin(client))
    page = html(client.get(PATH))
    assert "1 sur 3 étapes" in page and "Continuer" in page


def test_a_card_says_listen_and_next_and_shows_its_picture(learner):
    client, _ = learner
    page = html(client.get(begin(client)))
    assert "Une adresse e-mail a toujours le signe @." in page
    assert "Écouter" in page and "Suivant" in page and "<svg" in page
    assert "étape 1 sur 3" in page


def test_a_miss_shows_the_hint_not_the_answer_and_offers_to_try_again(learner):
    client, _ = learner
    page = send(client, to_quiz(client), "b")
    assert "Ce n'est pas encore ça." in page
    assert "Cherchez le signe @" in page and "Réessayer" in page
    assert "La bonne réponse" not in page and "bonne réponse</span>" not in page
    assert "Encore 2 essais" in page and "Suivant" not in page


def test_three_misses_show_the_answer_in_words_and_move_on(learner):
    client, _ = learner
    url = to_quiz(client)
    for _ in range(MISSES_BEFORE_ANSWER):
        page = send(client, url, "c")
    assert "La bonne réponse :" in page and "marie.dupont@exemple.fr" in page
    assert "Suivant" in page and "Réessayer" not in page
    assert StepResult.objects.get(step_id="quiz-arobase").outcome == StepOutcome.SHOWN


def test_a_right_answer_says_the_success_words(learner):
    client, _ = learner
    page = send(client, to_quiz(client), "a")
    assert "Bravo" in page and "une adresse a toujours un @" in page and "Suivant" in page


def test_the_same_form_sent_twice_counts_once(learner):
    client, _ = learner
    url = to_quiz(client)
    key = attempt(html(client.get(url)))
    client.post(url, {"attempt": key, "selected": "b"})
    page = html(client.post(url, {"attempt": key, "selected": "b"}))
    assert Answer.objects.count() == 1 and "Encore 2 essais" in page


def test_continue_resumes_at_the_current_step_on_another_device(site):
    card = LearnerCardFactory(beneficiary=BeneficiaryFactory(site=site))
    phones = [Client(), Client()]
    for phone in phones:
        assert phone.post("/apprendre/", {"code": card.code}).status_code == 302
    to_quiz(phones[0])
    response = phones[1].get(MODULE)
    assert response.status_code == 302 and response.url.endswith("/etape/quiz-arobase/")


def test_finishing_shows_what_was_learned_never_a_score(learner):
    client, person = learner
    url = to_quiz(client)
    send(client, url, "a")
    progress = ModuleProgress.objects.get()
    response = client.post(f"{PATH}suivi/{progress.pk}/etape/bilan/")
    assert response.url == f"{PATH}suivi/{progress.pk}/termine/"
    page = html(client.get(response.url))
    assert "Bravo, module terminé" in page and "Une adresse e-mail a un @." in page
    assert "3 sur 3 étapes" in page and "%" not in page
    progress.refresh_from_db()
    assert progress.is_finished
    # Modules never set a skills level (only the diagnostic does).
    assert not person.diagnostics.exists()
    ModuleAssignmentFactory(beneficiary=person, module_key=MODULE_KEY)
    assert "Terminé" in html(client.get(PATH))


def test_another_learners_progress_is_a_404(learner, site):
    client, _ = learner
    other = services.module_start(learner=BeneficiaryFactory(site=site), module=module(MODULE_KEY))
    assert client.get(f"{PATH}suivi/{other.pk}/etape/carte-adresse/").status_code == 404
    assert client.post(f"{PATH}suivi/{other.pk}/etape/carte-adresse/").status_code == 404
    assert client.get(f"{PATH}suivi/{other.pk}/termine/").status_code == 404
    assert not StepResult.objects.exists()


def test_pages_are_for_signed_in_learners_only(client):
    assert client.get(PATH).status_code == 404


def test_an_unknown_module_goes_back_to_my_path(learner):
    client, _ = learner
    response = client.get(f"{PATH}inconnu/", follow=True)
    assert response.redirect_chain == [(PATH, 302)]
    assert "plus proposé" in html(response)


def test_the_path_page_runs_constant_queries(learner, module_files):
    client, person = learner

    def one_more(index):
        module_files.add(f"m-{index}", domain="appareil", level=0)
        ModuleAssignmentFactory(beneficiary=person, module_key=f"m-{index}")
        progress = services.module_start(learner=person, module=module(f"m-{index}"))
        StepResultFactory(progress=progress, step_id="carte-adresse")

    # With the diagnostic's suggestions too (appareil at level 0).
    DiagnosticResultFactory(
        diagnostic=DiagnosticFactory(beneficiary=person, finished=True), domain="appareil", level=0
    )
    module_files.add("m-suggested", domain="appareil", level=1)
    one_more(0)
    client.get(PATH)
    with CaptureQueriesContext(connection) as few:
        client.get(PATH)
    for index in range(1, 7):
        one_more(index)
    with CaptureQueriesContext(connection) as many:
        page = html(client.get(PATH))
    assert page.count("1 sur 3 étapes") == 7 and "m-suggested" in page
    assert len(many) == len(few)


def test_step_pages_are_light(learner):
    client, _ = learner
    card = begin(client)
    for url in (card, to_quiz(client), PATH):
        total, _assets = first_load_weight(html(client.get(url)))
        assert total <= LEARNER_BUDGET, f"{url}: {total} bytes"


def test_the_timeline_says_started_and_finished_with_the_answers_shown(site):
    person = BeneficiaryFactory(site=site)
    progress = services.module_start(learner=person, module=module(MODULE_KEY))
    events = timeline_events(person)
    assert [event.title for event in events] == ["Module « Écrire un e-mail » commencé"]
    StepResultFactory(progress=progress, step_id="carte-adresse", outcome=StepOutcome.READ)
    StepResultFactory(progress=progress, step_id="quiz-arobase", outcome=StepOutcome.SHOWN)
    ModuleProgress.objects.filter(pk=progress.pk).update(finished_at=progress.started_at)
    events = timeline_events(person)
    finished = next(event for event in events if event.kind == "learning.finished")
    assert isinstance(finished, TimelineEvent)
    assert finished.title == "Module « Écrire un e-mail » terminé"
    assert finished.detail == "2 étapes, 1 avec la réponse montrée"


def test_every_step_of_every_real_module_opens(settings, site):
    """The modules of content/modules/: each step page renders, light, for a learner."""
    settings.LEARNING_CONTENT_DIR = settings.BASE_DIR / "content" / "modules"
    content.clear_cache()
    client, person = signed_in_learner(site)
    for found in content.modules():
        progress = services.module_start(learner=person, module=found)
        for step in found.steps:
            response = client.get(f"{PATH}suivi/{progress.pk}/etape/{step.key}/")
            assert response.status_code == 200, (found.key, step.key)
            total, _assets = first_load_weight(html(response))
            assert total <= LEARNER_BUDGET, (found.key, step.key, total)
    content.clear_cache()
