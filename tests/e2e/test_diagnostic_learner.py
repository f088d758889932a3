"""The diagnostic alone on a 360×740 touch phone: sign in with the card's code, take it by
taps only, close the page halfway, come back, finish, see the results; axe on the start,
item and results pages; the page weight of the item and results pages (decision 0045)."""

import re

import pytest

# The tiny framework of tests/diagnostics/content.py, without modules (a fixture).
from tests.diagnostics.conftest import skills_content  # noqa: F401
from tests.e2e.page_weight import production_server  # noqa: F401 (a fixture)
from tests.e2e.test_exercises import learner_card, phone_context, sign_in_with_code, watch
from tests.e2e.test_printouts_and_phone_lists import assert_fits_the_phone
from tisser.diagnostics import adaptive, framework

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("skills_content"),
]

ITEM_URL = re.compile(r".*/apprendre/diagnostic/\d+/question/(?P<key>[a-z0-9-]+)/$")


def item_level(url: str) -> int:
    # diag-<domain>-<form>-<level>-<n>
    return int(ITEM_URL.match(url)["key"].split("-")[-2])


def answer_current_item(page):
    """A learner right up to level 2: « Oui » (right) at 0–2, « Non » (wrong) above."""
    level = item_level(page.url)
    page.get_by_role("button", name="Oui" if level <= 2 else "Non").tap()


def test_a_learner_takes_the_diagnostic_alone_by_taps_resumes_and_sees_results(
    browser, live_server, site, assert_accessible
):
    from tisser.diagnostics.models import Diagnostic
    from tisser.exercises.models import Answer

    card = learner_card(site)
    context = phone_context(browser, live_server)
    page = context.new_page()
    problems = watch(page)
    sign_in_with_code(page, card)

    page.get_by_role("link", name=re.compile("Mon diagnostic")).tap()
    page.wait_for_url("**/apprendre/diagnostic/")
    assert "environ 20 minutes" in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Commencer").tap()

    # The context questions, as big buttons.
    page.wait_for_selector("text=Avez-vous un smartphone ?")
    page.get_by_role("button", name="Oui").tap()
    page.wait_for_selector("text=Avez-vous internet à la maison ?")
    page.get_by_role("button", name="Non").tap()

    page.wait_for_url(ITEM_URL)
    assert page.locator(".d-progress").inner_text() == "Question 1"
    assert page.get_by_role("button", name="Écouter").is_visible()
    assert_accessible(page)
    for number in (1, 2, 3):
        assert page.locator(".d-progress").inner_text() == f"Question {number}"
        before = page.url
        answer_current_item(page)
        page.wait_for_url(lambda url, before=before: url != before and ITEM_URL.match(url))
        assert "juste" not in page.content()  # no right / wrong shown
    before = page.url
    page.get_by_role("button", name="Je ne sais pas").tap()
    page.wait_for_url(lambda url: url != before and ITEM_URL.match(url))
    assert page.locator(".d-progress").inner_text() == "Question 5"
    assert Answer.objects.filter(beneficiary=card.beneficiary).count() == 4

    # The phone is closed halfway; later the learner comes back to their home.
    page.close()
    page = context.new_page()
    problems_after = watch(page)
    page.goto("/apprendre/accueil/")
    page.get_by_role("link", name=re.compile("Mon diagnostic")).tap()
    page.wait_for_url("**/apprendre/diagnostic/")
    assert "Vous avez déjà répondu à 4 questions." in page.content()
    page.get_by_role("button", name="Continuer").tap()
    page.wait_for_url(ITEM_URL)
    assert page.locator(".d-progress").inner_text() == "Question 5"

    for _turn in range(30):
        if "/resultats/" in page.url:
            break
        before = page.url
        answer_current_item(page)
        page.wait_for_url(lambda url, before=before: url != before)
    page.wait_for_url("**/resultats/")
    assert page.locator("h1").inner_text() == "Mes résultats"
    stars = page.locator(".d-stars")
    assert stars.count() == 2
    assert stars.first.get_attribute("aria-label") == "2 étoiles sur 4"
    assert page.get_by_role("button", name="Écouter").first.is_visible()
    main = page.locator("main").inner_text()
    assert "%" not in main
    assert "Je progresse" in main
    assert_accessible(page)

    diagnostic = Diagnostic.objects.get(beneficiary=card.beneficiary)
    assert diagnostic.is_finished and diagnostic.mode == "alone"
    assert {r.domain: r.level for r in diagnostic.results.all()} == {
        "appareil": 2,
        "securite": 2,
    }
    assert not problems and not problems_after, problems + problems_after
    context.close()


def test_the_real_forms_by_taps_with_dont_know_are_accessible(
    browser, live_server, site, assert_accessible
):
    """The project's own entry form: every item page it shows is axe-clean, keeps no key,
    and « Je ne sais pas » alone (taps) leads to the results, all domains at level 0."""
    from tisser.diagnostics.models import Diagnostic

    card = learner_card(site)
    context = phone_context(browser, live_server)
    page = context.new_page()
    problems = watch(page)
    sign_in_with_code(page, card)
    page.goto("/apprendre/diagnostic/")
    page.get_by_role("button", name="Commencer").tap()
    page.wait_for_url("**/questions-de-depart/")
    asked = 0
    while "/questions-de-depart/" in page.url:
        title = page.title()
        page.locator(".d-choices button").first.tap()
        page.wait_for_function("t => document.title !== t", arg=title)
        asked += 1
    assert asked == len(framework.context_questions())
    seen = 0
    while "/resultats/" not in page.url:
        page.wait_for_url(ITEM_URL)
        assert page.locator(".feedback").count() == 0
        assert_accessible(page)
        assert_fits_the_phone(page)
        before = page.url
        page.get_by_role("button", name="Je ne sais pas").tap()
        page.wait_for_url(lambda url, before=before: url != before)
        seen += 1
    diagnostic = Diagnostic.objects.get(beneficiary=card.beneficiary)
    assert diagnostic.item_count == seen
    assert adaptive.MIN_ITEMS <= seen <= adaptive.MAX_ITEMS
    assert set(diagnostic.results.values_list("level", flat=True)) == {0}
    assert page.locator(".d-stars").first.get_attribute("aria-label") == "0 étoile sur 4"
    assert_accessible(page)
    assert_fits_the_phone(page)
    assert not problems, problems
    context.close()


