"""Reads of the learner's side: « Mon parcours » and how far they got in each module."""

from dataclasses import dataclass, field

from django.db.models import Case, CharField, Subquery, Value, When

from tisser.diagnostics import framework
from tisser.diagnostics.enums import AUTONOMY_LEVEL
from tisser.diagnostics.models import DiagnosticResult
from tisser.diagnostics.selectors import finished_latest_first, learner_diagnostic_latest_finished
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
    """What the last finished diagnostic suggests (``modules_suggested_by`` its levels)."""
    diagnostic = learner_diagnostic_latest_finished(learner=learner)
    if diagnostic is None:
        return []
    levels = [(row.domain, row.level) for row in diagnostic.results.all()]
    return modules_suggested_by(levels, excluded=excluded)


def modules_suggested_by(levels, *, excluded: set[str]) -> list[Module]:
    """The path's rule, from a sitting's ``(domain, level)`` pairs: its domains below
    autonomy (lowest level first, framework order on a tie), modules at the person's level
    then the next one, none of ``excluded``, at most ``SUGGESTIONS_MAX``."""
    order = {domain.code: index for index, domain in enumerate(framework.domains())}
    below = sorted(
        ((domain, level) for domain, level in levels if level < AUTONOMY_LEVEL),
        key=lambda row: (row[1], order.get(row[0], len(order))),
    )
    excluded = set(excluded)
    found: list[Module] = []
    for domain, person_level in below:
        for level in (person_level, person_level + 1):
            for candidate in modules_for(domain, level):
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


@dataclass(frozen=True)
class DiagnosticSuggestions:
    """The modules a finished sitting's results suggest, with what the person already has."""

    modules: list[Module] = field(default_factory=list)
    given: set[str] = field(default_factory=set)  # assigned, not withdrawn
    started: set[str] = field(default_factory=set)  # started, not finished

    @property
    def to_give(self) -> list[Module]:
        return [found for found in self.modules if found.key not in self.given]


def diagnostic_suggestions(*, diagnostic) -> DiagnosticSuggestions:
    """What « Mon parcours » suggests after this sitting, as the team sees it on its results:
    the path's own rule (``modules_suggested_by``) on the levels of the person's latest
    finished sitting, leaving out only the modules finished (those already given stay
    listed). Nothing when ``diagnostic`` is not that latest sitting: the path follows the
    latest one. Two queries (the latest sitting's levels; the person's modules)."""
    learner = diagnostic.beneficiary_id
    latest = finished_latest_first(learner=learner).values("pk")[:1]
    levels = list(
        DiagnosticResult.objects.filter(diagnostic_id=Subquery(latest))
        .order_by()
        .values_list("diagnostic_id", "domain", "level")
    )
    if not levels or levels[0][0] != diagnostic.pk:
        return DiagnosticSuggestions()
    state: CharField = CharField()
    progress = (
        ModuleProgress.objects.filter(beneficiary_id=learner)
        .annotate(
            state=Case(
                When(finished_at__isnull=True, then=Value("started")),
                default=Value("finished"),
                output_field=state,
            )
        )
        .order_by()
        .values_list("module_key", "state")
    )
    given = (
        ModuleAssignment.objects.filter(beneficiary_id=learner, withdrawn_at__isnull=True)
        .annotate(state=Value("given", output_field=state))
        .order_by()
        .values_list("module_key", "state")
    )
    keys: dict[str, set[str]] = {"started": set(), "finished": set(), "given": set()}
    for key, kind in progress.union(given, all=True):
        keys[kind].add(key)
    found = modules_suggested_by(
        [(domain, level) for _pk, domain, level in levels], excluded=keys["finished"]
    )
    return DiagnosticSuggestions(modules=found, given=keys["given"], started=keys["started"])
