"""The helper's reads: a person's modules, a group's members and who is stuck.

Selectors take the acting membership and read through ``visible_to``; each runs a fixed
number of queries whatever the number of modules, steps or members.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum
from django.db.models.functions import Lower

from tisser.beneficiaries.models import Beneficiary
from tisser.core import clock
from tisser.exercises import scoring
from tisser.exercises.enums import ContextKind
from tisser.exercises.models import Answer
from tisser.learning import content
from tisser.learning.enums import StepKind, StepOutcome
from tisser.learning.models import LearnerGroup, ModuleAssignment, ModuleProgress, StepResult

# No activity for this long on an unfinished module: the person is stuck.
STUCK_AFTER = datetime.timedelta(days=14)
SEARCH_LIMIT = 10
FAILING_LIMIT = 10


@dataclass(frozen=True)
class FailedStep:
    """A step the person failed; for a simulation, what went wrong in the last missed try,
    in the words of the simulated service (what was missing, done wrongly, to correct)."""

    title: str
    result: StepResult
    missing: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    to_correct: tuple[str, ...] = ()


@dataclass
class ModuleLine:
    """One module on the person's follow-up: given or started, how far, where it failed."""

    key: str
    module: content.Module | None
    assignment: ModuleAssignment | None = None
    progress: ModuleProgress | None = None
    failed_steps: list[FailedStep] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.module.title if self.module else self.key

    @property
    def state(self) -> str:
        if self.progress is None:
            return "not_started"
        return "finished" if self.progress.is_finished else "started"


def _failing_steps():
    return Prefetch(
        "steps",
        queryset=StepResult.objects.filter(Q(outcome=StepOutcome.SHOWN) | Q(misses__gt=0)),
        to_attr="failed",
    )


def step_title(module: content.Module | None, step_id: str) -> str:
    """A step as the team names it: a card's title, an exercise's instruction, the recap."""
    step = module.step(step_id) if module else None
    if step is None:
        return step_id
    if step.kind in (StepKind.EXERCISE, StepKind.SIMULATION) and step.item is not None:
        return step.item.instruction
    if step.kind == StepKind.RECAP:
        return str(StepKind.RECAP.label)
    return step.title or step_id


def person_modules(*, membership, beneficiary: Beneficiary) -> list[ModuleLine]:
    """The person's given modules (in their order), then the modules they started alone."""
    assignments = ModuleAssignment.objects.visible_to(membership).filter(
        beneficiary=beneficiary, withdrawn_at__isnull=True
    )
    progress = {
        row.module_key: row
        for row in ModuleProgress.objects.visible_to(membership)
        .filter(beneficiary=beneficiary)
        .prefetch_related(_failing_steps())
    }
    lines: list[ModuleLine] = []
    for assignment in assignments.select_related("group"):
        lines.append(
            ModuleLine(
                key=assignment.module_key,
                module=content.module(assignment.module_key),
                assignment=assignment,
                progress=progress.pop(assignment.module_key, None),
            )
        )
    for key, row in sorted(progress.items(), key=lambda pair: pair[1].started_at):
        lines.append(ModuleLine(key=key, module=content.module(key), progress=row))
    tries = _last_missed_simulations(beneficiary, lines)
    for line in lines:
        if line.progress is not None:
            line.failed_steps = [
                _failed(line, result, tries)
                for result in line.progress.failed  # type: ignore[attr-defined]  # prefetched (to_attr)
            ]
    return lines


def _simulation_steps(line: ModuleLine) -> list[str]:
    """The failed steps of the line that are simulations (their item keys)."""
    if line.module is None or line.progress is None:
        return []
    keys = []
    for result in line.progress.failed:  # type: ignore[attr-defined]  # prefetched (to_attr)
        step = line.module.step(result.step_id)
        if step is not None and step.kind == StepKind.SIMULATION and step.item is not None:
            keys.append(step.item.key)
    return keys


def _last_missed_simulations(beneficiary, lines: list[ModuleLine]) -> dict[tuple[str, str], Answer]:
    """The last wrong answer of each failed simulation step, in one query (none if no
    simulation failed): the follow-up says what went wrong, not only how many times."""
    keys = {key for line in lines for key in _simulation_steps(line)}
    if not keys:
        return {}
    answers = (
        Answer.objects.filter(
            beneficiary=beneficiary,
            context_kind=ContextKind.MODULE,
            item_key__in=keys,
            correct=False,
        )
        .select_related("item_version")
        .order_by("answered_at", "pk")
    )
    return {(answer.context_id, answer.item_key): answer for answer in answers}


