"""Reads of the learner's side: « Mon parcours » and how far they got in each module."""

from dataclasses import dataclass

from tisser.diagnostics import framework
from tisser.diagnostics.enums import AUTONOMY_LEVEL
from tisser.diagnostics.selectors import learner_diagnostic_latest_finished
from tisser.learning.content import Module, module, modules_for
from tisser.learning.enums import DeviceFit
from tisser.learning.models import ModuleAssignment, ModuleProgress

# The diagnostic's suggestions are a short list, after what the mediator gave.
SUGGESTIONS_MAX = 5


@dataclass(frozen=True)
class PathEntry:
    module: Module
    progress: ModuleProgress | None
    done: int  # steps of the module as it is now that have a result
    assigned: bool  # given by the mediator (else suggested by the diagnostic)

    @property
    def device(self) -> str:
        return str(DeviceFit(self.module.device).label)

    @property
    def total(self) -> int:
        return len(self.module.steps)

    @property
    def finished(self) -> bool:
        return self.progress is not None and self.progress.is_finished

    @property
    def started(self) -> bool:
        return self.progress is not None


def steps_done(progress: ModuleProgress | None, current: Module) -> int:
    """How many of the module's current steps have a result (``progress.steps`` prefetched)."""
    if progress is None:
        return 0
    ids = set(current.step_keys)
    return sum(1 for result in progress.steps.all() if result.step_id in ids)


def learner_progresses(*, learner) -> dict[str, ModuleProgress]:
    """The learner's progress per module key, with their step results (two queries)."""
    rows = ModuleProgress.objects.filter(beneficiary=learner).prefetch_related("steps")
    return {row.module_key: row for row in rows}


def suggested_modules(*, learner, excluded: set[str]) -> list[Module]:
    """What the last finished diagnostic suggests: its domains below autonomy (lowest level
    first, framework order on a tie), modules at the person's level then the next one."""
    diagnostic = learner_diagnostic_latest_finished(learner=learner)
    if diagnostic is None:
        return []
    order = {domain.code: index for index, domain in enumerate(framework.domains())}
    results = sorted(
        (row for row in diagnostic.results.all() if row.level < AUTONOMY_LEVEL),
        key=lambda row: (row.level, order.get(row.domain, len(order))),
    )
    excluded = set(excluded)
    found: list[Module] = []
    for row in results:
        for level in (row.level, row.level + 1):
            for candidate in modules_for(row.domain, level):
                if candidate.key not in excluded:
                    excluded.add(candidate.key)
                    found.append(candidate)
    return found[:SUGGESTIONS_MAX]


def learner_path(*, learner) -> list[PathEntry]:
    """« Mon parcours »: the modules given by the mediator in their order (not withdrawn),
    then the diagnostic's suggestions not finished yet. A constant number of queries."""
    progresses = learner_progresses(learner=learner)
    keys = ModuleAssignment.objects.filter(
        beneficiary=learner, withdrawn_at__isnull=True
    ).values_list("module_key", flat=True)
    assigned = [found for key in keys if (found := module(key)) is not None]
    finished = {key for key, row in progresses.items() if row.is_finished}
    assigned_keys = {entry.key for entry in assigned}
    excluded = finished | assigned_keys
    suggested = suggested_modules(learner=learner, excluded=excluded)
    return [
        PathEntry(
            module=entry,
            progress=progresses.get(entry.key),
            done=steps_done(progresses.get(entry.key), entry),
            assigned=entry.key in assigned_keys,
        )
        for entry in [*assigned, *suggested]
    ]


def progress_done_count(progress: ModuleProgress, current: Module) -> int:
    """« 3 sur 8 » for one module (one query)."""
    ids = set(current.step_keys)
    return sum(1 for step_id in progress.steps.values_list("step_id", flat=True) if step_id in ids)
