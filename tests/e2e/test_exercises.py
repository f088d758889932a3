"""Exercises in Chromium on a 360×740 touch phone: every type answered by taps alone, axe on
each type's page, « Écouter » with a stubbed French voice and with none."""

import pytest
from django.test import Client

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.e2e.page_weight import production_server  # noqa: F401 (a fixture)
from tests.e2e.screen import page_width
from tisser.accounts.enums import Role
from tisser.exercises.content import catalogue
from tisser.exercises.sequences import PRACTICE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}

# A French voice that records what it is asked to say (the page's CSP does not apply to
# init scripts). ``voices`` is set per test: a French one, or none at all.
SPEECH_STUB = """
(() => {
  window.__spoken = [];
  const voices = %s;
  class FakeUtterance { constructor(text) { this.text = text; this.lang = ""; this.voice = null; } }
  const synth = {
    getVoices: () => voices,
    speak: (u) => window.__spoken.push({text: u.text, lang: u.lang, voice: u.voice && u.voice.lang}),
    cancel: () => {},
    addEventListener: () => {},
  };
  Object.defineProperty(window, "speechSynthesis", {value: synth, configurable: true});
  window.SpeechSynthesisUtterance = FakeUtterance;
})();
"""
FRENCH_VOICE = '[{"name": "Amélie", "lang": "fr-FR"}, {"name": "Daniel", "lang": "en-GB"}]'
NO_FRENCH_VOICE = '[{"name": "Daniel", "lang": "en-GB"}]'


def phone_context(browser, live_server, *, voices=FRENCH_VOICE):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        has_touch=True,
        is_mobile=True,
        locale="fr-FR",
    )
    context.add_init_script(SPEECH_STUB % voices)
    return context


def watch(page):
    problems = []
    page.on("pageerror", lambda error: problems.append(f"JS error: {error}"))
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and "Content Security Policy" in m.text
            else None
        ),
    )
    page.set_default_timeout(15_000)
    return problems


def answer_by_taps(page, key: str):
    """Answer the item on the page, rightly, with taps only (no keyboard, no drag)."""
    if key == "geste-toucher":
        page.locator(".pointer-area").tap(position={"x": 10, "y": 10})  # a miss first
        assert "grow-1" in page.locator("[data-target]").get_attribute("class")
        page.locator("[data-target]").tap()
    elif key == "geste-double":
        target = page.locator("[data-target]")
        target.tap()
        target.tap()
    elif key == "geste-defiler":
        page.locator("[data-target]").scroll_into_view_if_needed()
        page.locator("[data-target]").tap()
    elif key == "geste-glisser":
        page.locator("[data-drag]").tap()
        page.locator("[data-drop]").tap()
    elif key == "choix-bouton-envoyer":
        page.locator("label.option", has_text="Envoyer").tap()
        page.get_by_role("button", name="Valider").tap()
    elif key == "oui-non-cadenas":
        page.get_by_role("button", name="Oui").tap()
    elif key == "zone-appli-messages":
        svg = page.locator("[data-zone-picture] > svg")
        box = svg.bounding_box()
        # The blue bubble is at (145, 235) of a 200 × 300 picture.
        svg.tap(position={"x": box["width"] * 145 / 200, "y": box["height"] * 235 / 300})
    elif key == "ordre-envoyer-photo":
        # Shown: photo, envoyer, ouvrir, contact. Tap a step, then tap its place.
        steps = page.locator(".step-pick")
        for text, place in (("Ouvrir", 0), ("Choisir la personne", 1)):
            page.locator(".step-pick", has_text=text).tap()
            steps.nth(place).tap()
        assert [t.strip() for t in page.locator(".step-text").all_inner_texts()] == [
            "Ouvrir l'application Messages",
            "Choisir la personne",
            "Toucher l'appareil photo et choisir la photo",
            "Toucher « Envoyer »",
        ]
        page.get_by_role("button", name="Valider").tap()
    elif key == "taper-adresse-mail":
        page.locator("textarea").tap()
        page.keyboard.type("bonjour, je voudrais un rendez-vous.")  # the phone's keyboard
        page.get_by_role("button", name="Valider").tap()
    elif key == "messagerie-arnaque-colis":
        page.locator("summary", has_text="URGENT").tap()
        page.get_by_role("button", name="Signaler une arnaque : URGENT").tap()
    elif key == "messagerie-piece-jointe":
        page.locator("summary", has_text="Votre facture").tap()
        page.get_by_role("button", name="Ouvrir la pièce jointe facture-fevrier.pdf").tap()
    elif key == "messagerie-ouvrir-medecin":
        page.get_by_role("button", name="Docteur Lambert").tap()
    elif key == "formulaire-compte-caf":
        for label, value in (
            ("Nom *", "Martin"),
            ("Prénom *", "Élise"),
            ("Code postal *", "67000"),
            ("Téléphone portable *", "06 12 34 56 78"),
        ):
            page.get_by_label(label, exact=True).tap()
            page.keyboard.type(value)
        page.get_by_label("Situation *").select_option("Demandeur d'emploi")
        page.get_by_role("button", name="Créer mon compte").tap()
    else:  # pragma: no cover
        raise AssertionError(f"no way to answer {key}")
    page.wait_for_selector(".feedback-right")