def _failed(line: ModuleLine, result: StepResult, tries: dict) -> FailedStep:
    title = step_title(line.module, result.step_id)
    step = line.module.step(result.step_id) if line.module else None
    answer = tries.get((line.key, step.item.key)) if step and step.item else None
    if answer is None or answer.answered_at < line.progress.started_at:  # type: ignore[union-attr]
        return FailedStep(title=title, result=result)
    # Scored again against the version it answered, as the engine scored it then.
    definition = answer.item_version.definition
    try:
        details = scoring.score(definition, answer.response).details
    except scoring.InvalidResponse:
        return FailedStep(title=title, result=result)
    fields = scoring.simulation_elements(definition["content"], "field")
    return FailedStep(
        title=title,
        result=result,
        missing=tuple(details.get("missing", ())),
        forbidden=tuple(details.get("forbidden", ())),
        to_correct=tuple(
            fields[name]["error"]
            for name, ok in details.get("fields", {}).items()
            if not ok and name in fields
        ),
    )


def last_activity(lines: list[ModuleLine]) -> datetime.datetime | None:
    moments = [line.progress.last_activity_at for line in lines if line.progress]
    return max(moments) if moments else None


# --- groups ---------------------------------------------------------------------------------


def group_list(*, membership):
    return (
        LearnerGroup.objects.visible_to(membership)
        .annotate(size=Count("members"))
        .order_by("name", "pk")
    )


def group_modules(group: LearnerGroup) -> list[str]:
    """The modules given through the group, in the order they were first given."""
    keys = (
        group.assignments.filter(withdrawn_at__isnull=True)
        .order_by("assigned_at", "pk")
        .values_list("module_key", flat=True)
    )
    return list(dict.fromkeys(keys))


def _stuck_conditions(keys: list[str], now) -> tuple[Exists, Exists]:
    """Idle for STUCK_AFTER on an unfinished module; an unfinished module with an answer shown."""
    idle = ModuleProgress.objects.filter(
        beneficiary=OuterRef("pk"),
        module_key__in=keys,
        finished_at__isnull=True,
        last_activity_at__lt=now - STUCK_AFTER,
    )
    shown = ModuleProgress.objects.filter(
        beneficiary=OuterRef("pk"),
        module_key__in=keys,
        finished_at__isnull=True,
        steps__outcome=StepOutcome.SHOWN,
    )
    return Exists(idle), Exists(shown)


def group_members(*, membership, group: LearnerGroup, keys: list[str]):
    """The members with, over the group's modules: started, finished, time, last activity,
    and whether they are stuck (idle 14 days on an unfinished module, or a step shown)."""
    idle, shown = _stuck_conditions(keys, clock.now())
    in_group = Q(module_progress__module_key__in=keys)
    return (
        group.members.filter(pk__in=Beneficiary.objects.visible_to(membership).values("pk"))
        .annotate(
            started=Count("module_progress", filter=in_group, distinct=True),
            finished=Count(
                "module_progress",
                filter=in_group & Q(module_progress__finished_at__isnull=False),
                distinct=True,
            ),
            seconds=Sum("module_progress__seconds_spent", filter=in_group),
            idle=idle,
            shown=shown,
        )
        .order_by(Lower("last_name"), Lower("first_name"), "pk")
    )


@dataclass(frozen=True)
class FailingStep:
    module_key: str
    module_title: str
    step_id: str
    step_title: str
    shown: int
    misses: int
    people: int


def failing_steps(results, limit: int = FAILING_LIMIT) -> list[FailingStep]:
    """The steps most failed in ``results`` (StepResult rows): answers shown, then misses."""
    rows = (
        results.filter(Q(outcome=StepOutcome.SHOWN) | Q(misses__gt=0))
        .values("progress__module_key", "step_id")
        .annotate(
            shown=Count("pk", filter=Q(outcome=StepOutcome.SHOWN)),
            misses=Sum("misses"),
            people=Count("progress__beneficiary", distinct=True),
        )
        .order_by("-shown", "-misses", "progress__module_key", "step_id")[:limit]
    )
    found = []
    for row in rows:
        module = content.module(row["progress__module_key"])
        found.append(
            FailingStep(
                module_key=row["progress__module_key"],
                module_title=module.title if module else row["progress__module_key"],
                step_id=row["step_id"],
                step_title=step_title(module, row["step_id"]),
                shown=row["shown"],
                misses=row["misses"] or 0,
                people=row["people"],
            )
        )
    return found


def group_failing_steps(*, membership, group: LearnerGroup, keys: list[str]):
    results = StepResult.objects.visible_to(membership).filter(
        progress__beneficiary__learner_groups=group, progress__module_key__in=keys
    )
    return failing_steps(results)


def member_candidates(*, membership, group: LearnerGroup, query: str):
    """Files of the group's site matching a name or a file number, not yet members."""
    query = " ".join((query or "").split())
    if len(query) < 2:
        return []
    every_word = Q()
    for word in query.split():
        every_word &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    match = Q(file_number__iexact=query) | every_word
    return list(
        Beneficiary.objects.visible_to(membership)
        .filter(match, site_id=group.site_id, merged_into__isnull=True)
        .exclude(learner_groups=group)
        .only("pk", "first_name", "last_name", "file_number", "birth_year")
        .order_by(Lower("last_name"), Lower("first_name"), "pk")[:SEARCH_LIMIT]
    )
