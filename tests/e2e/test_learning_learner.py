"""A module alone on a 360×740 touch phone: sign in with the card's code, open « Mon
parcours », do a whole module by taps (a miss and its hint, three misses and the answer
shown), close the page, come back, finish, see what was learned; axe on each step kind;
the page weight of the step pages (decision 0045)."""

import re

import pytest

from tests.e2e.page_weight import production_server  # noqa: F401 (a fixture)
from tests.e2e.test_exercises import learner_card, phone_context, sign_in_with_code, watch
from tests.e2e.test_printouts_and_phone_lists import assert_fits_the_phone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A module of content/modules/ made of cards, choices and yes/no questions.
MODULE_KEY = "site-officiel"
STEP_URL = re.compile(r".*/apprendre/modules/suivi/\d+/etape/(?P<step>[a-z0-9-]+)/$")


def assign(card):
    from tests.learning.factories import ModuleAssignmentFactory

    ModuleAssignmentFactory(beneficiary=card.beneficiary, module_key=MODULE_KEY)


def step_of(page) -> str:
    return STEP_URL.match(page.url)["step"]


def go_on(page, name="Suivant"):
    """Tap « Suivant » (a card's button or the link after an answer): the next page."""
    before = page.url
    page.locator("main .l-button", has_text=re.compile(f"^\\s*{name}")).first.tap()
    page.wait_for_url(lambda url, before=before: url != before)


def choose(page, *options):
    for option in options:
        page.locator(f'input[name="selected"][value="{option}"]').tap()
    page.get_by_role("button", name="Valider").tap()
    page.wait_for_selector(".feedback")


def say(page, word):
    page.get_by_role("button", name=word, exact=True).tap()
    page.wait_for_selector(".feedback")


def retry(page):
    page.get_by_role("link", name="Réessayer").tap()
    page.wait_for_selector(".feedback", state="detached")


def checked(page, assert_accessible):
    assert_accessible(page)
    assert_fits_the_phone(page)


def test_a_learner_does_a_module_by_taps_with_misses_resumes_and_finishes(
    browser, live_server, site, assert_accessible
):
    from tisser.learning.enums import StepOutcome
    from tisser.learning.models import ModuleProgress

    card = learner_card(site)
    assign(card)
    context = phone_context(browser, live_server)
    page = context.new_page()
    problems = watch(page)
    sign_in_with_code(page, card)

    page.get_by_role("link", name=re.compile("Mes modules")).tap()
    page.wait_for_url("**/apprendre/modules/")
    assert page.locator("h1").inner_text() == "Mon parcours"
    assert "Reconnaître un site officiel" in page.content()
    checked(page, assert_accessible)
    page.get_by_role("link", name=re.compile("^Commencer")).tap()
    page.wait_for_url(f"**/apprendre/modules/{MODULE_KEY}/")
    checked(page, assert_accessible)
    page.get_by_role("button", name="Commencer").tap()

    # Cards: text, « Écouter », « Suivant ».
    page.wait_for_url(STEP_URL)
    assert step_of(page) == "qui"
    assert page.get_by_role("button", name="Écouter").is_visible()
    assert "étape 1 sur 10" in page.locator(".m-progress").inner_text()
    checked(page, assert_accessible)
    go_on(page)
    go_on(page)

    # An exercise: a miss shows the hint, not the answer; then right.
    assert step_of(page) == "impots"
    checked(page, assert_accessible)
    choose(page, "aide")
    main = page.locator("main").inner_text()
    assert "Un indice" in main and "La bonne réponse" not in main
    assert "Encore 2 essais" in main
    checked(page, assert_accessible)
    retry(page)
    choose(page, "officiel")
    assert "impots.gouv.fr est le site officiel" in page.locator("main").inner_text()
    go_on(page)
    assert step_of(page) == "cadenas"
    go_on(page)

    # Three misses: the answer is shown in words and the module goes on (no dead end).
    assert step_of(page) == "cadenas-officiel"
    say(page, "Oui")
    retry(page)
    say(page, "Oui")
    retry(page)
    say(page, "Oui")
    main = page.locator("main").inner_text()
    assert "La bonne réponse : Non" in main and "Réessayer" not in main
    checked(page, assert_accessible)
    go_on(page)
    assert step_of(page) == "faux"

    # The phone is closed; later the learner comes back to their home.
    page.close()
    page = context.new_page()
    problems_after = watch(page)
    page.goto("/apprendre/accueil/")
    page.get_by_role("link", name=re.compile("Mes modules")).tap()
    page.wait_for_url("**/apprendre/modules/")
    assert "5 sur 10 étapes" in page.locator("main").inner_text()
    page.get_by_role("link", name=re.compile("^Continuer")).tap()
    page.wait_for_url(STEP_URL)
    assert step_of(page) == "faux"

    go_on(page)
    choose(page, "payer", "adresse")
    go_on(page)
    say(page, "Non")
    go_on(page)
    assert step_of(page) == "reflexe"
    go_on(page)
    assert step_of(page) == "recap"
    assert page.locator("h1").inner_text() == "Ce que j'ai appris"
    checked(page, assert_accessible)
    go_on(page)

    page.wait_for_url("**/termine/")
    main = page.locator("main").inner_text()
    assert "Bravo, module terminé" in main and "10 sur 10 étapes" in main and "%" not in main
    assert page.get_by_role("button", name="Écouter").is_visible()
    checked(page, assert_accessible)

    progress = ModuleProgress.objects.get(beneficiary=card.beneficiary)
    assert progress.is_finished
    outcomes = dict(progress.steps.values_list("step_id", "outcome"))
    assert outcomes["cadenas-officiel"] == StepOutcome.SHOWN
    assert outcomes["impots"] == StepOutcome.DONE and len(outcomes) == 10
    assert not problems and not problems_after, problems + problems_after
    context.close()


