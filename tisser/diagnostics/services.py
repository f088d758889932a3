"""Writes of the skills diagnostic: start (or resume), answer, context, finish, abandon.

A sitting's answers are the exercise engine's ``Answer`` rows in the context
``("diagnostic", str(diagnostic.pk))``; the next item depends only on them (adaptive.py), so
every call replays the history: nothing but the answers needs saving for a sitting to resume.
Only the first answer to an item counts.

Who acts: a staff member (a ``Membership``) for an assisted or paper sitting, journaled; the
learner alone on their phone (``actor=None``), whose own answers are not journaled, like
their practice (decision 0044). See docs/decisions/0052-skills-diagnostic.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.accounts.enums import Role
from tisser.accounts.models import Membership
from tisser.beneficiaries.enums import PeriodOpening
from tisser.beneficiaries.models import AccompanimentPeriod, Beneficiary, is_jobseeker
from tisser.beneficiaries.services import (
    accompaniment_period_open_by_own_diagnostic,
    accompaniment_period_open_if_none,
)
from tisser.core import clock, stale_figures
from tisser.core.errors import DomainError
from tisser.core.journal import record
from tisser.diagnostics import adaptive, framework
from tisser.diagnostics.enums import DiagnosticKind, DiagnosticMode, DiagnosticStatus
from tisser.diagnostics.models import Diagnostic, DiagnosticResult
from tisser.exercises import content
from tisser.exercises.content import Item
from tisser.exercises.enums import ContextKind
from tisser.exercises.models import Answer
from tisser.exercises.services import Recorded, answer_record, answer_record_judged
from tisser.notifications.models import RecipientKind
from tisser.notifications.services import notify

# Who may run a sitting with a person: the network and the site team of the person's file
# (volunteers too: they welcome people and may sit beside them).
STAFF_ROLES = (Role.NETWORK_ADMIN, Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER)
# Abandoning a sitting is a judgement on the accompaniment: not volunteers.
ABANDON_ROLES = (Role.NETWORK_ADMIN, Role.SITE_MANAGER, Role.MEDIATOR)
CONTEXT_KIND = ContextKind.DIAGNOSTIC.value
FINISHED_ALONE_KIND = "diagnostic_finished_alone_site"


# --- helpers ---------------------------------------------------------------------------


def _check_staff(actor: Membership | None, beneficiary: Beneficiary, roles=STAFF_ROLES) -> None:
    if actor is None or not actor.is_active or actor.role not in roles:
        raise DomainError(_("Votre rôle ne permet pas cette action."))
    if not Beneficiary.objects.visible_to(actor).filter(pk=beneficiary.pk).exists():
        raise DomainError(_("Ce dossier n'est pas visible pour vous."))


def _check_in_progress(diagnostic: Diagnostic) -> None:
    if diagnostic.status == DiagnosticStatus.FINISHED:
        raise DomainError(_("Ce diagnostic est déjà terminé."))
    if diagnostic.status == DiagnosticStatus.ABANDONED:
        raise DomainError(_("Ce diagnostic a été arrêté."))


def sitting_domains(beneficiary: Beneficiary) -> list[str]:
    """The framework's domains, in its order; the job-search one only for jobseekers."""
    seeker = is_jobseeker(beneficiary)
    return [row.code for row in framework.domains() if seeker or not row.jobseekers_only]


def context_id(diagnostic: Diagnostic) -> str:
    return str(diagnostic.pk)


@dataclass(frozen=True)
class History:
    """A sitting's answers as the adaptive rules read them (first answer per item)."""

    responses: list[adaptive.Response]
    bank: adaptive.ItemBank

    @property
    def count(self) -> int:
        return len(self.responses)


def sitting_answers(diagnostic: Diagnostic):
    return Answer.objects.filter(
        beneficiary_id=diagnostic.beneficiary_id,
        context_kind=CONTEXT_KIND,
        context_id=context_id(diagnostic),
    ).order_by("answered_at", "pk")


def sitting_history(diagnostic: Diagnostic) -> History:
    """Replay the sitting: its answers in order, the first one per item key (one query)."""
    bank = framework.form_bank(diagnostic.kind)
    cells = {
        item.key: item
        for code in diagnostic.domains
        for level in range(0, 5)
        for item in bank.cell(code, level)
    }
    responses: list[adaptive.Response] = []
    seen: set[str] = set()
    for key, correct in sitting_answers(diagnostic).values_list("item_key", "correct"):
        if key in seen or key not in cells:
            continue
        seen.add(key)
        cell = cells[key]
        responses.append(
            adaptive.Response(key=key, domain=cell.domain, level=cell.level, correct=correct)
        )
    return History(responses=responses, bank=bank)


def next_of(diagnostic: Diagnostic, history: History) -> Item | None:
    found = adaptive.next_item(history.bank, diagnostic.domains, history.responses)
    return content.get_item(found.key) if found is not None else None


