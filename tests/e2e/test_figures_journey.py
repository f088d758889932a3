"""Issue 16's acceptance journey in Chromium: one person, from the partner's referral to the
satisfaction survey, every step through the pages its real user opens; then the scheduled
refresh of the roll-ups, and every step shows in the right figure of the site's dashboard
(compared with the same dashboard before the journey), and in the funder's wherever the
test data puts that figure at 10 or more (nine other people prepared by factories),
« moins de 10 » elsewhere.

Set up by factories only what no page makes: the programme and its cohort, the recharge in
stock, the learner's card, the survey invitation, the funder
with its convention and the nine other people.
"""

import datetime
import re

import pytest
from django.utils import timezone

from tests.accounts.factories import FunderFactory, MembershipFactory
from tests.beneficiaries.factories import AccompanimentPeriodFactory
from tests.diagnostics.factories import DiagnosticFactory
from tests.e2e.demo_snapshot import seed_ci_demo
from tests.e2e.test_acceptance import sign_in
from tests.e2e.test_exercises import phone_context, sign_in_with_code, watch
from tests.e2e.test_learning_learner import RIGHT, STEP_URL, choose, go_on, say, step_of
from tests.e2e.test_learning_offline import ORDER, pick
from tests.e2e.test_printouts_and_phone_lists import signed_in
from tests.e2e.test_referral_journey import (
    accept_with_an_appointment,
    fill_and_send_the_referral_form,
    record_that_the_person_came,
)
from tests.e2e.test_training_survey import _invitation
from tests.funding.factories import ConventionFactory
from tests.learners.factories import LearnerCardFactory
from tests.offers.factories import OfferFactory
from tests.offers.stock_helpers import receive_vouchers
from tests.training.factories import (
    CohortFactory,
    CohortSessionFactory,
    ProgrammeFactory,
    ProgrammeSessionFactory,
)
from tisser.accounts import demo
from tisser.accounts.enums import Role
from tisser.accounts.models import Site
from tisser.beneficiaries.models import AccompanimentPeriod, Beneficiary
from tisser.core import clock
from tisser.diagnostics.enums import DiagnosticKind, DiagnosticStatus
from tisser.diagnostics.models import Diagnostic
from tisser.funding.enums import OfferFamily
from tisser.offers.enums import Tracking
from tisser.reporting import rollups
from tisser.sales.enums import SaleStatus
from tisser.sales.models import Sale
from tisser.training.models import Attendance, Enrolment
from tisser.training.survey_services import survey_path
from tisser.training.surveys import SATISFACTION_QUESTIONS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FIRST_NAME, LAST_NAME, PHONE = "Yasmina", "Oberlin-Traoré", "06 12 55 44 33"
PASSWORD = "un mot de passe de test assez long"
FEWER_THAN = "moins de 10"
SECOND_MODULE = "chercher-information"
# What the journey adds to the site's figures (staff view, no rule of ten), by indicator.
ADDED = {
    "referrals_received": 1,
    "referrals_accepted": 1,
    "people_came": 1,
    "referrals_with_appointment": 1,
    "entry_diagnostics": 1,
    "exit_diagnostics": 1,
    "people_started_module": 1,
    "modules_started": 2,
    "people_completed_module": 1,
    "modules_completed": 2,
    "people_helped": 1,
    "programme_enrolled": 1,
    "programme_trainees": 1,
    "people_offers": 1,
    "people_connected": 1,
    "survey_answers": 1,
}
# Figures the nine other people bring to nine for the funder: ten with our person.
TEN_WITH_OUR_PERSON = ("entry_diagnostics", "exit_diagnostics")
# Figures the funder sees under ten whatever the journey.
UNDER_TEN = ("people_completed_module", "modules_completed")


@pytest.fixture
def world():
    seed_ci_demo()
    site = Site.objects.get(name=demo.STRASBOURG_SITE)
    today = clock.localdate()
    programme = ProgrammeFactory(network=site.network, partner=None, convention=None)
    plan = ProgrammeSessionFactory(programme=programme, position=1, duration_minutes=180)
    cohort = CohortFactory(site=site, programme=programme, capacity=12, name="Groupe figures")
    start = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=1)
    session = CohortSessionFactory(
        cohort=cohort, plan=plan, starts_at=start, ends_at=start + datetime.timedelta(hours=3)
    )
    recharge = OfferFactory(
        network=site.network,
        family=OfferFamily.RECHARGE,
        tracking=Tracking.VOUCHER,
        name="Recharge figures 5 €",
        solidarity_price="2.00",
        market_price="5.00",
        face_value="5.00",
        allowed_grades=[],
    )
    receive_vouchers(site, recharge, 1)
    # A funder whose convention covers the site from today; its member reads its figures.
    funder = FunderFactory(name="Fondation des chiffres")
    ConventionFactory(
        funder=funder,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=365),
        sites=[site],
    )
    funder_member = MembershipFactory(organisation=funder, role=Role.FUNDER_VIEWER)
    funder_member.user.set_password(PASSWORD)
    funder_member.user.save()
    # Nine people for the funder's figures that reach ten with our person.
    for kind in (DiagnosticKind.ENTRY, DiagnosticKind.EXIT):
        for _ in range(9 - people_with_a_diagnostic(site, today, kind)):
            DiagnosticFactory(beneficiary__site=site, kind=kind, finished=True)
        assert people_with_a_diagnostic(site, today, kind) == 9
    rollups.rebuild(datetime.date(today.year, 1, 1), today)
    return {
        "site": site,
        "cohort": cohort,
        "session": session,
        "recharge": recharge,
        "funder_member": funder_member,
        "today": today,
    }


