"""The diagnostic on paper: which items the printed form holds, entering the answers, and
the team's correction grid.

Paper cannot adapt, so each printed form follows one fixed route (decision 0052, « Staff
taking, paper and preview »): for each domain in the framework's order, one item per level
from 1 to 4 (the first item of the cell that can be done with a pen; a gesture item only
when the cell has nothing else, done in front of the mediator), in order of level. Level 0
is what failing level 1 gives, as on screen. One stop rule, printed and applied alike: after
two « Je ne sais pas » in a part, the person goes on to the next part; a wrong answer stops
nothing (the person cannot know it is wrong). The mediator then enters, per question,
« juste », « pas juste », « ne sait pas » (the box ticked) or « non fait » (nothing ticked
or written); the answers go through the exercise engine like any other and the sitting
ends with the same estimate as on screen (``adaptive.estimate`` reads any history).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tisser.beneficiaries.models import Beneficiary
from tisser.core.errors import DomainError
from tisser.core.journal import record
from tisser.diagnostics import framework, services
from tisser.diagnostics.enums import LEVEL_MAX, DiagnosticMode, DiagnosticStatus
from tisser.diagnostics.models import Diagnostic
from tisser.exercises.content import Item
from tisser.exercises.enums import ContextKind
from tisser.exercises.in_words import right_answer_in_words
from tisser.exercises.services import answer_record_judged

PAPER_LEVELS = tuple(range(1, LEVEL_MAX + 1))
# A part stops after this many « Je ne sais pas » (printed on the form, applied on entry).
DONT_KNOWS_TO_STOP = 2
# Item types a pen cannot do: a gesture on a screen.
NOT_ON_PAPER = frozenset({"pointer"})

RIGHT, WRONG, DONT_KNOW, NOT_DONE = "right", "wrong", "dont_know", "not_done"
MARKS = (
    (RIGHT, gettext_lazy("Juste")),
    (WRONG, gettext_lazy("Pas juste")),
    (DONT_KNOW, gettext_lazy("Ne sait pas")),
    (NOT_DONE, gettext_lazy("Non fait")),
)
MARK_CODES = frozenset(code for code, _label in MARKS)


@dataclass(frozen=True)
class PaperQuestion:
    number: int  # as printed: « Question 7 »
    domain: str
    level: int
    item: Item

    @property
    def on_paper(self) -> bool:
        return self.item.type not in NOT_ON_PAPER

    @property
    def right_answer(self) -> str:
        """The right answer in words, for the team's correction grid (never the person's)."""
        return right_answer_in_words(self.item.definition)


def _cell_choice(items: list[Item]) -> Item:
    printable = [item for item in items if item.type not in NOT_ON_PAPER]
    return (printable or items)[0]


def paper_route(kind: str) -> list[PaperQuestion]:
    """The printed form of ``kind``, every domain of the framework, numbered from 1."""
    cells: dict[tuple[str, int], list[Item]] = {}
    for item in framework.form_items(kind):
        cells.setdefault((item.domain, item.level), []).append(item)
    route: list[PaperQuestion] = []
    for row in framework.domains():
        for level in PAPER_LEVELS:
            items = cells.get((row.code, level))
            if items:
                route.append(PaperQuestion(len(route) + 1, row.code, level, _cell_choice(items)))
    return route


def sitting_route(diagnostic: Diagnostic) -> list[PaperQuestion]:
    """The printed questions this sitting covers (its domains), with their printed numbers."""
    domains = set(diagnostic.domains)
    return [question for question in paper_route(diagnostic.kind) if question.domain in domains]


def require_team(actor, beneficiary) -> None:
    """Network admins and the file's site team (what ``Beneficiary.visible_to`` gives them)."""
    if (
        actor is None
        or not actor.is_active
        or actor.role not in services.STAFF_ROLES
        or not Beneficiary.objects.visible_to(actor).filter(pk=beneficiary.pk).exists()
    ):
        raise DomainError(_("Vous ne pouvez pas saisir le diagnostic de cette personne."))


def _paper_key(diagnostic: Diagnostic, number: int) -> str:
    # At most 40 characters whatever the id; one key per sitting and printed question.
    digest = hashlib.sha256(f"{diagnostic.pk}:{number}".encode()).hexdigest()[:24]
    return f"paper-{digest}"


def diagnostic_paper_enter(
    *,
    actor,
    diagnostic: Diagnostic,
    marks: Mapping[int, str],
    context: Mapping[str, str] | None = None,
) -> Diagnostic:
    """Record a paper sitting's answers (``marks``: printed number -> mark) and finish it.

    Every question of the sitting needs a mark, at least one answered (not « non fait »);
    otherwise, or if the sitting is not an open paper one, nothing is saved. The printed
    stop rule applies: after the second « ne sait pas » of a domain, that domain's later
    answers are not recorded (counted as ``after_stop``); « pas juste » stops nothing.
    """
    require_team(actor, diagnostic.beneficiary)
    route = sitting_route(diagnostic)
    numbers = {question.number for question in route}
    if set(marks) != numbers or not set(marks.values()) <= MARK_CODES:
        raise DomainError(_("Il manque une réponse : indiquez-en une pour chaque question."))
    if all(mark == NOT_DONE for mark in marks.values()):
        raise DomainError(
            _(
                "Aucune question n'est faite : saisissez au moins une réponse, ou laissez le diagnostic en cours."
            )
        )
    with transaction.atomic():
        locked = Diagnostic.objects.select_for_update().get(pk=diagnostic.pk)
        if locked.mode != DiagnosticMode.PAPER or locked.status != DiagnosticStatus.IN_PROGRESS:
            raise DomainError(_("Ce diagnostic n'attend plus de réponses sur papier."))
        if context:
            services.diagnostic_context_save(diagnostic=locked, answers=dict(context), actor=actor)
        counts = dict.fromkeys(MARK_CODES, 0) | {"after_stop": 0}
        dont_knows: dict[str, int] = {}
        for question in route:
            mark = marks[question.number]
            counts[mark] += 1
            if mark == NOT_DONE:
                continue
            if dont_knows.get(question.domain, 0) >= DONT_KNOWS_TO_STOP:
                # The person was told to leave the part here: what follows does not count,
                # so whoever stops as told and whoever goes on are treated alike.
                counts["after_stop"] += 1
                continue
            if mark == DONT_KNOW:
                dont_knows[question.domain] = dont_knows.get(question.domain, 0) + 1
            answer_record_judged(
                beneficiary=locked.beneficiary,
                item=question.item,
                correct=mark == RIGHT,
                response={"paper": mark},
                context_kind=ContextKind.DIAGNOSTIC,
                context_id=str(locked.pk),
                idempotency_key=_paper_key(locked, question.number),
            )
        record(
            actor=actor.user,
            action="diagnostic.paper_entered",
            obj=locked,
            site=locked.site_id,
            payload={"beneficiary": locked.beneficiary_id, **counts},
        )
        finished = services.diagnostic_finish(locked, actor=actor)
    diagnostic.status, diagnostic.finished_at = finished.status, finished.finished_at
    return finished