def staff_context(browser, live_server, membership):
    """A phone signed in as a staff member (the session of Django's test client)."""
    from allauth.mfa.models import Authenticator

    Authenticator.objects.get_or_create(
        user=membership.user,
        type=Authenticator.Type.TOTP,
        defaults={"data": {"secret": "JBSWY3DPEHPK3PXP"}},
    )
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session["current_membership_id"] = membership.pk
    session.save()
    context = phone_context(browser, live_server)
    context.add_cookies(
        [{"name": "sessionid", "value": session.session_key, "url": live_server.url}]
    )
    return context


PREVIEWED = [
    "geste-toucher",
    "geste-double",
    "geste-defiler",
    "geste-glisser",
    "messagerie-piece-jointe",
    "messagerie-ouvrir-medecin",
]


def test_staff_preview_every_item_answered_by_taps_nothing_saved(
    browser, live_server, site, member_factory, assert_accessible
):
    from tisser.exercises.models import Answer

    context = staff_context(browser, live_server, member_factory(site, Role.MEDIATOR))
    page = context.new_page()
    problems = watch(page)
    page.goto("/espace-pro/exercices/")
    assert page_width(page) <= PHONE["width"]
    for key in sorted(catalogue()):
        page.goto(f"/espace-pro/exercices/{key}/")
        width = page_width(page)
        assert width <= PHONE["width"], f"{key}: {width} px wide"
        if key not in PREVIEWED:
            continue
        assert page.locator(".phone-frame").is_visible()
        assert_accessible(page)
        answer_by_taps(page, key)
        assert_accessible(page)
    assert not Answer.objects.exists()
    assert not problems, problems
    context.close()


def listen_and_read(page):
    button = page.get_by_role("button", name="Écouter", exact=True)
    button.tap()
    page.wait_for_function("() => window.__spoken.length > 0")
    return page.evaluate("() => window.__spoken")


def test_staff_preview_listen_reads_the_instruction_in_french(
    browser, live_server, site, member_factory
):
    context = staff_context(browser, live_server, member_factory(site, Role.MEDIATOR))
    page = context.new_page()
    page.goto("/espace-pro/exercices/oui-non-cadenas/")
    spoken = listen_and_read(page)
    assert spoken == [
        {
            "text": "Regardez l'adresse du site. Répondez par oui ou par non.",
            "lang": "fr-FR",
            "voice": "fr-FR",
        }
    ]
    context.close()


# --- the learner ------------------------------------------------------------------------


def learner_card(site):
    from tests.learners.factories import LearnerCardFactory

    return LearnerCardFactory(beneficiary=BeneficiaryFactory(site=site, first_name="Aïcha"))


def sign_in_with_code(page, card):
    page.goto("/apprendre/")
    page.locator("input.l-code").tap()
    page.keyboard.type(card.code)
    page.get_by_role("button", name="Entrer").tap()
    page.wait_for_url("**/apprendre/accueil/")


def test_a_learner_answers_one_item_of_each_type_by_taps(
    browser, live_server, site, assert_accessible
):
    from tisser.exercises.models import Answer

    card = learner_card(site)
    context = phone_context(browser, live_server)
    page = context.new_page()
    problems = watch(page)
    sign_in_with_code(page, card)
    page.get_by_role("link", name="M'entraîner").tap()
    page.get_by_role("link", name="Commencer").tap()
    for position, key in enumerate(PRACTICE, start=1):
        page.wait_for_url(f"**/apprendre/exercices/{key}/")
        assert page.locator(".progress").inner_text() == f"Exercice {position} sur {len(PRACTICE)}"
        assert page.get_by_role("button", name="Écouter", exact=True).is_visible()
        width = page_width(page)
        assert width <= PHONE["width"], f"{key}: {width} px wide"
        assert_accessible(page)
        answer_by_taps(page, key)
        assert_accessible(page)  # the feedback too
        next_link = "Suivant" if position < len(PRACTICE) else "Terminer"
        page.get_by_role("link", name=next_link).tap()
    page.wait_for_url("**/apprendre/exercices/")
    assert "8 bonnes réponses sur 8" in page.locator("main").inner_text()
    answers = Answer.objects.filter(beneficiary=card.beneficiary)
    assert sorted(answers.values_list("item_key", flat=True)) == sorted(PRACTICE)
    assert all(answers.values_list("correct", flat=True))
    assert answers.get(item_key="geste-toucher").response["misses"] == 1
    assert not problems, problems
    context.close()


