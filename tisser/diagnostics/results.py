"""What a finished diagnostic says, read for the team's results page and the printout.

Pure reads, a constant number of queries for one sitting (decision 0052, "Results, figures
and demo"): the answers item by item (the engine's ``Answer`` rows of the sitting, the
first answer per item counting, as the adaptive rules replay them), the level per domain
with the framework's title, the recommended path, and the comparison with the other
sitting of the pair (an exit and its entry).

The pair: an exit is compared with the finished entry of the same accompaniment period,
else with the person's latest entry finished before it. (The reporting figures count only
pairs within one period: ``reporting.entry_level``.)
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from tisser.diagnostics import framework
from tisser.diagnostics.enums import AUTONOMY_LEVEL, LEVEL_MAX, DiagnosticKind, DiagnosticStatus
from tisser.diagnostics.models import Diagnostic
from tisser.exercises import in_words
from tisser.exercises.enums import ContextKind
from tisser.exercises.models import Answer

# How many domains the recommended path names at most (issue 13: "domains now").
PATH_SIZE = 3

RIGHT, WRONG, DONT_KNOW = "right", "wrong", "dont_know"


@dataclass(frozen=True)
class AnswerLine:
    number: int
    domain: str
    domain_label: str
    level: int
    instruction: str
    response: str
    outcome: str  # RIGHT, WRONG or DONT_KNOW

    @property
    def outcome_label(self) -> str:
        return {
            RIGHT: _("Juste"),
            WRONG: _("Pas juste"),
            DONT_KNOW: _("« Je ne sais pas »"),
        }[self.outcome]


@dataclass(frozen=True)
class DomainLevel:
    code: str
    label: str
    pictogram: str
    level: int
    title: str

    @property
    def autonomous(self) -> bool:
        return self.level >= AUTONOMY_LEVEL

    @property
    def stars(self) -> list[bool]:
        """One entry per star of the scale (0–4), True when earned."""
        return [index < self.level for index in range(LEVEL_MAX)]


@dataclass(frozen=True)
class PathStep:
    domain: DomainLevel
    reason: str


@dataclass(frozen=True)
class Change:
    code: str
    label: str
    entry: DomainLevel
    exit: DomainLevel

    @property
    def direction(self) -> str:
        if self.exit.level > self.entry.level:
            return "up"
        return "down" if self.exit.level < self.entry.level else "same"

    @property
    def direction_label(self) -> str:
        return {"up": _("En progrès"), "same": _("Pareil"), "down": _("En baisse")}[self.direction]


@dataclass(frozen=True)
class Comparison:
    entry: Diagnostic
    exit: Diagnostic
    changes: list[Change]

    @property
    def autonomous_before(self) -> int:
        return sum(change.entry.autonomous for change in self.changes)

    @property
    def autonomous_after(self) -> int:
        return sum(change.exit.autonomous for change in self.changes)


@dataclass(frozen=True)
class Results:
    diagnostic: Diagnostic
    levels: list[DomainLevel]
    path: list[PathStep]
    comparison: Comparison | None

    @property
    def autonomous_count(self) -> int:
        return sum(level.autonomous for level in self.levels)

    @property
    def autonomous(self) -> bool:
        """Autonomy reached: every domain of the sitting at level 3 or more."""
        return bool(self.levels) and all(level.autonomous for level in self.levels)


# --- levels per domain -------------------------------------------------------------------


def level_titles() -> dict[int, str]:
    return {row.number: row.title for row in framework.levels()}


def domain_levels(levels_by_code: dict[str, int]) -> list[DomainLevel]:
    """The levels of one sitting in the framework's order of domains."""
    titles = level_titles()
    return [
        DomainLevel(
            code=row.code,
            label=row.label,
            pictogram=row.picture,
            level=levels_by_code[row.code],
            title=titles.get(levels_by_code[row.code], ""),
        )
        for row in framework.domains()
        if row.code in levels_by_code
    ]


def recommended_path(levels: list[DomainLevel]) -> list[PathStep]:
    """The domains to work on now: the lowest ones not yet autonomous, at most three
    (ties in the framework's order), each with a plain reason."""
    to_work = sorted(
        (level for level in levels if not level.autonomous), key=lambda level: level.level
    )[:PATH_SIZE]
    steps = []
    for level in to_work:
        if level.level == 0:
            reason = _("Tout est nouveau ici : on commence par les gestes de base.")
        elif level.level == AUTONOMY_LEVEL - 1:
            reason = _("Encore un niveau pour être autonome : c'est tout proche.")
        else:
            reason = _(
                "Niveau %(level)s sur %(max)s : encore %(missing)s niveaux pour être autonome."
            ) % {
                "level": level.level,
                "max": LEVEL_MAX,
                "missing": AUTONOMY_LEVEL - level.level,
            }
        steps.append(PathStep(domain=level, reason=reason))
    return steps


# --- answers item by item ----------------------------------------------------------------