def _period_for(
    *, beneficiary: Beneficiary, kind: str, actor: Membership | None
) -> AccompanimentPeriod | None:
    """Entry: the open period, opened by this diagnostic when there is none. Exit: the open
    period, else the latest one (a person may take the exit check just after it closed)."""
    if kind == DiagnosticKind.ENTRY:
        if actor is None:
            period, _created = accompaniment_period_open_by_own_diagnostic(beneficiary=beneficiary)
        else:
            period, _created = accompaniment_period_open_if_none(
                actor=actor,
                beneficiary=beneficiary,
                site=beneficiary.site,
                on=clock.localdate(),
                opened_by=PeriodOpening.DIAGNOSTIC,
            )
        return period
    periods = AccompanimentPeriod.objects.filter(beneficiary=beneficiary)
    return periods.open().first() or periods.order_by("-opened_on", "-pk").first()


# --- start ---------------------------------------------------------------------------


def diagnostic_start(
    *, beneficiary: Beneficiary, kind: str, mode: str, actor: Membership | None = None
) -> Diagnostic:
    """Start a sitting of ``kind`` for the person, or return the one in progress (resume).

    ``actor`` is the staff member for an assisted or paper sitting; ``None`` when the
    learner starts alone with their card. The domains and the form's version are frozen
    now. The entry diagnostic opens or joins the accompaniment period; the exit one
    attaches to the open period, else the latest. At most one sitting per kind in progress:
    the person's row is locked, and the database constraint is the last guard.
    """
    if kind not in DiagnosticKind.values:
        raise DomainError(_("Type de diagnostic inconnu."))
    if mode not in DiagnosticMode.values:
        raise DomainError(_("Façon de passer le diagnostic inconnue."))
    if mode == DiagnosticMode.ALONE:
        if actor is not None:
            raise DomainError(_("Seule la personne peut passer le diagnostic seule."))
    else:
        _check_staff(actor, beneficiary)
    if beneficiary.merged_into_id is not None:
        raise DomainError(_("Ce dossier a été fusionné dans un autre dossier."))
    current = Diagnostic.objects.in_progress().filter(beneficiary=beneficiary, kind=kind).first()
    if current is not None:
        return current
    try:
        with transaction.atomic():
            locked = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
            current = Diagnostic.objects.in_progress().filter(beneficiary=locked, kind=kind).first()
            if current is not None:
                return current
            diagnostic = Diagnostic.objects.create(
                beneficiary=locked,
                site=locked.site,
                period=_period_for(beneficiary=locked, kind=kind, actor=actor),
                kind=kind,
                mode=mode,
                domains=sitting_domains(locked),
                form_version=framework.form_version(kind),
                started_by=actor.user if actor is not None else None,
            )
            if actor is not None:
                record(
                    actor=actor.user,
                    action="diagnostic.started",
                    obj=diagnostic,
                    site=locked.site,
                    payload={"beneficiary": locked.pk, "kind": kind, "mode": mode},
                )
    except IntegrityError:
        # Another request started the same kind meanwhile: resume that one.
        return Diagnostic.objects.in_progress().get(beneficiary=beneficiary, kind=kind)
    return diagnostic


# --- answers ---------------------------------------------------------------------------


def diagnostic_next(diagnostic: Diagnostic) -> Item | None:
    """The next item to ask, or None when the sitting is over (or no longer in progress)."""
    if diagnostic.status != DiagnosticStatus.IN_PROGRESS:
        return None
    return next_of(diagnostic, sitting_history(diagnostic))


def diagnostic_answer(
    *,
    diagnostic: Diagnostic,
    item: Item,
    response: dict | None,
    idempotency_key: str,
    dont_know: bool = False,
    actor: Membership | None = None,
) -> Recorded:
    """Save the answer to the current item; « Je ne sais pas » (``dont_know``) is an answer
    that is not correct. The same ``idempotency_key`` sent again returns the first answer,
    even once the sitting is over. The sitting finishes when no item is left.

    Raises ``scoring.InvalidResponse`` when the response does not fit the item, and
    ``DomainError`` for an item that is not the one being asked (nothing saved).
    """
    if actor is not None:
        _check_staff(actor, diagnostic.beneficiary)
    resent = Answer.objects.filter(
        beneficiary_id=diagnostic.beneficiary_id,
        idempotency_key=idempotency_key,
        context_kind=CONTEXT_KIND,
        context_id=context_id(diagnostic),
    ).first()
    if resent is not None:
        return Recorded(resent, created=False)
    _check_in_progress(diagnostic)
    history = sitting_history(diagnostic)
    expected = next_of(diagnostic, history)
    if expected is None or expected.key != item.key:
        raise DomainError(_("Cette question n'est plus la question en cours."))
    sitting = context_id(diagnostic)
    with transaction.atomic():
        if dont_know:
            recorded = answer_record_judged(
                beneficiary=diagnostic.beneficiary,
                item=item,
                correct=False,
                response={"dont_know": True},
                context_kind=CONTEXT_KIND,
                context_id=sitting,
                idempotency_key=idempotency_key,
            )
        else:
            recorded = answer_record(
                beneficiary=diagnostic.beneficiary,
                item=item,
                response=response or {},
                context_kind=CONTEXT_KIND,
                context_id=sitting,
                idempotency_key=idempotency_key,
            )
        if recorded.created and actor is not None:
            record(
                actor=actor.user,
                action="diagnostic.answer_entered",
                obj=diagnostic,
                site=diagnostic.site_id,
                payload={"item": item.key, "dont_know": dont_know},
            )
    if recorded.created and diagnostic_next(diagnostic) is None:
        diagnostic_finish(diagnostic, actor=actor)
    return recorded


