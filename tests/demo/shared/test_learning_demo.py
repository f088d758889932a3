"""The demo's self-paced modules (issue 14), read from the shared ``ci`` demo."""

import datetime

import pytest
from django.utils import timezone

from tisser.accounts.demo import STRASBOURG_SITE
from tisser.beneficiaries.models import Beneficiary
from tisser.core.models import JournalEntry
from tisser.diagnostics.enums import AUTONOMY_LEVEL, DiagnosticStatus
from tisser.diagnostics.models import Diagnostic
from tisser.learning import content
from tisser.learning.demo import GROUP_NAME, DemoLearningResult, seed_demo_learning
from tisser.learning.enums import StepOutcome
from tisser.learning.follow_up import STUCK_AFTER
from tisser.learning.models import LearnerGroup, ModuleAssignment, ModuleProgress, StepResult
from tisser.training.models import Enrolment

pytestmark = pytest.mark.django_db


def test_many_demo_learners_have_progress_and_steps(demo_ci):
    result = demo_ci.learning
    # The training demo's jobseekers did their programme's modules (issue 15).
    programme_people = demo_ci.training.new_files
    own = ModuleProgress.objects.exclude(beneficiary__file_number__in=programme_people)
    assert result.progress == own.count()
    assert demo_ci.training.progress == ModuleProgress.objects.count() - own.count()
    assert result.steps == StepResult.objects.filter(progress__in=own).count()
    # Most files (the group's and the journey's included) have worked on a module.
    people = own.values("beneficiary").distinct().count()
    files = Beneficiary.objects.active().exclude(file_number__in=programme_people)
    assert people >= files.count() * 0.6
    assert result.progress > people
    finished = own.filter(finished_at__isnull=False)
    assert 0 < finished.count() < result.progress
    keys = {m.key for m in content.modules()}
    assert set(ModuleProgress.objects.values_list("module_key", flat=True)) <= keys
    for progress in finished.prefetch_related("steps")[:30]:
        module = content.module(progress.module_key)
        assert {s.step_id for s in progress.steps.all()} == set(module.step_keys)
        assert progress.started_at <= progress.finished_at <= timezone.now()
        assert progress.seconds_spent > 0
    assert StepResult.objects.filter(outcome=StepOutcome.SHOWN).exists()


def test_a_mediator_gave_modules(demo_ci):
    journey = demo_ci.rights.journey_file
    rows = (
        ModuleAssignment.objects.filter(group__isnull=True)
        .exclude(beneficiary__file_number=journey)
        .select_related("beneficiary")
    )
    # The programme's modules, given with a seat in a cohort (issue 15), are not these: in
    # bulk to the training demo's own files, or by the enrolment service at the seat's moment.
    seats = set(Enrolment.objects.values_list("beneficiary_id", "enrolled_at"))
    given = [
        row
        for row in rows
        if row.beneficiary.file_number not in demo_ci.training.new_files
        and (row.beneficiary_id, row.assigned_at) not in seats
    ]
    assert len(given) >= 2
    # Each was given the day before the person started it.
    started = set(ModuleProgress.objects.values_list("beneficiary_id", "module_key"))
    assert all((row.beneficiary_id, row.module_key) in started for row in given)
    for row in given[:20]:
        assert row.assigned_at <= timezone.now()
        assert row.assigned_by.memberships.filter(organisation=row.beneficiary.site_id).exists()


def test_a_group_in_strasbourg_shows_who_is_stuck(demo_ci):
    group = LearnerGroup.objects.get(name=GROUP_NAME)
    assert group.site.name == STRASBOURG_SITE
    members = list(group.members.all())
    assert len(members) == 6
    keys = set(group.assignments.values_list("module_key", flat=True))
    assert len(keys) == 2
    assert group.assignments.count() == 12
    progress = ModuleProgress.objects.filter(beneficiary__in=members)
    idle = timezone.now() - STUCK_AFTER
    assert progress.filter(finished_at__isnull=False).exists()
    assert progress.filter(finished_at__isnull=True, last_activity_at__lt=idle).exists()
    assert progress.filter(finished_at__isnull=True, steps__outcome=StepOutcome.SHOWN).exists()
    assert JournalEntry.objects.filter(
        action="learning.group_assigned", object_id=str(group.pk)
    ).exists()


def test_the_journey_s_person_has_their_recommended_modules(demo_ci):
    journey = Beneficiary.objects.get(file_number=demo_ci.rights.journey_file)
    keys = demo_ci.learning.journey_modules
    assert len(keys) >= 2
    given = list(
        ModuleAssignment.objects.filter(beneficiary=journey)
        .order_by("position")
        .values_list("module_key", flat=True)
    )
    # Their programme's modules (issue 15) come after, with their seat in a cohort.
    assert given[: len(keys)] == keys
    # From the journey's last diagnostic: modules of domains below autonomy.
    last = (
        Diagnostic.objects.filter(beneficiary=journey, status=DiagnosticStatus.FINISHED)
        .order_by("-finished_at")
        .first()
    )
    assert last is not None
    below = {r.domain for r in last.results.all() if r.level < AUTONOMY_LEVEL}
    assert {content.module(key).domain for key in keys} <= below
    first = ModuleProgress.objects.get(beneficiary=journey, module_key=keys[0])
    second = ModuleProgress.objects.get(beneficiary=journey, module_key=keys[1])
    assert first.is_finished and not second.is_finished
    assert second.current_step
    assert second.steps.filter(outcome=StepOutcome.SHOWN).exists()
    assert second.last_activity_at > timezone.now() - datetime.timedelta(days=3)


def test_an_empty_catalogue_writes_nothing(demo_ci, settings, tmp_path):
    settings.LEARNING_CONTENT_DIR = tmp_path
    content.clear_cache()
    try:
        from tisser.core.clock import manual_clock

        with manual_clock() as clock:
            result = seed_demo_learning(
                network=demo_ci.network.network,
                clock=clock,
                journey_file=demo_ci.rights.journey_file,
            )
    finally:
        content.clear_cache()
    assert result == DemoLearningResult()
