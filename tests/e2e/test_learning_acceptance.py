"""Issue 14's acceptance in Chromium on a 360×740 touch phone (decision 0053, « Acceptance
in the browser »).

1. A learner signs in by typing the code of their card, opens « Mon parcours » and does the
   whole simulation module `mail-joindre` given by their mediator, by taps: cards,
   exercises, a miss then the right answer, three misses (the answer shown); the network is
   cut in the middle, the offline script goes on over a few steps (skipping the mailbox and
   the simulation, which come back later), the network comes back, the queue is sent once
   (sent again: nothing more), the webmail is done online and the module ends. The mediator
   then sees the module finished, the time spent and the failed steps by name.
2. axe on one step of each kind the catalogue uses (card, each exercise type, simulation,
   recap, completion page) and on every screen of every simulation of the catalogue, each
   fitting the phone; and a simulation page loaded online then tapped offline is left for
   later, with nothing queued for it.
"""

import re

import pytest

from tests.e2e.test_exercises import (
    learner_card,
    phone_context,
    sign_in_with_code,
    staff_context,
    watch,
)
from tests.e2e.test_learning_learner import STEP_URL, choose, go_on, retry, say, step_of
from tests.e2e.test_learning_offline import KEPT, QUEUED, offline_next, until
from tests.e2e.test_printouts_and_phone_lists import assert_fits_the_phone
from tisser.accounts.enums import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MODULE_KEY = "mail-joindre"
TITLE = "Joindre un fichier à un e-mail"
LATER = "cette étape reviendra quand la connexion sera là"

# The device's queue, read back (one module, so one queue).
QUEUE = (
    "() => JSON.parse(localStorage.getItem(Object.keys(localStorage)"
    ".find(k => k.endsWith('-queue'))) || '[]')"
)
# The queue posted again by hand, as a device whose reply was lost would.
RESEND = """async (queue) => {
    const box = document.getElementById('m-offline');
    const csrf = document.querySelector('input[name=csrfmiddlewaretoken]').value;
    const reply = await fetch(box.dataset.sync, {
        method: 'POST', credentials: 'same-origin',
        headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf},
        body: JSON.stringify({queue: queue}),
    });
    return [reply.status, await reply.json()];
}"""


def checked(page, assert_accessible):
    assert_accessible(page)
    assert_fits_the_phone(page)


def tap(page, name):
    page.get_by_role("button", name=name, exact=True).tap()


def sim_screen(page, title, assert_accessible):
    page.wait_for_selector(f"#sim-screen:text-is('{title}')")
    assert "Entraînement" in page.locator(".sim-banner").inner_text()
    checked(page, assert_accessible)