def test_listen_reads_the_instruction_in_french(browser, live_server, site):
    context = phone_context(browser, live_server, voices=FRENCH_VOICE)
    page = context.new_page()
    sign_in_with_code(page, learner_card(site))
    page.goto("/apprendre/exercices/zone-appli-messages/")
    assert listen_and_read(page) == [
        {
            "text": "Touchez l'application qui sert à envoyer des SMS.",
            "lang": "fr-FR",
            "voice": "fr-FR",
        }
    ]
    # The feedback can be listened to as well.
    page.get_by_role("button", name="Photos (fleur)").tap()
    page.get_by_role("button", name="Écouter le résultat").tap()
    page.wait_for_function("() => window.__spoken.length > 0")
    spoken = page.evaluate("() => window.__spoken")
    assert len(spoken) == 1 and spoken[0]["lang"] == "fr-FR"
    assert spoken[0]["text"].startswith("Ce n'est pas encore ça.")  # without the ✘
    assert "La bonne réponse : Messages (bulle bleue)" in spoken[0]["text"]
    context.close()


def test_listen_without_a_french_voice_says_so(browser, live_server, site):
    context = phone_context(browser, live_server, voices=NO_FRENCH_VOICE)
    page = context.new_page()
    sign_in_with_code(page, learner_card(site))
    page.goto("/apprendre/exercices/zone-appli-messages/")
    button = page.locator("button.listen")
    button.tap()
    page.wait_for_function(
        "() => document.querySelector('button.listen').textContent.includes('Pas de voix')"
    )
    assert "Pas de voix française sur cet appareil" in button.inner_text()
    assert button.get_attribute("aria-disabled") == "true"
    assert page.evaluate("() => window.__spoken") == []
    context.close()


def test_without_javascript_every_type_still_completes(browser, live_server, site):
    """The tap-only fallbacks: the server does what the script would (no JavaScript at all)."""
    from tisser.exercises.models import Answer

    card = learner_card(site)
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, has_touch=True, java_script_enabled=False
    )
    page = context.new_page()
    sign_in_with_code(page, card)
    # Pointer practice: the target is a button that completes the gesture.
    page.goto("/apprendre/exercices/geste-toucher/")
    page.locator("[data-target]").tap()
    page.wait_for_selector(".feedback-right")
    # Steps: the arrows reorder through the server, then « Valider ».
    page.goto("/apprendre/exercices/ordre-envoyer-photo/")
    for _ in range(2):
        page.get_by_role("button", name="Monter « Ouvrir l'application Messages »").tap()
    for _ in range(2):
        page.get_by_role("button", name="Monter « Choisir la personne »").tap()
    page.get_by_role("button", name="Valider").tap()
    page.wait_for_selector(".feedback-right")
    # The picture: the list of zones.
    page.goto("/apprendre/exercices/zone-appli-messages/")
    page.get_by_role("button", name="Messages (bulle bleue)").tap()
    page.wait_for_selector(".feedback-right")
    assert Answer.objects.filter(beneficiary=card.beneficiary, correct=True).count() == 3
    context.close()


# --- page weight ---------------------------------------------------------------------------

FIRST_PAGE_BUDGET = 100 * 1024
NEXT_ITEM_BUDGET = 20 * 1024
RECORD_ENV = "TISSER_RECORD_PAGE_WEIGHT"
RECORD_COMMAND = f"{RECORD_ENV}=1 .venv/bin/pytest tests/e2e/test_exercises.py -k page_weight -p no:cacheprovider"


