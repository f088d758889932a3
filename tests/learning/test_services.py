"""The learner's way through a module: start, answers, the three-miss rule, versions."""

import copy

import pytest
from django.db.models import F

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.diagnostics.factories import DiagnosticFactory, DiagnosticResultFactory
from tests.learning.conftest import MODULE_KEY
from tests.learning.factories import ModuleAssignmentFactory, ModuleProgressFactory
from tisser.core.errors import DomainError
from tisser.exercises import scoring
from tisser.exercises.models import Answer
from tisser.learning import content, selectors, services
from tisser.learning.enums import MISSES_BEFORE_ANSWER, StepOutcome
from tisser.learning.models import ModuleProgress, StepResult

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_files")]

RIGHT = {"selected": ["a"]}
WRONG = {"selected": ["b"]}


def mod():
    return content.module(MODULE_KEY)


def answer(progress, response, key, step_id="quiz-arobase"):
    return services.step_answer(
        learner=progress.beneficiary,
        progress=progress,
        step=mod().step(step_id),
        response=response,
        idempotency_key=key,
    )


def read(progress, step_id):
    return services.step_read(
        learner=progress.beneficiary, progress=progress, step=mod().step(step_id)
    )


@pytest.fixture
def progress(site):
    return services.module_start(learner=BeneficiaryFactory(site=site), module=mod())


def test_start_records_the_version_and_the_first_step_once(progress):
    assert progress.module_version == 1
    assert progress.current_step == "carte-adresse"
    again = services.module_start(learner=progress.beneficiary, module=mod())
    assert again.pk == progress.pk
    assert ModuleProgress.objects.count() == 1


def test_reading_a_card_moves_to_the_next_step(progress):
    result = read(progress, "carte-adresse")
    assert result.outcome == StepOutcome.READ
    progress.refresh_from_db()
    assert progress.current_step == "quiz-arobase"


def test_a_right_answer_ends_the_step_as_done_in_the_module_sitting(progress):
    read(progress, "carte-adresse")
    answered = answer(progress, RIGHT, "k1")
    assert answered.result.correct and answered.outcome == StepOutcome.DONE
    saved = Answer.objects.get()
    assert (saved.context_kind, saved.context_id) == ("module", MODULE_KEY)
    assert saved.item_key == f"{MODULE_KEY}--quiz-arobase"
    progress.refresh_from_db()
    assert progress.current_step == "bilan"


def test_a_miss_counts_and_the_step_goes_on(progress):
    answered = answer(progress, WRONG, "k1")
    assert not answered.result.correct
    assert answered.outcome == "" and answered.misses == 1
    assert not StepResult.objects.exists()
    progress.refresh_from_db()
    assert progress.current_step == "carte-adresse"  # unchanged


def test_after_three_misses_the_answer_is_shown_and_the_step_ends(progress):
    for index in range(MISSES_BEFORE_ANSWER - 1):
        assert answer(progress, WRONG, f"k{index}").outcome == ""
    answered = answer(progress, WRONG, "last")
    assert answered.outcome == StepOutcome.SHOWN
    result = StepResult.objects.get()
    assert (result.outcome, result.misses) == (StepOutcome.SHOWN, MISSES_BEFORE_ANSWER)


def test_right_after_two_misses_is_done_with_the_misses_kept(progress):
    answer(progress, WRONG, "k1")
    answer(progress, WRONG, "k2")
    answer(progress, RIGHT, "k3")
    result = StepResult.objects.get()
    assert (result.outcome, result.misses) == (StepOutcome.DONE, 2)


def test_an_answer_sent_twice_counts_once(progress):
    answer(progress, WRONG, "same")
    again = answer(progress, WRONG, "same")
    assert again.misses == 1
    assert Answer.objects.count() == 1


def test_an_answer_after_the_step_ended_does_not_change_it(progress):
    answer(progress, RIGHT, "k1")
    answer(progress, WRONG, "k2")
    assert StepResult.objects.get().outcome == StepOutcome.DONE


def test_an_unreadable_response_saves_nothing(progress):
    with pytest.raises(scoring.InvalidResponse):
        answer(progress, {"selected": ["zz"]}, "k1")
    assert not Answer.objects.exists()


def test_a_card_cannot_be_answered_nor_an_exercise_read(progress):
    with pytest.raises(DomainError):
        answer(progress, RIGHT, "k1", step_id="carte-adresse")
    with pytest.raises(DomainError):
        read(progress, "quiz-arobase")


