"""Finished sittings with their levels and answers, built on the models (tests only)."""

import datetime

from django.utils import timezone

from tests.diagnostics.factories import DiagnosticFactory, DiagnosticResultFactory
from tisser.diagnostics.enums import DiagnosticKind
from tisser.exercises import content
from tisser.exercises.services import answer_record


def at(day: int, month: int = 3, year: int = 2026) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, 10, 0))


def finished(beneficiary, levels: dict[str, int], *, kind=DiagnosticKind.ENTRY, when=None, **extra):
    """A finished sitting of ``beneficiary`` with ``levels`` ({domain: level})."""
    diagnostic = DiagnosticFactory(
        beneficiary=beneficiary,
        kind=kind,
        finished=True,
        finished_at=when or at(2),
        domains=list(levels),
        **extra,
    )
    for code, level in levels.items():
        DiagnosticResultFactory(diagnostic=diagnostic, domain=code, level=level)
    return diagnostic


def answer(diagnostic, key: str, response: dict, attempt: str):
    """One answer of the sitting through the exercise engine."""
    return answer_record(
        beneficiary=diagnostic.beneficiary,
        item=content.get_item(key),
        response=response,
        context_kind="diagnostic",
        context_id=str(diagnostic.pk),
        idempotency_key=attempt,
    ).answer