def test_page_weight_of_the_practice_items(browser, production_server, site):  # noqa: F811
    """First item page with an empty cache ≤ 100 KB, each next item with a warm cache ≤ 20 KB
    (Chrome's encodedDataLength of every response, production static setup)."""
    import os

    from tests.e2e.page_weight import Meter

    class Server:
        url = production_server

    context = phone_context(browser, Server)
    page = context.new_page()
    meter = Meter(context.new_cdp_session(page))
    sign_in_with_code(page, learner_card(site))

    meter.reset(empty_cache=True)
    page.goto(f"/apprendre/exercices/{PRACTICE[0]}/")
    page.wait_for_load_state("networkidle")
    first = (PRACTICE[0], meter.total, meter.report())
    rows = []
    for key in PRACTICE:
        page.wait_for_url(f"**/apprendre/exercices/{key}/")
        meter.reset()
        answer_by_taps(page, key)
        page.wait_for_load_state("networkidle")
        answered = meter.total
        if key == PRACTICE[-1]:
            rows.append((key, answered, None))
            break
        meter.reset()
        page.get_by_role("link", name="Suivant").tap()
        page.wait_for_url(f"**/apprendre/exercices/{PRACTICE[PRACTICE.index(key) + 1]}/")
        page.wait_for_load_state("networkidle")
        rows.append((key, answered, meter.total))
    context.close()

    print(f"\nfirst item page, empty cache: {first[1]} B ({first[2]})")
    for key, answered, shown_next in rows:
        print(f"{key}: answer {answered} B, next item {shown_next} B")
    if os.environ.get(RECORD_ENV):
        record_page_weight(first, rows)
    assert first[1] <= FIRST_PAGE_BUDGET, first
    for key, answered, shown_next in rows:
        assert answered <= NEXT_ITEM_BUDGET, (key, answered)
        assert shown_next is None or shown_next <= NEXT_ITEM_BUDGET, (key, shown_next)


def record_page_weight(first, rows):
    import datetime
    import platform

    import django

    from benchmarks.results import write_section

    kib = lambda n: f"{n / 1024:.1f}"  # noqa: E731
    lines = [
        "## Learner exercise pages: page weight (issue 12)",
        "",
        f"- Command: `{RECORD_COMMAND}`",
        f"- Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; Chromium "
        f"(Playwright), 360 × 740 touch phone; Python {platform.python_version()}, "
        f"Django {django.get_version()}.",
        "- Measure: the sum of Chrome's `encodedDataLength` (bytes received, headers included) "
        "of every response of one navigation, read through the DevTools protocol.",
        "- Server: the app in a thread with the production static setup (`collectstatic`, "
        "WhiteNoise's compressed manifest storage: gzip, hashed names, `immutable`), DEBUG off, "
        "the real middleware. HTML is counted as the app sends it, uncompressed (nginx's gzip "
        "only makes it smaller).",
        "- Budgets: first item page ≤ 100 KB with an empty cache; each next item ≤ 20 KB "
        "with a warm cache (docs/decisions/0045-listening-accessibility-page-budget.md).",
        "",
        f"First item page ({first[0]}), empty cache: **{kib(first[1])} KB** — {first[2]}.",
        "",
        "| Item | Answer sent, feedback page (KB) | Next item page, warm cache (KB) |",
        "|---|---:|---:|",
    ]
    for key, answered, shown_next in rows:
        lines.append(
            f"| {key} | {kib(answered)} | {kib(shown_next) if shown_next is not None else '—'} |"
        )
    write_section("learner-pages", lines)


def test_staff_preview_keyboard_alone_completes_zone_order_and_gestures(
    browser, live_server, site, member_factory
):
    """The keyboard alternatives: the list of zones, pick-and-place of steps with Enter, and
    the gestures (a double-click or a drag is Enter on the target, then on the album)."""
    context = staff_context(browser, live_server, member_factory(site, Role.MEDIATOR))
    page = context.new_page()
    problems = watch(page)

    def press(locator):
        locator.focus()
        page.keyboard.press("Enter")

    page.goto("/espace-pro/exercices/zone-appli-messages/")
    press(page.get_by_role("button", name="Messages (bulle bleue)"))
    page.wait_for_selector(".feedback-right")

    page.goto("/espace-pro/exercices/ordre-envoyer-photo/")
    for text, place in (("Ouvrir", 0), ("Choisir la personne", 1)):
        press(page.locator(".step-pick", has_text=text))
        press(page.locator(".step-pick").nth(place))
    press(page.get_by_role("button", name="Valider"))
    page.wait_for_selector(".feedback-right")

    for key in ("geste-double", "geste-glisser"):
        page.goto(f"/espace-pro/exercices/{key}/")
        press(page.locator("[data-target]"))
        if key == "geste-glisser":
            press(page.locator("[data-drop]"))
        page.wait_for_selector(".feedback-right")
    assert not problems, problems
    context.close()
