"""The six level-3 modules on a 360×740 touch phone: every step page (cards with their
pictures, zones, forms, mailboxes, orders, the recap) has no serious or critical axe
violation and fits the phone; one zone is answered by a tap on its picture."""

import pytest

from tests.e2e.test_exercises import learner_card, phone_context, sign_in_with_code, watch
from tests.e2e.test_printouts_and_phone_lists import assert_fits_the_phone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LEVEL_3 = (
    "ranger-fichiers",
    "verifier-information",
    "partager-document",
    "suivre-demarche",
    "proteger-comptes",
    "suivre-candidatures",
)


def test_every_step_of_the_level_3_modules_is_accessible_on_a_phone(
    browser, live_server, site, assert_accessible
):
    from tisser.learning import content, services

    card = learner_card(site)
    context = phone_context(browser, live_server)
    page = context.new_page()
    problems = watch(page)
    sign_in_with_code(page, card)
    for key in LEVEL_3:
        found = content.module(key)
        assert found is not None and found.level == 3
        progress = services.module_start(learner=card.beneficiary, module=found)
        for step in found.steps:
            page.goto(f"/apprendre/modules/suivi/{progress.pk}/etape/{step.key}/")
            assert page.locator("h1").count() == 1, (key, step.key)
            assert_accessible(page)
            assert_fits_the_phone(page)

    # A zone is a tap on the picture: the article's date line, then the step's success words.
    progress = services.module_start(
        learner=card.beneficiary, module=content.module("verifier-information")
    )
    page.goto(f"/apprendre/modules/suivi/{progress.pk}/etape/date/")
    picture = page.locator("[data-zone-picture]")
    box = picture.bounding_box()
    scale = box["width"] / 240
    picture.tap(position={"x": 120 * scale, "y": 128 * scale})
    page.wait_for_selector(".feedback")
    assert "L'article date de 2019" in page.locator("main").inner_text()
    assert_accessible(page)
    assert not problems
