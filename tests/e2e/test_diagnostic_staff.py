"""The team's diagnostic pages in Chromium on a 360×740 touch phone: an assisted sitting
answered by taps, the paper entry, the preview; each page fits the phone and is axe-clean."""

import pytest

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.e2e.screen import assert_fits
from tests.e2e.test_exercises import PHONE, staff_context, watch
from tisser.accounts.enums import Role
from tisser.diagnostics.enums import DiagnosticStatus
from tisser.diagnostics.models import Diagnostic
from tisser.exercises.models import Answer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fits(page):
    assert_fits(page, PHONE["width"])


def test_a_mediator_runs_an_assisted_sitting_by_taps(
    browser, live_server, site, member_factory, assert_accessible
):
    person = BeneficiaryFactory(site=site)
    context = staff_context(browser, live_server, member_factory(site, Role.MEDIATOR))
    page = context.new_page()
    problems = watch(page)
    page.goto(f"/espace-pro/dossiers/{person.pk}/")
    page.get_by_role("link", name="Diagnostic des compétences").tap()
    page.wait_for_url("**/espace-pro/diagnostics/dossier/*/")
    fits(page)
    assert_accessible(page)
    page.get_by_role("button", name="Commencer").tap()
    page.wait_for_url("**/contexte/")
    # The context questions, then the first item.
    for question in page.locator("fieldset").all():
        question.locator("input[type=radio]").first.tap()
    fits(page)
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer et commencer les questions").tap()
    page.wait_for_url("**/question/")
    assert "Question 1" in page.locator(".progress").inner_text()
    assert page.get_by_role("button", name="Écouter", exact=True).is_visible()
    fits(page)
    assert_accessible(page)
    page.get_by_role("button", name="Je ne sais pas").tap()
    page.wait_for_function(
        "() => document.querySelector('.progress').textContent.includes('Question 2')"
    )
    assert not page.locator(".feedback").count()
    answer = Answer.objects.get()
    assert answer.response == {"dont_know": True}
    diagnostic = Diagnostic.objects.get()
    assert diagnostic.status == DiagnosticStatus.IN_PROGRESS and diagnostic.mode == "assisted"
    assert not problems, problems
    context.close()


def test_the_paper_entry_and_the_preview_fit_the_phone(
    browser, live_server, site, member_factory, assert_accessible
):
    person = BeneficiaryFactory(site=site)
    context = staff_context(browser, live_server, member_factory(site, Role.MEDIATOR))
    page = context.new_page()
    problems = watch(page)
    page.goto(f"/espace-pro/diagnostics/dossier/{person.pk}/")
    page.get_by_label("Sur papier, saisi par l'équipe").check()
    page.get_by_role("button", name="Commencer").tap()
    page.wait_for_url("**/papier/")
    fits(page)
    assert_accessible(page)
    # Nothing entered: the summary of errors, nothing saved.
    page.get_by_role("button", name="Enregistrer les réponses et terminer").tap()
    page.wait_for_selector("#error-summary")
    assert_accessible(page)
    page.goto("/espace-pro/diagnostics/apercu/")
    fits(page)
    assert_accessible(page)
    page.get_by_role("link", name="Diagnostic d'entrée").tap()
    page.wait_for_url("**/apercu/entree/")
    fits(page)
    assert_accessible(page)
    page.get_by_role("button", name="Je ne sais pas").tap()
    page.wait_for_function(
        "() => document.querySelector('p.progress').textContent.includes('question 2 sur')"
    )
    assert not Answer.objects.exists()
    assert not problems, problems
    context.close()