def diagnostic_context_save(
    *, diagnostic: Diagnostic, answers: dict[str, str], actor: Membership | None = None
) -> Diagnostic:
    """Keep the answers to the context questions (question code -> option code); answers
    given before are kept unless answered again. Unknown codes change nothing."""
    if actor is not None:
        _check_staff(actor, diagnostic.beneficiary)
    _check_in_progress(diagnostic)
    questions = {question.code: question for question in framework.context_questions()}
    for code, answer in answers.items():
        question = questions.get(code)
        if question is None:
            raise DomainError(_("Question inconnue."))
        if answer not in {option.code for option in question.options}:
            raise DomainError(_("Choisissez une des réponses proposées."))
    with transaction.atomic():
        locked = Diagnostic.objects.select_for_update().get(pk=diagnostic.pk)
        _check_in_progress(locked)
        locked.context = {**locked.context, **answers}
        locked.save(update_fields=["context"])
        if actor is not None:
            record(
                actor=actor.user,
                action="diagnostic.context_saved",
                obj=locked,
                site=locked.site_id,
                payload={"questions": sorted(answers)},
            )
    diagnostic.context = locked.context
    return locked


# --- end -------------------------------------------------------------------------------


def diagnostic_finish(diagnostic: Diagnostic, *, actor: Membership | None = None) -> Diagnostic:
    """Write the level per domain (adaptive.estimate), the number of items, the end time.

    Idempotent: a finished sitting is returned as it is. When the learner finished alone,
    the team of the file's site is told (one message per sitting).
    """
    with transaction.atomic():
        locked = Diagnostic.objects.select_for_update().get(pk=diagnostic.pk)
        if locked.status == DiagnosticStatus.FINISHED:
            _refresh(diagnostic, locked)
            return locked
        if locked.status == DiagnosticStatus.ABANDONED:
            raise DomainError(_("Ce diagnostic a été arrêté."))
        history = sitting_history(locked)
        levels = adaptive.estimate(history.bank, locked.domains, history.responses)
        DiagnosticResult.objects.bulk_create(
            DiagnosticResult(diagnostic=locked, domain=code, level=levels[code])
            for code in locked.domains
        )
        locked.status = DiagnosticStatus.FINISHED
        locked.finished_at = clock.now()
        locked.item_count = history.count
        locked.save(update_fields=["status", "finished_at", "item_count"])
        stale_figures.mark_stale(
            site_id=locked.site_id,
            day=timezone.localdate(locked.finished_at),
            dimension=stale_figures.DIAGNOSTICS,
        )
        if actor is not None:
            record(
                actor=actor.user,
                action="diagnostic.finished",
                obj=locked,
                site=locked.site_id,
                payload={"items": history.count},
            )
        if locked.mode == DiagnosticMode.ALONE:
            notify(
                event_key=f"diagnostic-finished-{locked.pk}",
                template=FINISHED_ALONE_KIND,
                recipient_kind=RecipientKind.SITE_TEAM,
                subject=locked,
                site=locked.beneficiary.site,
            )
    _refresh(diagnostic, locked)
    return locked


def diagnostic_abandon(*, actor: Membership, diagnostic: Diagnostic) -> Diagnostic:
    """Stop a sitting in progress (the person will not come back to it); its answers stay."""
    _check_staff(actor, diagnostic.beneficiary, roles=ABANDON_ROLES)
    with transaction.atomic():
        locked = Diagnostic.objects.select_for_update().get(pk=diagnostic.pk)
        _check_in_progress(locked)
        locked.status = DiagnosticStatus.ABANDONED
        locked.item_count = sitting_history(locked).count
        locked.save(update_fields=["status", "item_count"])
        record(
            actor=actor.user,
            action="diagnostic.abandoned",
            obj=locked,
            site=locked.site_id,
            payload={"beneficiary": locked.beneficiary_id, "kind": locked.kind},
        )
    _refresh(diagnostic, locked)
    return locked


def _refresh(diagnostic: Diagnostic, locked: Diagnostic) -> None:
    """The caller's object says what the database now says."""
    for name in ("status", "finished_at", "item_count"):
        setattr(diagnostic, name, getattr(locked, name))