# --- page weight ---------------------------------------------------------------------------

FIRST_PAGE_BUDGET = 100 * 1024
NEXT_PAGE_BUDGET = 20 * 1024
RECORD_ENV = "TISSER_RECORD_PAGE_WEIGHT"
RECORD_COMMAND = (
    f"{RECORD_ENV}=1 .venv/bin/pytest tests/e2e/test_learning_learner.py -k page_weight "
    "-p no:cacheprovider"
)
# The right answers of the module's exercises, as taps.
RIGHT = {
    "impots": ("choose", ["officiel"]),
    "cadenas-officiel": ("say", "Non"),
    "signes": ("choose", ["payer", "adresse"]),
    "acte": ("say", "Non"),
}


def test_page_weight_of_the_module_pages(
    browser,
    production_server,  # noqa: F811
    site,
):
    """The first step page with an empty cache ≤ 100 KB; each next page (a card's
    « Suivant », an answer and its feedback, « Suivant » after it) ≤ 20 KB warm."""
    import os

    from tests.e2e.page_weight import Meter

    class Server:
        url = production_server

    card = learner_card(site)
    assign(card)
    context = phone_context(browser, Server)
    page = context.new_page()
    page.set_default_timeout(15_000)
    meter = Meter(context.new_cdp_session(page))
    sign_in_with_code(page, card)
    page.goto(f"/apprendre/modules/{MODULE_KEY}/")
    page.get_by_role("button", name="Commencer").tap()
    page.wait_for_url(STEP_URL)

    meter.reset(empty_cache=True)
    page.reload()
    page.wait_for_load_state("networkidle")
    first = meter.total, meter.report()
    steps = []

    def measured(action):
        meter.reset()
        action()
        page.wait_for_load_state("networkidle")
        steps.append(meter.total)

    while "/termine/" not in page.url:
        answer = RIGHT.get(step_of(page))
        if answer is not None:
            how, what = answer
            if how == "choose":
                measured(lambda what=what: choose(page, *what))
            else:
                measured(lambda what=what: say(page, what))
        measured(lambda: go_on(page))
    context.close()

    print(f"\nfirst step page, empty cache: {first[0]} B ({first[1]})")
    print(f"next pages, warm cache: {steps}")
    if os.environ.get(RECORD_ENV):
        record_page_weight(first, steps)
    assert first[0] <= FIRST_PAGE_BUDGET, first
    assert steps and max(steps) <= NEXT_PAGE_BUDGET, steps


def record_page_weight(first, steps):
    import datetime
    import platform

    import django

    from benchmarks.results import write_section

    kib = lambda n: f"{n / 1024:.1f}"  # noqa: E731
    lines = [
        "## Learner module pages: page weight (issue 14)",
        "",
        f"- Command: `{RECORD_COMMAND}`",
        f"- Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; Chromium "
        f"(Playwright), 360 × 740 touch phone; Python {platform.python_version()}, "
        f"Django {django.get_version()}.",
        "- Measure and server: as « Learner exercise pages » above (`encodedDataLength` of "
        "every response of one navigation; production static setup; HTML uncompressed).",
        f"- Content: the module `content/modules/{MODULE_KEY}.json` (cards with pictures, "
        "choices, yes/no, recap), every exercise answered right by a tap; a next page is "
        "one navigation: a card's « Suivant » (POST and redirect), an answer and its "
        "feedback, or « Suivant » after it.",
        "- Budgets (issue 14, decision 0045): first page of a module ≤ 100 KB with an empty "
        "cache; each next step ≤ 20 KB with a warm cache.",
        "",
        "| Page | KB |",
        "|---|---:|",
        f"| First step page, empty cache | {kib(first[0])} |",
        f"| Next page, warm cache, largest of {len(steps)} | {kib(max(steps))} |",
        f"| Next page, warm cache, median | {kib(sorted(steps)[len(steps) // 2])} |",
        "",
        f"First step page: {first[1]}.",
    ]
    write_section("learner-module-pages", lines)
