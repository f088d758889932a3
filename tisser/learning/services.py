"""Writes of the learner's way through a module: start, answer an exercise, read a card.

The actor is the learner (``learner``: the person's file signed in by their card). Their
own practice is not journaled, as the engine's answers (decision 0044). Every step ends once
(``StepResult``): done (right answer), shown (the answer after ``MISSES_BEFORE_ANSWER``
misses: never a dead end) or read (card, recap). Steps are matched by id, so a module
edited after the learner started never breaks their progress (decision 0053).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.core import stale_figures
from tisser.core.clock import now
from tisser.core.errors import DomainError
from tisser.exercises import scoring
from tisser.exercises.enums import ContextKind
from tisser.exercises.models import Answer
from tisser.exercises.services import IDEMPOTENCY_KEY_LENGTH, answer_record, answer_result
from tisser.learning.content import Module, Step, module
from tisser.learning.enums import MISSES_BEFORE_ANSWER, StepKind, StepOutcome
from tisser.learning.models import ModuleProgress, StepResult

# Two actions further apart than this are two visits: the gap is not counted as time spent.
ACTIVITY_GAP = timedelta(minutes=5)


@dataclass(frozen=True)
class StepAnswered:
    """One answer to an exercise step and what it did to the step."""

    answer: Answer
    result: scoring.Result
    # The step's ending (done / shown), or "" when the learner may try again.
    outcome: str
    misses: int


def module_start(*, learner, module: Module) -> ModuleProgress:
    """The learner's progress in ``module``, made on the first visit (with its version)."""
    at = now()
    with transaction.atomic():
        progress, created = ModuleProgress.objects.get_or_create(
            beneficiary=learner,
            module_key=module.key,
            defaults={
                "module_version": module.version,
                "current_step": module.steps[0].key if module.steps else "",
                "last_activity_at": at,
            },
        )
        if created:
            _mark_stale(progress, site_id=learner.site_id)
    return progress


def _mark_stale(progress: ModuleProgress, *, site_id: int | None = None) -> None:
    """The learning figures of the file's site changed on the day the module started and,
    once finished, on the day it ended (decision 0055)."""
    site_id = site_id if site_id is not None else progress.beneficiary.site_id
    moments = [progress.started_at, progress.finished_at]
    stale_figures.mark_stale_many(
        [(site_id, timezone.localdate(moment)) for moment in moments if moment is not None],
        dimension=stale_figures.LEARNING,
    )


def step_answer(
    *, learner, progress: ModuleProgress, step: Step, response: dict, idempotency_key: str
) -> StepAnswered:
    """Save an answer to an exercise step (sent twice, counted once) and end the step if due.

    Raises ``scoring.InvalidResponse`` when the response does not fit the item (nothing
    saved) and ``DomainError`` for a step that is not an exercise of this module.
    """
    current = _module_of(progress, learner)
    if step.kind not in (StepKind.EXERCISE, StepKind.SIMULATION) or current.step(step.key) is None:
        raise DomainError(_("Cette étape n'est pas un exercice de ce module."))
    item = current.exercise_item(step.key)
    with transaction.atomic():
        locked = ModuleProgress.objects.select_for_update().get(pk=progress.pk)
        recorded = answer_record(
            beneficiary=learner,
            item=item,
            response=response,
            context_kind=ContextKind.MODULE,
            context_id=current.key,
            idempotency_key=idempotency_key,
        )
        misses = Answer.objects.filter(
            beneficiary=learner,
            context_kind=ContextKind.MODULE,
            context_id=current.key,
            item_key=item.key,
            correct=False,
            answered_at__gte=locked.started_at,
        ).count()
        ended = StepResult.objects.filter(progress=locked, step_id=step.key).first()
        if ended is None:
            outcome = ""
            if recorded.answer.correct:
                outcome = StepOutcome.DONE
            elif misses >= MISSES_BEFORE_ANSWER:
                outcome = StepOutcome.SHOWN
            if outcome:
                ended = StepResult.objects.create(
                    progress=locked,
                    step_id=step.key,
                    outcome=outcome,
                    misses=misses,
                    completed_at=now(),
                )
        if recorded.created:
            _moved_on(locked, current, step.key if ended else None)
        _copy(locked, progress)
    return StepAnswered(
        answer=recorded.answer,
        result=answer_result(recorded.answer),
        outcome=ended.outcome if ended else "",
        misses=ended.misses if ended else misses,
    )