def sitting_answers(diagnostic: Diagnostic) -> list[AnswerLine]:
    """The sitting's answers in the order given; the first answer per item counts (one query)."""
    rows = (
        Answer.objects.filter(
            beneficiary_id=diagnostic.beneficiary_id,
            context_kind=ContextKind.DIAGNOSTIC,
            context_id=str(diagnostic.pk),
        )
        .select_related("item_version")
        .order_by("answered_at", "pk")
    )
    labels = {row.code: row.label for row in framework.domains()}
    lines: list[AnswerLine] = []
    seen: set[str] = set()
    for answer in rows:
        if answer.item_key in seen:
            continue
        seen.add(answer.item_key)
        definition = answer.item_version.definition
        code = definition.get("domain", "")
        lines.append(
            AnswerLine(
                number=len(lines) + 1,
                domain=code,
                domain_label=labels.get(code, code),
                level=answer.item_version.level,
                instruction=definition.get("instruction", ""),
                response=response_in_words(definition, answer.response),
                outcome=_outcome(answer),
            )
        )
    return lines


def _outcome(answer: Answer) -> str:
    response = answer.response if isinstance(answer.response, dict) else {}
    if response.get("dont_know") or response.get("paper") == DONT_KNOW:
        return DONT_KNOW
    return RIGHT if answer.correct else WRONG


def response_in_words(definition: dict, response: dict) -> str:
    """The answer as the team can read it back (the engine's words for each item type),
    or « Je ne sais pas », or the mark entered from a paper form."""
    if not isinstance(response, dict):
        return ""
    if response.get("dont_know"):
        return _("Je ne sais pas")
    if "paper" in response:
        return {
            RIGHT: _("Sur papier : juste"),
            WRONG: _("Sur papier : pas juste"),
            DONT_KNOW: _("Sur papier : « Je ne sais pas »"),
        }.get(response["paper"], _("Sur papier"))
    try:
        return in_words.response_in_words(definition, response)
    except (KeyError, TypeError, ValueError, StopIteration):
        return _("Réponse illisible")


# --- the sitting, its pair -----------------------------------------------------------------


def _levels_of(diagnostic: Diagnostic) -> dict[str, int]:
    return {row.domain: row.level for row in diagnostic.results.all()}


def _finished_sittings(diagnostic: Diagnostic) -> list[Diagnostic]:
    """The person's finished sittings with their results (two queries)."""
    return list(
        Diagnostic.objects.filter(
            beneficiary_id=diagnostic.beneficiary_id, status=DiagnosticStatus.FINISHED
        ).prefetch_related("results")
    )


def _ended(diagnostic: Diagnostic) -> datetime.datetime:
    """When a finished sitting finished (always set when finished: a constraint)."""
    assert diagnostic.finished_at is not None
    return diagnostic.finished_at


def _pair(
    diagnostic: Diagnostic, sittings: list[Diagnostic]
) -> tuple[Diagnostic, Diagnostic] | None:
    """The (entry, exit) pair this finished sitting belongs to, if any."""
    entries = [s for s in sittings if s.kind == DiagnosticKind.ENTRY]
    exits = [s for s in sittings if s.kind == DiagnosticKind.EXIT]

    def entry_for(exit_: Diagnostic) -> Diagnostic | None:
        before = [e for e in entries if _ended(e) < _ended(exit_)]
        if not before:
            return None
        return min(
            before,
            key=lambda e: (
                0 if exit_.period_id is not None and e.period_id == exit_.period_id else 1,
                -_ended(e).timestamp(),
                -e.pk,
            ),
        )

    if diagnostic.kind == DiagnosticKind.EXIT:
        current = next(s for s in exits if s.pk == diagnostic.pk)
        entry = entry_for(current)
        return (entry, current) if entry is not None else None
    # An entry: the first exit after it that is paired with it.
    for exit_ in sorted(exits, key=lambda s: (_ended(s), s.pk)):
        entry = entry_for(exit_)
        if entry is not None and entry.pk == diagnostic.pk:
            return entry, exit_
    return None


def comparison(diagnostic: Diagnostic, sittings: list[Diagnostic]) -> Comparison | None:
    pair = _pair(diagnostic, sittings)
    if pair is None:
        return None
    entry, exit_ = pair
    before, after = _levels_of(entry), _levels_of(exit_)
    common = {code: level for code, level in before.items() if code in after}
    entry_levels = {row.code: row for row in domain_levels(common)}
    exit_levels = {row.code: row for row in domain_levels({c: after[c] for c in common})}
    changes = [
        Change(code=code, label=row.label, entry=row, exit=exit_levels[code])
        for code, row in entry_levels.items()
    ]
    return Comparison(entry=entry, exit=exit_, changes=changes)


def diagnostic_results(diagnostic: Diagnostic) -> Results:
    """Everything the results page and the printout show but the answers (two queries)."""
    sittings = _finished_sittings(diagnostic)
    current = next((s for s in sittings if s.pk == diagnostic.pk), None)
    levels = domain_levels(_levels_of(current)) if current is not None else []
    return Results(
        diagnostic=diagnostic,
        levels=levels,
        path=recommended_path(levels),
        comparison=comparison(diagnostic, sittings) if current is not None else None,
    )