# --- page weight ---------------------------------------------------------------------------

FIRST_PAGE_BUDGET = 100 * 1024
NEXT_PAGE_BUDGET = 20 * 1024
RECORD_ENV = "TISSER_RECORD_PAGE_WEIGHT"
RECORD_COMMAND = (
    f"{RECORD_ENV}=1 .venv/bin/pytest tests/e2e/test_diagnostic_learner.py -k page_weight "
    "-p no:cacheprovider"
)


def test_page_weight_of_the_diagnostic_pages(
    browser,
    production_server,  # noqa: F811
    site,
):
    """On the project's own entry form, answered « Je ne sais pas » throughout: the first
    item page with an empty cache ≤ 100 KB; each next item (the answer sent and the next
    item shown, one navigation) ≤ 20 KB warm; the results page ≤ 20 KB warm and ≤ 100 KB
    with an empty cache."""
    import os

    from tests.e2e.page_weight import Meter

    class Server:
        url = production_server

    context = phone_context(browser, Server)
    page = context.new_page()
    page.set_default_timeout(15_000)
    meter = Meter(context.new_cdp_session(page))
    sign_in_with_code(page, learner_card(site))
    page.goto("/apprendre/diagnostic/")
    page.get_by_role("button", name="Commencer").tap()
    page.wait_for_url("**/questions-de-depart/")
    while "/questions-de-depart/" in page.url:
        title = page.title()
        page.locator(".d-choices button").first.tap()
        page.wait_for_function("t => document.title !== t", arg=title)
    page.wait_for_url(ITEM_URL)

    meter.reset(empty_cache=True)
    page.reload()
    page.wait_for_load_state("networkidle")
    first = meter.total, meter.report()
    steps = []
    while "/resultats/" not in page.url:
        before = page.url
        meter.reset()
        page.get_by_role("button", name="Je ne sais pas").tap()
        page.wait_for_url(lambda url, before=before: url != before)
        page.wait_for_load_state("networkidle")
        steps.append(meter.total)
    results_warm = steps.pop()  # the last answer lands on the results page
    meter.reset(empty_cache=True)
    page.reload()
    page.wait_for_load_state("networkidle")
    results_empty = meter.total, meter.report()
    context.close()

    print(f"\nfirst item page, empty cache: {first[0]} B ({first[1]})")
    print(f"next items, warm cache: {steps}")
    print(f"results: warm {results_warm} B, empty cache {results_empty[0]} B ({results_empty[1]})")
    if os.environ.get(RECORD_ENV):
        record_page_weight(first, steps, results_warm, results_empty)
    assert first[0] <= FIRST_PAGE_BUDGET, first
    assert steps and max(steps) <= NEXT_PAGE_BUDGET, steps
    assert results_warm <= NEXT_PAGE_BUDGET, results_warm
    assert results_empty[0] <= FIRST_PAGE_BUDGET, results_empty


def record_page_weight(first, steps, results_warm, results_empty):
    import datetime
    import platform

    import django

    from benchmarks.results import write_section

    kib = lambda n: f"{n / 1024:.1f}"  # noqa: E731
    lines = [
        "## Learner diagnostic pages: page weight (issue 13)",
        "",
        f"- Command: `{RECORD_COMMAND}`",
        f"- Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; Chromium "
        f"(Playwright), 360 × 740 touch phone; Python {platform.python_version()}, "
        f"Django {django.get_version()}.",
        "- Measure and server: as « Learner exercise pages » above (`encodedDataLength` of "
        "every response of one navigation; production static setup; HTML uncompressed).",
        "- Content: the project's entry form (content/skills, content/exercises/diag-*.json), "
        "every item answered « Je ne sais pas » by a tap (so the items asked are those of "
        "the low levels); an item page is the exercise engine's page (pictures inlined) plus "
        "the diagnostic's progress, « Je ne sais pas » and its small stylesheet.",
        "- Budgets (decision 0045): first page ≤ 100 KB with an empty cache; every next page "
        "≤ 20 KB with a warm cache.",
        "",
        "| Page | KB |",
        "|---|---:|",
        f"| First item page, empty cache | {kib(first[0])} |",
        f"| Next item (answer sent + next item shown), warm cache, largest of {len(steps)} "
        f"| {kib(max(steps))} |",
        f"| Next item, warm cache, median | {kib(sorted(steps)[len(steps) // 2])} |",
        f"| Results page after the last answer, warm cache | {kib(results_warm)} |",
        f"| Results page, empty cache | {kib(results_empty[0])} |",
        "",
        f"First item page: {first[1]}.",
    ]
    write_section("learner-diagnostic-pages", lines)
