"""Reads of the skills diagnostic: a person's sittings, where a sitting is, its results.

The learner's reads take the learner's file (``request.learner``): their own rows only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from tisser.diagnostics import framework
from tisser.diagnostics.enums import AUTONOMY_LEVEL, LEVEL_MAX, DiagnosticKind, DiagnosticMode
from tisser.diagnostics.models import Diagnostic, DiagnosticResult
from tisser.diagnostics.services import sitting_answers

# The sittings a learner may go on with on their phone: theirs alone, or one a mediator
# started with them; answers on paper are entered by the team.
LEARNER_MODES = (DiagnosticMode.ALONE, DiagnosticMode.ASSISTED)


def learner_diagnostic_in_progress(*, learner) -> Diagnostic | None:
    """The sitting the learner may go on with (the entry one first), or None."""
    rows = Diagnostic.objects.in_progress().filter(beneficiary=learner, mode__in=LEARNER_MODES)
    return min(rows, key=lambda row: row.kind != DiagnosticKind.ENTRY, default=None)


def finished_latest_first(*, learner):
    """The person's finished sittings, the latest first (the first one is « the last
    diagnostic » that the results and the modules' path follow)."""
    return Diagnostic.objects.finished().filter(beneficiary=learner).order_by("-finished_at", "-pk")


def learner_diagnostic_latest_finished(*, learner) -> Diagnostic | None:
    return finished_latest_first(learner=learner).first()


def learner_may_start_entry(*, learner) -> bool:
    """A learner starts the entry diagnostic alone when they have none yet; the exit one is
    proposed by the team at the end of the accompaniment (docs/decisions/0052)."""
    return (
        not Diagnostic.objects.filter(beneficiary=learner, kind=DiagnosticKind.ENTRY)
        .exclude(status="abandoned")
        .exists()
    )


def diagnostic_answered_count(diagnostic: Diagnostic) -> int:
    """How many items of the sitting have an answer (one query)."""
    return sitting_answers(diagnostic).values("item_key").distinct().count()


def context_question_to_ask(diagnostic: Diagnostic) -> framework.ContextQuestion | None:
    """The first context question without an answer yet, or None."""
    for question in framework.context_questions():
        if question.code not in diagnostic.context:
            return question
    return None


@dataclass(frozen=True)
class DomainResult:
    code: str
    label: str
    level: int
    title: str
    sentence: str
    pictogram: str

    @property
    def stars(self) -> list[bool]:
        return [index < self.level for index in range(LEVEL_MAX)]

    @property
    def stars_label(self) -> str:
        """« 2 étoiles sur 4 » for a screen reader (French: 0 and 1 take the singular)."""
        if self.level <= 1:
            return _("%(count)s étoile sur %(total)s") % {"count": self.level, "total": LEVEL_MAX}
        return _("%(count)s étoiles sur %(total)s") % {"count": self.level, "total": LEVEL_MAX}

    @property
    def autonomous(self) -> bool:
        return self.level >= AUTONOMY_LEVEL


def diagnostic_results(diagnostic: Diagnostic) -> list[DomainResult]:
    """The level per domain in the framework's order, in the learner's words (one query)."""
    by_level = {level.number: level for level in framework.levels()}
    found = {row.domain: row.level for row in diagnostic.results.all()}
    rows = []
    for domain in framework.domains():
        if domain.code not in found:
            continue
        level = found[domain.code]
        rows.append(
            DomainResult(
                code=domain.code,
                label=domain.label,
                level=level,
                title=by_level[level].title,
                sentence=by_level[level].description,
                pictogram=mark_safe(framework.picture_svg(domain.code)),  # noqa: S308 (checked)
            )
        )
    return rows


def learner_next_step(results: list[DomainResult]) -> DomainResult | None:
    """The domain to work on first: the lowest below autonomy (framework order on a tie).

    The results page shows at most two next steps: this domain, with the mediator, and the
    practice exercises."""
    below = [row for row in results if not row.autonomous]
    return min(below, key=lambda row: row.level, default=None)


def person_diagnostics(*, membership, beneficiary):
    """The file's sittings for the team, newest first, with their levels (two queries)."""
    return (
        Diagnostic.objects.visible_to(membership)
        .filter(beneficiary=beneficiary)
        .select_related("started_by")
        .prefetch_related(Prefetch("results", queryset=DiagnosticResult.objects.order_by("pk")))
        .order_by("-started_at", "-pk")
    )