def test_a_learner_does_the_simulation_module_with_the_network_cut_and_the_mediator_sees_it(
    browser, live_server, site, member_factory, assert_accessible
):
    from tisser.exercises.models import Answer
    from tisser.learning import assignments
    from tisser.learning.enums import StepOutcome
    from tisser.learning.models import ModuleProgress, StepResult

    mediator = member_factory(site, Role.MEDIATOR)
    card = learner_card(site)
    assignments.module_assign(
        actor=mediator, beneficiary=card.beneficiary, module_keys=[MODULE_KEY]
    )
    context = phone_context(browser, live_server)
    page = context.new_page()
    problems = watch(page)
    sign_in_with_code(page, card)

    # « Mon parcours »: the module given by the mediator, then « Commencer ».
    page.get_by_role("link", name=re.compile("Mes modules")).tap()
    page.wait_for_url("**/apprendre/modules/")
    assert page.locator("h1").inner_text() == "Mon parcours"
    assert TITLE in page.locator("main").inner_text()
    checked(page, assert_accessible)
    page.get_by_role("link", name=f"Commencer : {TITLE}").tap()
    page.wait_for_url(f"**/apprendre/modules/{MODULE_KEY}/")
    checked(page, assert_accessible)
    page.get_by_role("button", name="Commencer").tap()
    page.wait_for_url(STEP_URL)

    # A card, then a choice: a deliberate miss (its hint), then the right answer.
    assert step_of(page) == "piece"
    assert "étape 1 sur 10" in page.locator(".m-progress").inner_text()
    until(page, lambda: page.evaluate(KEPT))  # the module is on the phone
    go_on(page)
    assert step_of(page) == "trombone"
    checked(page, assert_accessible)
    choose(page, "corbeille")
    main = page.locator("main").inner_text()
    assert "Cherchez le trombone" in main and "Encore 2 essais" in main
    assert "La bonne réponse" not in main
    checked(page, assert_accessible)
    retry(page)
    choose(page, "trombone")
    assert "Le trombone ajoute une pièce jointe" in page.locator("main").inner_text()
    go_on(page)
    assert step_of(page) == "joindre"
    go_on(page)

    # An order, three misses: the right order is shown and the module goes on.
    assert step_of(page) == "ordre"
    checked(page, assert_accessible)
    for attempt in range(3):
        if attempt:
            retry(page)
        page.get_by_role("button", name="Valider").tap()
        page.wait_for_selector(".feedback")
    main = page.locator("main").inner_text()
    assert "Le bon ordre" in main and "Réessayer" not in main
    assert page.locator("ol.right-order li").all_inner_texts()[0] == (
        "Écrire l'adresse, l'objet et le message"
    )
    checked(page, assert_accessible)
    go_on(page)
    assert step_of(page) == "nom"

    # The network drops: the card, a choice, the mailbox left for later, a yes/no with a
    # miss, the webmail left for later and the recap go on from the phone.
    context.set_offline(True)
    offline_next(page)
    assert "hors connexion" in page.locator("main").inner_text()
    choose(page, "clair")
    assert "On sait tout de suite ce que c'est" in page.locator("main").inner_text()
    offline_next(page)
    assert LATER in page.locator("h1").inner_text()  # the mailbox
    checked(page, assert_accessible)
    offline_next(page)
    say(page, "Oui")
    assert "Encore 2 essais" in page.locator("main").inner_text()
    checked(page, assert_accessible)
    page.get_by_role("button", name="Réessayer").tap()
    say(page, "Non")
    assert "un fichier trop lourd est refusé" in page.locator("main").inner_text()
    offline_next(page)
    assert LATER in page.locator("h1").inner_text()  # the webmail
    assert "étape 9 sur 10" in page.locator(".m-progress").inner_text()
    offline_next(page)
    assert page.locator("h1").inner_text() == "Ce que j'ai appris"
    checked(page, assert_accessible)
    page.locator("main .l-button", has_text="Suivant").tap()
    page.wait_for_selector("text=Vos réponses seront envoyées quand la connexion sera là.")
    checked(page, assert_accessible)
    queue = page.evaluate(QUEUE)
    # A card, a choice, a miss and the right answer, the recap: nothing for the skipped steps.
    assert [entry["step"] for entry in queue] == ["nom", "nom-clair", "lourd", "lourd", "recap"]
    progress = ModuleProgress.objects.get(beneficiary=card.beneficiary)
    assert progress.steps.count() == 4

    # Back online: the queue is sent once and the phone goes to the first step left.
    context.set_offline(False)
    page.wait_for_url(lambda url: url.endswith("/etape/ouvrir/"))
    assert page.evaluate(QUEUED) == 0
    answers = Answer.objects.filter(beneficiary=card.beneficiary)

    def per_step():
        return {
            "results": dict(progress.steps.values_list("step_id", "outcome")),
            "misses": dict(progress.steps.values_list("step_id", "misses")),
            "answers": sorted(answers.values_list("item_key", "correct")),
        }

    sent = per_step()
    assert sent["results"] == {
        "piece": StepOutcome.READ,
        "trombone": StepOutcome.DONE,
        "joindre": StepOutcome.READ,
        "ordre": StepOutcome.SHOWN,
        "nom": StepOutcome.READ,
        "nom-clair": StepOutcome.DONE,
        "lourd": StepOutcome.DONE,
        "recap": StepOutcome.READ,
    }
    assert sent["misses"]["trombone"] == 1 and sent["misses"]["lourd"] == 1
    assert sent["misses"]["ordre"] == 3
    assert [key for key, _ in sent["answers"]].count(f"{MODULE_KEY}--lourd") == 2
    assert [key for key, _ in sent["answers"]].count(f"{MODULE_KEY}--nom-clair") == 1
    # The same queue sent again (a lost reply): nothing more on the server.
    status, reply = page.evaluate(RESEND, queue)
    assert status == 200 and reply["recorded"] == 0
    assert per_step() == sent

    # Online again: the mailbox, then the webmail by taps, then the end.
    checked(page, assert_accessible)
    page.locator("summary", has_text="Votre attestation").tap()
    tap(page, "Ouvrir la pièce jointe attestation-caf.pdf")
    page.wait_for_selector(".feedback-right")
    go_on(page)
    assert step_of(page) == "webmail"
    sim_screen(page, "Bienvenue sur Courriel Facile", assert_accessible)
    tap(page, "Créer une adresse")
    sim_screen(page, "Créer mon adresse", assert_accessible)
    page.get_by_label("Adresse choisie").tap()
    page.keyboard.type("lina.martin")
    page.get_by_label("Mot de passe").tap()
    page.keyboard.type("un-mot-de-passe-long")
    tap(page, "Créer mon adresse")
    sim_screen(page, "Boîte de réception", assert_accessible)
    tap(page, "Écrire un message")
    sim_screen(page, "Nouveau message", assert_accessible)
    for label, value in (
        ("À", "conseil@agence.exemple.fr"),
        ("Objet", "Attestation"),
        ("Message", "Bonjour, voici mon attestation."),
    ):
        page.get_by_role("textbox", name=label, exact=True).tap()
        page.keyboard.type(value)
    tap(page, "Joindre un fichier")
    sim_screen(page, "Choisir un fichier", assert_accessible)
    tap(page, "attestation.pdf")
    sim_screen(page, "Nouveau message", assert_accessible)
    tap(page, "Envoyer")
    page.wait_for_selector("#apres")
    assert "votre message est parti avec la pièce jointe" in page.locator("#apres").inner_text()
    checked(page, assert_accessible)
    go_on(page, "Terminer")

    page.wait_for_url("**/termine/")
    main = page.locator("main").inner_text()
    assert "Bravo, module terminé" in main and "10 sur 10 étapes" in main and "%" not in main
    checked(page, assert_accessible)
    progress.refresh_from_db()
    assert progress.is_finished and progress.seconds_spent > 0
    assert StepResult.objects.filter(progress=progress).count() == 10
    assert (
        answers.count() == 2 + 3 + 1 + 1 + 2 + 1
    )  # trombone, ordre, nom-clair, ouvrir, lourd, webmail
    assert answers.values("idempotency_key").distinct().count() == answers.count()
    assert not problems, problems
    context.close()

    # The mediator: the module finished, the time spent, the failed steps by name.
    staff = staff_context(browser, live_server, mediator)
    page = staff.new_page()
    problems = watch(page)
    page.goto(f"/espace-pro/modules/dossier/{card.beneficiary.pk}/")
    row = page.locator("tr", has_text=TITLE)
    state = row.locator("td[data-label='État']").inner_text()
    assert state.startswith("Terminé le")
    spent = row.locator("td[data-label='Temps passé']").inner_text()
    assert spent == f"{round(progress.seconds_spent / 60)} min"
    failed = row.locator("td[data-label='Étapes difficiles']").inner_text()
    assert "Quel bouton sert à joindre un fichier ? (1 essai manqué)" in failed
    assert (
        "Remettez les étapes dans l'ordre pour envoyer un justificatif. (réponse montrée)" in failed
    )
    assert "Répondez par oui ou par non. (1 essai manqué)" in failed
    assert "webmail" not in failed and "Créez l'adresse" not in failed  # right the first time
    checked(page, assert_accessible)
    assert not problems, problems
    staff.close()