def people_with_a_diagnostic(site, day, kind) -> int:
    """People who finished a diagnostic of ``kind`` at ``site`` on ``day`` (what the funder,
    whose convention covers the site from today, counts for today)."""
    return (
        Diagnostic.objects.filter(
            site=site, kind=kind, status=DiagnosticStatus.FINISHED, finished_at__date=day
        )
        .values("beneficiary")
        .distinct()
        .count()
    )


def shown_figures(page) -> dict[str, str]:
    """Each figure line of the dashboard: indicator code -> the text shown."""
    page.locator("li.figure-line").first.wait_for()
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('li.figure-line')].map(li => [
            li.querySelector('a.figure-label').getAttribute('href').split('#')[1],
            li.querySelector('.figure-value').textContent.trim(),
        ]))"""
    )


def number(text: str) -> int:
    return int(re.sub(r"\s", "", text) or 0)


def learner_phone(browser, live_server, person):
    card = LearnerCardFactory(beneficiary=person)
    context = phone_context(browser, live_server)
    page = context.new_page()
    page.problems = watch(page)
    sign_in_with_code(page, card)
    return context, page


def take_the_entry_diagnostic(page):
    """Alone on the phone, by taps: the context questions, then « Je ne sais pas »."""
    page.goto("/apprendre/diagnostic/")
    page.get_by_role("button", name="Commencer").tap()
    page.wait_for_url("**/questions-de-depart/")
    while "/questions-de-depart/" in page.url:
        title = page.title()
        page.locator(".d-choices button").first.tap()
        page.wait_for_function("t => document.title !== t", arg=title)
    while "/resultats/" not in page.url:
        before = page.url
        page.get_by_role("button", name="Je ne sais pas").tap()
        page.wait_for_url(lambda url, before=before: url != before)


def do_the_official_site_module(page):
    page.goto("/apprendre/modules/site-officiel/")
    page.get_by_role("button", name="Commencer").tap()
    page.wait_for_url(STEP_URL)
    while "/termine/" not in page.url:
        how, answer = RIGHT.get(step_of(page), (None, None))
        if how == "choose":
            choose(page, *answer)
        elif how == "say":
            say(page, answer)
        go_on(page)


def do_the_search_module(page):
    """The module of test_learning_offline, online: zones, a choice, yes/no, an order."""
    page.goto(f"/apprendre/modules/{SECOND_MODULE}/")
    page.get_by_role("button", name="Commencer").tap()
    page.wait_for_url(STEP_URL)
    go_on(page)
    pick(page, "Le grand cadre blanc")
    go_on(page)
    go_on(page)
    choose(page, "courte")
    go_on(page)
    go_on(page)
    say(page, "Oui")
    go_on(page)
    for place, text in enumerate(ORDER):
        while page.locator("ol.steps .step-text").all_inner_texts().index(text) > place:
            page.get_by_role("button", name=f"Monter « {text} »").tap()
    page.get_by_role("button", name="Valider").tap()
    page.wait_for_selector(".feedback-right")
    go_on(page)
    pick(page, "Horaires")
    go_on(page)
    assert page.locator("h1").inner_text() == "Ce que j'ai appris"
    go_on(page)
    page.wait_for_url("**/termine/")


def test_one_persons_journey_shows_in_the_site_and_funder_figures(
    browser, live_server, new_page, world
):
    site, today = world["site"], world["today"]
    started = clock.now()
    referrer = signed_in(new_page, "prescripteur")
    manager = signed_in(new_page, "responsable")

    # The site's figures before the journey.
    manager.goto("/espace-pro/chiffres/espace/")
    before = shown_figures(manager)

    # 1. Referred by a partner; the site accepts with an appointment; the person comes.
    referrer.goto("/espace-pro/orientations/nouvelle/")
    referral = fill_and_send_the_referral_form(
        referrer, site, first_name=FIRST_NAME, last_name=LAST_NAME, phone=PHONE
    )
    manager.goto(f"/espace-pro/orientations/{referral.pk}/")
    accept_with_an_appointment(manager, referral)
    record_that_the_person_came(manager, referral)
    referral.refresh_from_db()
    person = Beneficiary.objects.get(pk=referral.beneficiary_id)

    # 2. The entry diagnostic and two modules, alone on the learner's phone.
    learner_context, learner = learner_phone(browser, live_server, person)
    take_the_entry_diagnostic(learner)
    do_the_official_site_module(learner)
    do_the_search_module(learner)
    assert not learner.problems, learner.problems
    learner_context.close()

    # 3. The programme: enrolled from the person's file, present at the roll call.
    cohort, session = world["cohort"], world["session"]
    manager.goto(f"/espace-pro/formations/groupes/{cohort.pk}/inscrire/?q={LAST_NAME}")
    manager.get_by_role("button", name=f"Inscrire {FIRST_NAME}").first.click()
    manager.wait_for_url(f"**/groupes/{cohort.pk}/inscriptions/")
    assert Enrolment.objects.filter(beneficiary=person, cohort=cohort).exists()
    manager.goto(f"/espace-pro/formations/seances/{session.pk}/appel/")
    manager.get_by_role("group", name=f"{FIRST_NAME} {LAST_NAME}").get_by_text(
        "Présent", exact=True
    ).click()
    manager.get_by_role("button", name="Enregistrer l'appel").click()
    manager.wait_for_url("**/presences/")
    assert Attendance.objects.filter(enrolment__beneficiary=person).exists()

    # 4. A recharge at the counter, with the access right the referral opened.
    # (The accepted referral opened the person's access right.)
    recharge = world["recharge"]
    manager.goto("/espace-pro/comptoir/")
    manager.get_by_label("Nom, téléphone ou numéro de dossier").fill(person.file_number)
    manager.get_by_role("button", name="Chercher la personne").click()
    manager.get_by_role("link", name=f"{FIRST_NAME} {LAST_NAME}").click()
    manager.wait_for_url("**/comptoir/personne/*/")
    manager.locator(f"#id_o{recharge.pk}-quantity").fill("1")
    manager.get_by_role("button", name=f"Ajouter au panier : {recharge.name}").click()
    manager.get_by_text(f"Ajouté au panier : {recharge.name}").wait_for()
    manager.get_by_role("link", name="Confirmer le panier").click()
    manager.wait_for_url("**/confirmer/")
    manager.get_by_role("button", name="Confirmer et réserver le stock").click()
    manager.wait_for_url("**/payer/")
    manager.get_by_label("Espèces gardées (€)").fill("2")
    manager.get_by_label("Espèces remises par la personne (€)").fill("2")
    manager.get_by_role("button", name="Encaisser et émettre le ticket").click()
    manager.get_by_role("link", name="Ouvrir le ticket (PDF)").wait_for()
    assert Sale.objects.get(beneficiary=person).status == SaleStatus.PAID

    # 5. The exit diagnostic, on paper, entered by the team: every answer right.
    manager.goto(f"/espace-pro/diagnostics/dossier/{person.pk}/")
    manager.get_by_label("Diagnostic de sortie").check()
    manager.get_by_label("Sur papier, saisi par l'équipe").check()
    manager.get_by_role("button", name="Commencer").click()
    manager.wait_for_url("**/papier/")
    for radio in manager.locator("input[type=radio][name^=q][value=right]").all():
        radio.check()
    manager.get_by_role("button", name="Enregistrer les réponses et terminer").click()
    manager.wait_for_url("**/resultats/")

    # 6. The satisfaction survey, by taps on the person's phone.
    period = AccompanimentPeriod.objects.filter(beneficiary=person).first()
    if period is None:
        period = AccompanimentPeriodFactory(beneficiary=person, site=site)
    invitation = _invitation(site, period=period)
    survey_context = phone_context(browser, live_server)
    survey = survey_context.new_page()
    survey.goto(survey_path(invitation))
    survey.get_by_role("button", name="Oui, sans mon nom").tap()
    for number_ in range(1, len(SATISFACTION_QUESTIONS) + 1):
        survey.get_by_text(f"Question {number_} sur {len(SATISFACTION_QUESTIONS)}").wait_for()
        survey.get_by_role("button", name="Très satisfait", exact=True).tap()
    survey.get_by_role("heading", name="Merci !").wait_for()
    survey_context.close()
    print(f"\njourney through the pages: {(clock.now() - started).total_seconds():.1f} s")

    # The scheduled job: the roll-ups of every day touched are recomputed.
    rollups.refresh_stale()

    # The site's dashboard: every step in its figure.
    manager.goto("/espace-pro/chiffres/espace/")
    after = shown_figures(manager)
    expected = dict(ADDED)
    missing = [code for code in expected if code not in after]
    assert not missing, (missing, sorted(after))
    changes = {code: number(after[code]) - number(before[code]) for code in expected}
    assert changes == expected, {c: (before[c], after[c]) for c in expected}

    # The funder's dashboard for today: ten with our person, « moins de 10 » under ten.
    funder = new_page()
    sign_in(funder, world["funder_member"].user.email, PASSWORD)
    funder.wait_for_url("**/espace-pro/")
    funder.goto(f"/espace-pro/chiffres/financeur/?debut={today}&fin={today}")
    seen = shown_figures(funder)
    for code in TEN_WITH_OUR_PERSON:
        assert seen[code] == "10", (code, seen[code])
    for code in UNDER_TEN:
        assert seen[code] == FEWER_THAN, (code, seen[code])
    assert funder.locator("main").inner_text().count(FEWER_THAN) >= len(UNDER_TEN)
