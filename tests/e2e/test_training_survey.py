"""A learner answers the satisfaction survey on a 360×740 touch phone, from the SMS's short
link, by taps alone; axe on every screen; « Écouter » reads the question (issue 15)."""

import hashlib

import pytest

from tests.e2e.test_exercises import phone_context, watch
from tests.e2e.test_printouts_and_phone_lists import assert_fits_the_phone
from tests.training.factories import SurveyInvitationFactory
from tisser.training.enums import SurveyChannel
from tisser.training.models import SurveyInvitation, SurveyResponse
from tisser.training.survey_services import survey_path, survey_token
from tisser.training.surveys import SATISFACTION_QUESTIONS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _invitation(site, **fields):
    """An invitation whose link works (its token's hash kept), for ``fields`` (a period)."""
    invitation = SurveyInvitationFactory(site=site, **fields)
    invitation.token_hash = hashlib.sha256(survey_token(invitation).encode()).hexdigest()
    invitation.save(update_fields=["token_hash"])
    return invitation


def test_a_learner_answers_the_survey_by_taps_on_a_phone(
    browser, live_server, site, assert_accessible
):
    invitation = _invitation(site)
    context = phone_context(browser, live_server)
    page = context.new_page()
    problems = watch(page)
    try:
        page.goto(survey_path(invitation))
        assert page.get_by_role("heading", name="Voulez-vous répondre sans votre nom ?")
        assert_accessible(page)
        assert_fits_the_phone(page)
        page.get_by_role("button", name="Oui, sans mon nom").tap()
        for number, question in enumerate(SATISFACTION_QUESTIONS, start=1):
            page.get_by_text(f"Question {number} sur {len(SATISFACTION_QUESTIONS)}").wait_for()
            assert page.locator("#survey-text").inner_text() == str(question.text)
            assert_accessible(page)
            assert_fits_the_phone(page)
            if number == 1:
                page.get_by_role("button", name="Écouter").tap()
                spoken = page.evaluate("() => window.__spoken.map((u) => u.text)")
                assert spoken == [str(question.text)]
            # Each smiley is a big button named by its words.
            box = page.get_by_role("button", name="Satisfait", exact=True).bounding_box()
            assert box["height"] >= 48
            choice = "Très satisfait" if number != 3 else "Satisfait"
            page.get_by_role("button", name=choice, exact=True).tap()
        page.get_by_role("heading", name="Merci !").wait_for()
        assert_accessible(page)
        # The link is used: opening it again says so.
        page.goto(survey_path(invitation))
        page.get_by_role("heading", name="Vous avez déjà répondu, merci").wait_for()
        assert_accessible(page)
    finally:
        context.close()
    assert problems == []
    saved = SurveyResponse.objects.get()
    assert (saved.overall, saved.channel, saved.beneficiary) == (5, SurveyChannel.PHONE, None)
    assert saved.answers["temps"] == 4
    assert SurveyInvitation.objects.get().used_at is not None