# --- axe on each step kind and every simulation screen ---------------------------------------


def _step_url(progress, step_key):
    return f"/apprendre/modules/suivi/{progress.pk}/etape/{step_key}/"


def _kinds_to_visit():
    """One (module, step) for each step kind of the catalogue, exercises by engine type."""
    from tisser.learning.content import catalogue
    from tisser.learning.enums import StepKind

    found = {}
    for current in catalogue().values():
        for step in current.steps:
            kind = step.item.type if step.kind == StepKind.EXERCISE else str(step.kind)
            found.setdefault(kind, (current, step))
    return found


def open_step(page, progress, step_key):
    """Open a step page and wait for the offline script to keep its module: the live
    server's threads share one SQLite connection, so a request racing that fetch may find
    the table locked."""
    page.goto(_step_url(progress, step_key))
    kept = f"() => localStorage.getItem('tisser-module-{progress.pk}') !== null"
    until(page, lambda: page.evaluate(kept))


def show_screen(page, screen_id):
    """Show a screen of the simulation on the page: the player shows the screen carried by
    the form when no action of it is tapped (``simulation.play_tap``)."""
    with page.expect_navigation():
        page.evaluate(
            """(id) => {
                const form = document.querySelector('form.sim-frame');
                form.querySelector('input[name=screen]').value = id;
                form.requestSubmit();
            }""",
            screen_id,
        )


