"""A module goes on when the connection drops (decision 0053, « Offline »): on a 360×740
touch phone, the learner starts a module, the phone goes offline in the middle, the next
steps are shown by the offline script and answered by taps (a miss, its hint, then right),
the phone comes back online, the queue is sent once, the server has each step done once, and
the module finishes online; axe on an offline-rendered step."""

import re

import pytest

from tests.e2e.test_exercises import learner_card, phone_context, sign_in_with_code, watch
from tests.e2e.test_learning_learner import (
    MODULE_KEY,
    STEP_URL,
    assign,
    choose,
    go_on,
    say,
    step_of,
)
from tests.e2e.test_printouts_and_phone_lists import assert_fits_the_phone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KEPT = "() => Object.keys(localStorage).some(k => /^tisser-module-\\d+$/.test(k))"
QUEUED = (
    "() => Object.keys(localStorage).filter(k => k.endsWith('-queue'))"
    ".map(k => JSON.parse(localStorage.getItem(k)).length).reduce((a, b) => a + b, 0)"
)


def until(page, check):
    """Poll from Python (the pages' CSP forbids wait_for_function's eval)."""
    for _ in range(150):
        if check():
            return
        page.wait_for_timeout(100)
    raise AssertionError("timed out")


def offline_next(page, name="Suivant"):
    """Tap a button of an offline-rendered step: the next step, on the same page."""
    before = page.locator(".m-progress").inner_text()
    page.locator("main .l-button", has_text=re.compile(f"^\\s*{name}")).first.tap()
    until(page, lambda: page.locator(".m-progress").inner_text() != before)


def test_a_learner_goes_on_offline_and_nothing_is_lost(
    browser, live_server, site, assert_accessible
):
    from tisser.exercises.models import Answer
    from tisser.learning.enums import StepOutcome
    from tisser.learning.models import ModuleProgress, StepResult

    card = learner_card(site)
    assign(card)
    context = phone_context(browser, live_server)
    page = context.new_page()
    problems = watch(page)
    sign_in_with_code(page, card)
    page.goto(f"/apprendre/modules/{MODULE_KEY}/")
    page.get_by_role("button", name="Commencer").tap()
    page.wait_for_url(STEP_URL)
    until(page, lambda: page.evaluate(KEPT))
    go_on(page)
    go_on(page)
    assert step_of(page) == "impots"

    # The connection drops: the answer is kept on the phone, the hint shows after a miss.
    context.set_offline(True)
    choose(page, "aide")
    main = page.locator("main").inner_text()
    assert "hors connexion" in main
    assert "Un indice" in main and "La bonne réponse" not in main and "Encore 2 essais" in main
    assert_accessible(page)
    page.get_by_role("button", name="Réessayer").tap()
    choose(page, "officiel")
    assert "impots.gouv.fr est le site officiel" in page.locator("main").inner_text()
    offline_next(page)

    # A card, then a yes/no question, rendered offline.
    assert page.locator("h1").inner_text() == "Le cadenas"
    assert "étape 4 sur 10" in page.locator(".m-progress").inner_text()
    assert page.get_by_role("button", name="Écouter").is_visible()
    assert_accessible(page)
    assert_fits_the_phone(page)
    offline_next(page)
    say(page, "Non")
    assert_accessible(page)
    offline_next(page)
    assert page.locator("h1").inner_text() == "Attention aux faux sites"
    offline_next(page)
    assert page.evaluate(QUEUED) == 5
    progress = ModuleProgress.objects.get(beneficiary=card.beneficiary)
    assert StepResult.objects.filter(progress=progress).count() == 2

    # Back online: the queue is sent once and the page reloads at the server's step.
    context.set_offline(False)
    page.wait_for_url(lambda url: url.endswith("/etape/signes/"))
    assert page.evaluate(QUEUED) == 0
    outcomes = dict(progress.steps.values_list("step_id", "outcome"))
    assert outcomes == {
        "qui": StepOutcome.READ,
        "adresse": StepOutcome.READ,
        "impots": StepOutcome.DONE,
        "cadenas": StepOutcome.READ,
        "cadenas-officiel": StepOutcome.DONE,
        "faux": StepOutcome.READ,
    }
    answers = Answer.objects.filter(beneficiary=card.beneficiary)
    assert answers.filter(item_key=f"{MODULE_KEY}--impots").count() == 2
    assert answers.filter(item_key=f"{MODULE_KEY}--cadenas-officiel").count() == 1

    # The rest online, to the end.
    choose(page, "payer", "adresse")
    go_on(page)
    say(page, "Non")
    go_on(page)
    go_on(page)
    assert step_of(page) == "recap"
    go_on(page)
    page.wait_for_url("**/termine/")
    assert "10 sur 10 étapes" in page.locator("main").inner_text()
    progress.refresh_from_db()
    assert progress.is_finished and progress.steps.count() == 10
    assert answers.count() == 5
    assert not problems, problems
    context.close()