def test_another_learner_cannot_write_in_a_progress(progress, site):
    with pytest.raises(DomainError):
        services.step_read(
            learner=BeneficiaryFactory(site=site), progress=progress, step=mod().step("bilan")
        )
    assert not StepResult.objects.exists()


def test_every_step_ended_finishes_the_module(progress):
    read(progress, "carte-adresse")
    answer(progress, RIGHT, "k1")
    assert progress.finished_at is None
    read(progress, "bilan")
    progress.refresh_from_db()
    assert progress.finished_at is not None and progress.current_step == ""


def test_time_spent_adds_short_gaps_only(site, fake_clock):
    progress = services.module_start(learner=BeneficiaryFactory(site=site), module=mod())
    fake_clock.advance(seconds=40)
    read(progress, "carte-adresse")
    assert progress.seconds_spent == 40
    fake_clock.advance(hours=2)
    answer(progress, RIGHT, "k1")
    progress.refresh_from_db()
    assert progress.seconds_spent == 40


def test_a_removed_step_is_skipped_and_a_new_one_offered(progress, module_files):
    read(progress, "carte-adresse")
    data = module_files.read()
    data["version"] = 2
    quiz = copy.deepcopy(data["steps"][1])
    quiz["id"] = "quiz-nouveau"
    quiz["item"]["id"] = f"{MODULE_KEY}--quiz-nouveau"
    data["steps"][1] = quiz
    module_files.write(data)
    progress.refresh_from_db()
    # The exercise the learner was on is gone: « Continuer » goes to the new one.
    assert progress.current_step == "quiz-arobase"
    assert services.next_step_id(progress, mod()) == "quiz-nouveau"
    answer(progress, RIGHT, "k1", step_id="quiz-nouveau")
    read(progress, "bilan")
    progress.refresh_from_db()
    assert progress.finished_at is not None
    assert progress.module_version == 1
    found = selectors.learner_progresses(learner=progress.beneficiary)[MODULE_KEY]
    assert selectors.steps_done(found, mod()) == 3


def test_a_finished_module_stays_finished_when_a_step_is_added(progress, module_files):
    read(progress, "carte-adresse")
    answer(progress, RIGHT, "k1")
    read(progress, "bilan")
    data = module_files.read()
    data["version"] = 2
    data["steps"].insert(1, {"id": "carte-plus", "kind": "card", "title": "Plus", "text": "Plus."})
    module_files.write(data)
    read(progress, "carte-plus")
    progress.refresh_from_db()
    assert progress.is_finished


def test_the_path_lists_assignments_then_the_diagnostic_suggestions(site, module_files):
    module_files.add("m-appareil-0", domain="appareil", level=0)
    module_files.add("m-appareil-1", domain="appareil", level=1)
    module_files.add("m-appareil-2", domain="appareil", level=2)
    module_files.add("m-securite-3", domain="securite", level=3)
    module_files.add("m-emploi-1", domain="emploi", level=1)
    person = BeneficiaryFactory(site=site)
    ModuleAssignmentFactory(beneficiary=person, module_key="m-emploi-1", position=2)
    ModuleAssignmentFactory(beneficiary=person, module_key=MODULE_KEY, position=1)
    ModuleAssignmentFactory(
        beneficiary=person, module_key="m-appareil-2", withdrawn_at="2026-01-01T00:00Z"
    )
    diagnostic = DiagnosticFactory(beneficiary=person, finished=True)
    DiagnosticResultFactory(diagnostic=diagnostic, domain="appareil", level=1)
    DiagnosticResultFactory(diagnostic=diagnostic, domain="securite", level=3)
    finished = ModuleProgressFactory(beneficiary=person, module_key="m-appareil-1")
    ModuleProgress.objects.filter(pk=finished.pk).update(finished_at=F("started_at"))
    keys = [entry.module.key for entry in selectors.learner_path(learner=person)]
    # Assigned in order; then appareil (below autonomy) at level 1 (finished: left out) and 2.
    assert keys == [MODULE_KEY, "m-emploi-1", "m-appareil-2"]


def test_the_suggestions_are_five_at_most(site, module_files):
    for index in range(7):
        module_files.add(f"m-{index}", domain="appareil", level=0)
    person = BeneficiaryFactory(site=site)
    DiagnosticResultFactory(
        diagnostic=DiagnosticFactory(beneficiary=person, finished=True), domain="appareil", level=0
    )
    assert len(selectors.learner_path(learner=person)) == selectors.SUGGESTIONS_MAX