def test_each_step_kind_and_every_simulation_screen_is_accessible_on_the_phone(
    browser, live_server, site, assert_accessible
):
    from tests.learning.factories import ModuleProgressFactory
    from tisser.learning import services
    from tisser.learning.content import catalogue
    from tisser.learning.enums import StepKind

    card = learner_card(site)
    learner = card.beneficiary
    context = phone_context(browser, live_server)
    page = context.new_page()
    problems = watch(page)
    sign_in_with_code(page, card)
    progress = {}

    def progress_of(current):
        if current.key not in progress:
            progress[current.key] = services.module_start(learner=learner, module=current)
        return progress[current.key]

    kinds = _kinds_to_visit()
    assert {"card", "recap", "simulation", "choice", "yes_no"} <= set(kinds), sorted(kinds)
    for kind, (current, step) in sorted(kinds.items()):
        open_step(page, progress_of(current), step.key)
        assert step_of(page) == step.key, (kind, page.url)
        assert page.get_by_role("button", name="Écouter").first.is_visible(), kind
        checked(page, assert_accessible)

    # The completion page of a finished module.
    first = next(m for m in catalogue().values() if m.key not in progress)
    done = ModuleProgressFactory(beneficiary=learner, module_key=first.key, finished=True)
    page.goto(f"/apprendre/modules/suivi/{done.pk}/termine/")
    assert "Bravo, module terminé" in page.locator("main").inner_text()
    checked(page, assert_accessible)

    # Every screen of every simulation, then the feedback of an ending tap.
    simulations = [
        (current, step)
        for current in catalogue().values()
        for step in current.steps
        if step.kind == StepKind.SIMULATION
    ]
    assert len(simulations) >= 2
    for current, step in simulations:
        open_step(page, progress_of(current), step.key)
        content = step.item.content
        for screen in content["screens"]:
            show_screen(page, screen["id"])
            shown = page.locator("#sim-screen").inner_text()
            assert shown == screen["title"], (current.key, screen["id"], shown)
            assert "Entraînement" in page.locator(".sim-banner").inner_text()
            try:
                checked(page, assert_accessible)
            except AssertionError as error:
                raise AssertionError(f"{current.key} / {screen['id']}: {error}") from error
        ending = next(
            (screen["id"], element["id"])
            for screen in content["screens"]
            for element in screen["elements"]
            if element["kind"] == "action" and element.get("end")
        )
        show_screen(page, ending[0])
        with page.expect_navigation():
            page.locator(f'button[name="tap"][value="{ending[1]}"]').tap()
        page.wait_for_selector("#apres")
        assert "Entraînement" in page.locator(".sim-banner").inner_text()
        checked(page, assert_accessible)

    # A simulation page loaded online, tapped offline: left for later, nothing queued.
    open_step(page, progress[MODULE_KEY], "webmail")
    context.set_offline(True)
    tap(page, "Créer une adresse")
    page.wait_for_selector(f"h1:has-text('{LATER}')")
    checked(page, assert_accessible)
    offline_next(page)
    assert page.locator("h1").inner_text() == "Ce que j'ai appris"
    assert page.evaluate(QUEUED) == 0
    context.set_offline(False)
    assert not problems, problems
    context.close()