ORDER = [
    "Ouvrir le navigateur internet",
    "Écrire quelques mots dans la barre de recherche",
    "Toucher « Rechercher »",
    "Lire les résultats et en choisir un",
]


def pick(page, label):
    page.get_by_role("button", name=label, exact=True).tap()
    page.wait_for_selector(".feedback")


def test_every_simple_type_goes_on_offline_to_the_end_of_a_module(
    browser, live_server, site, assert_accessible
):
    """Offline from the first step to the last: zones, a choice, yes/no and an order (a
    miss, then the steps moved by ▲), then the module ends once back online."""
    from tisser.exercises.models import Answer
    from tisser.learning.enums import StepOutcome
    from tisser.learning.models import ModuleProgress

    card = learner_card(site)
    context = phone_context(browser, live_server)
    page = context.new_page()
    problems = watch(page)
    sign_in_with_code(page, card)
    page.goto("/apprendre/modules/chercher-information/")
    page.get_by_role("button", name="Commencer").tap()
    page.wait_for_url(STEP_URL)
    until(page, lambda: page.evaluate(KEPT))

    context.set_offline(True)
    offline_next(page)
    pick(page, "Le grand cadre blanc")
    assert_accessible(page)
    offline_next(page)
    offline_next(page)
    choose(page, "courte")
    offline_next(page)
    offline_next(page)
    say(page, "Oui")
    offline_next(page)

    # The order as shown is wrong: the hint; then each step moved up to its place.
    page.get_by_role("button", name="Valider").tap()
    page.wait_for_selector(".feedback")
    assert "Encore 2 essais" in page.locator("main").inner_text()
    page.get_by_role("button", name="Réessayer").tap()
    for place, text in enumerate(ORDER):
        while page.locator("ol.steps .step-text").all_inner_texts().index(text) > place:
            page.get_by_role("button", name=f"Monter « {text} »").tap()
    assert page.locator("ol.steps .step-text").all_inner_texts() == ORDER
    assert_accessible(page)
    page.get_by_role("button", name="Valider").tap()
    page.wait_for_selector(".feedback-right")
    offline_next(page)
    pick(page, "Horaires")
    offline_next(page)
    assert page.locator("h1").inner_text() == "Ce que j'ai appris"
    page.locator("main .l-button", has_text="Suivant").tap()
    page.wait_for_selector("text=Vos réponses seront envoyées quand la connexion sera là.")
    assert_accessible(page)

    context.set_offline(False)
    page.wait_for_url("**/termine/")
    progress = ModuleProgress.objects.get(beneficiary=card.beneficiary)
    assert progress.is_finished
    outcomes = dict(progress.steps.values_list("step_id", "outcome"))
    assert len(outcomes) == 9 and outcomes["ordre"] == StepOutcome.DONE
    assert outcomes["barre"] == outcomes["horaires"] == StepOutcome.DONE
    answers = Answer.objects.filter(beneficiary=card.beneficiary)
    assert answers.count() == 6 and answers.filter(correct=False).count() == 1
    assert not problems, problems
    context.close()
