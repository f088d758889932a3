"""Finished diagnostics, modules started and finished, enrolments and survey answers mark
their (site, day) stale, inside their transaction."""

import hashlib

import pytest
from django.utils import timezone

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.learning.conftest import MODULE_KEY
from tests.reporting.marks_helpers import clear_marks, explode, marks, rolled_back
from tests.training.enrolment_world import build_team
from tests.training.factories import CohortFactory, EnrolmentFactory, SurveyInvitationFactory
from tisser.core.stale_figures import DIAGNOSTICS, LEARNING, TRAINING
from tisser.diagnostics import services as diagnostics
from tisser.learning import content
from tisser.learning import services as learning
from tisser.training import enrolments, survey_services
from tisser.training.surveys import SATISFACTION_QUESTIONS

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("skills_content")
def test_a_finished_diagnostic_marks_its_site_on_the_day_it_ended(site):
    person = BeneficiaryFactory(site=site)
    sitting = diagnostics.diagnostic_start(beneficiary=person, kind="entry", mode="alone")
    clear_marks()
    finished = diagnostics.diagnostic_finish(sitting)
    assert marks() == {(sitting.site_id, timezone.localdate(finished.finished_at), DIAGNOSTICS)}


@pytest.mark.usefixtures("skills_content")
def test_a_failed_finish_leaves_no_mark(site, monkeypatch):
    person = BeneficiaryFactory(site=site)
    sitting = diagnostics.diagnostic_start(beneficiary=person, kind="entry", mode="alone")
    monkeypatch.setattr(diagnostics, "notify", explode)
    rolled_back(lambda: diagnostics.diagnostic_finish(sitting))


@pytest.mark.usefixtures("module_files")
def test_a_module_marks_the_files_site_when_started_then_when_finished(site):
    module = content.module(MODULE_KEY)
    person = BeneficiaryFactory(site=site)
    progress = learning.module_start(learner=person, module=module)
    started = timezone.localdate(progress.started_at)
    assert marks() == {(site.pk, started, LEARNING)}
    learning.module_start(learner=person, module=module)  # the same module again: no write
    clear_marks()
    learning.step_read(learner=person, progress=progress, step=module.step("carte-adresse"))
    assert marks() == set(), "a step that does not end the module changes no figure"
    learning.step_answer(
        learner=person,
        progress=progress,
        step=module.step("quiz-arobase"),
        response={"selected": ["a"]},
        idempotency_key="k1",
    )
    learning.step_read(learner=person, progress=progress, step=module.step("bilan"))
    progress.refresh_from_db()
    assert progress.finished_at is not None
    assert marks() == {
        (site.pk, started, LEARNING),
        (site.pk, timezone.localdate(progress.finished_at), LEARNING),
    }


def test_an_enrolment_marks_its_cohorts_first_day_and_today(site, network, monkeypatch):
    team = build_team(site, network)
    monkeypatch.setattr(enrolments, "module_assign", lambda **_kwargs: None)
    clear_marks()
    enrolments.enrol_file(
        actor=team.manager, cohort=team.cohort, beneficiary=BeneficiaryFactory(site=site)
    )
    assert (site.pk, team.cohort.starts_on, TRAINING) in marks(TRAINING)


def test_a_failed_enrolment_leaves_no_mark(site, network, monkeypatch):
    team = build_team(site, network)
    monkeypatch.setattr(enrolments, "module_assign", lambda **_kwargs: None)
    monkeypatch.setattr(enrolments, "record", explode)
    person = BeneficiaryFactory(site=site)
    rolled_back(
        lambda: enrolments.enrol_file(actor=team.manager, cohort=team.cohort, beneficiary=person)
    )


def test_a_survey_answer_marks_the_day_it_was_given_and_its_cohort(site):
    cohort = CohortFactory(site=site, closed_on=timezone.localdate())
    enrolment = EnrolmentFactory(cohort=cohort, beneficiary=BeneficiaryFactory(site=site))
    invitation = SurveyInvitationFactory(
        site=site, enrolment=enrolment, period=None, beneficiary=enrolment.beneficiary
    )
    invitation.token_hash = hashlib.sha256(
        survey_services.survey_token(invitation).encode()
    ).hexdigest()
    invitation.save(update_fields=["token_hash"])
    clear_marks()
    response = survey_services.survey_answer(
        token=survey_services.survey_token(invitation),
        answers={question.code: 5 for question in SATISFACTION_QUESTIONS},
        anonymous=True,
    )
    assert {
        (site.pk, response.answered_on, TRAINING),
        (site.pk, cohort.starts_on, TRAINING),
        (site.pk, cohort.closed_on, TRAINING),
    } <= marks(TRAINING)