def step_read(*, learner, progress: ModuleProgress, step: Step) -> StepResult:
    """A card or the recap was read: the step ends as ``read`` (once) and the path moves on."""
    current = _module_of(progress, learner)
    if step.kind not in (StepKind.CARD, StepKind.RECAP) or current.step(step.key) is None:
        raise DomainError(_("Cette étape n'est pas une explication de ce module."))
    with transaction.atomic():
        locked = ModuleProgress.objects.select_for_update().get(pk=progress.pk)
        result, created = StepResult.objects.get_or_create(
            progress=locked,
            step_id=step.key,
            defaults={"outcome": StepOutcome.READ, "completed_at": now()},
        )
        _moved_on(locked, current, step.key if created else None, count_time=created)
        _copy(locked, progress)
    return result


def next_step_id(progress: ModuleProgress, current: Module, after: str | None = None) -> str:
    """The first step without a result after ``after`` (then from the start), or ""."""
    ended = set(StepResult.objects.filter(progress=progress).values_list("step_id", flat=True))
    ids = list(current.step_keys)
    start = ids.index(after) + 1 if after in ids else 0
    for step_id in ids[start:] + ids[:start]:
        if step_id not in ended:
            return step_id
    return ""


def _module_of(progress: ModuleProgress, learner) -> Module:
    if progress.beneficiary_id != learner.pk:
        raise DomainError(_("Ce module n'est pas le vôtre."))
    current = module(progress.module_key)
    if current is None:
        raise DomainError(_("Ce module n'existe plus."))
    return current


def _moved_on(
    progress: ModuleProgress, current: Module, ended_step: str | None, *, count_time: bool = True
) -> None:
    """Time spent, the step to resume at, and the module's end once every step has a result."""
    at = now()
    finished = False
    gap = at - progress.last_activity_at
    if count_time and timedelta(0) < gap < ACTIVITY_GAP:
        progress.seconds_spent += int(gap.total_seconds())
    progress.last_activity_at = at
    if ended_step is not None:
        progress.current_step = next_step_id(progress, current, after=ended_step)
        if not progress.current_step and progress.finished_at is None:
            progress.finished_at = at
            finished = True
    progress.save(
        update_fields=["seconds_spent", "last_activity_at", "current_step", "finished_at"]
    )
    if finished:
        _mark_stale(progress)


def _copy(source: ModuleProgress, target: ModuleProgress) -> None:
    for name in ("current_step", "last_activity_at", "finished_at", "seconds_spent"):
        setattr(target, name, getattr(source, name))


# The most answers a device may hold for one module (a long offline stretch is a few dozen).
MAX_QUEUED = 200


@dataclass(frozen=True)
class Queued:
    """One action done offline: a card read (no response) or an answer (with its page key)."""

    step: Step
    key: str
    response: dict | None


def _queued(current: Module, entries) -> list[Queued]:
    """The device's queue read strictly; anything unreadable refuses the whole queue."""
    refused = DomainError(_("Ces réponses ne peuvent pas être lues."))
    if not isinstance(entries, list) or len(entries) > MAX_QUEUED:
        raise refused
    queued = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise refused
        step_id = entry.get("step")
        step = current.step(step_id) if isinstance(step_id, str) else None
        key = entry.get("key")
        if step is None or not isinstance(key, str) or not 0 < len(key) <= IDEMPOTENCY_KEY_LENGTH:
            raise refused
        response = entry.get("response")
        if step.kind == StepKind.EXERCISE:
            if not isinstance(response, dict):
                raise refused
            try:
                scoring.score(current.exercise_item(step.key).definition, response)
            except scoring.InvalidResponse as error:
                raise refused from error
        elif step.kind in (StepKind.CARD, StepKind.RECAP):
            response = None
        else:
            raise refused
        queued.append(Queued(step=step, key=key, response=response))
    return queued


def module_sync(*, learner, progress: ModuleProgress, entries) -> int:
    """Record the answers a device queued offline, in order, through the player's own writes.

    The same page key twice counts once (``answer_record``), a step that already ended is
    left as it is, and the three-miss rule applies as online. Raises ``DomainError`` for a
    queue that cannot be read: then nothing is saved. Returns how many actions were new.
    """
    current = _module_of(progress, learner)
    queued = _queued(current, entries)
    recorded = 0
    with transaction.atomic():
        for action in queued:
            if StepResult.objects.filter(progress=progress, step_id=action.step.key).exists():
                continue
            if action.response is None:
                step_read(learner=learner, progress=progress, step=action.step)
                recorded += 1
                continue
            known = Answer.objects.filter(beneficiary=learner, idempotency_key=action.key).exists()
            step_answer(
                learner=learner,
                progress=progress,
                step=action.step,
                response=action.response,
                idempotency_key=action.key,
            )
            recorded += 0 if known else 1
    return recorded
