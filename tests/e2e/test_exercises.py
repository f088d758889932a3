"""Exercises in Chromium on a 360×740 touch phone: every type answered by taps alone, axe on
each type's page, « Écouter » with a stubbed French voice and with none."""

import pytest
from django.test import Client

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.e2e.conftest import CHROMIUM_ARGS  # noqa: F401 (the same browser flags)
from tisser.accounts.enums import Role
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
        lambda m: problems.append(m.text)
        if m.type == "error" and "Content Security Policy" in m.text
        else None,
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
    for key in PREVIEWED:
        page.goto(f"/espace-pro/exercices/{key}/")
        assert page.locator(".phone-frame").is_visible()
        assert_accessible(page)
        answer_by_taps(page, key)
        assert_accessible(page)
    assert not Answer.objects.exists()
    assert not problems, problems
    context.close()


def listen_and_read(page):
    button = page.get_by_role("button", name="Écouter")
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
