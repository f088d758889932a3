"""Writes of the exercise engine: a learner's answer, saved as soon as it is given."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from tisser.exercises import scoring
from tisser.exercises.content import Item
from tisser.exercises.models import Answer, ItemVersion

IDEMPOTENCY_KEY_LENGTH = 40


@dataclass(frozen=True)
class Recorded:
    answer: Answer
    # False when the same answer had already been sent (a double tap, a resent form).
    created: bool


def item_version_for(item: Item) -> ItemVersion:
    """The frozen copy of this exact item definition, made on its first answer."""
    version, _created = ItemVersion.objects.get_or_create(
        key=item.key,
        content_hash=item.content_hash,
        defaults={
            "version": item.version,
            "type": item.type,
            "level": item.level,
            "choices": item.choices,
            "definition": item.definition,
        },
    )
    return version


def answer_record(
    *,
    beneficiary,
    item: Item,
    response: dict,
    context_kind: str,
    context_id: str = "",
    idempotency_key: str,
) -> Recorded:
    """Score and save one answer; the same ``idempotency_key`` sent again returns the first.

    The actor is the learner (``beneficiary``): answers are their own practice, written by
    themselves, and are not journaled (docs/decisions/0044-exercise-engine.md). Raises
    ``scoring.InvalidResponse`` when the response does not fit the item (nothing saved).
    """
    return _answer_save(
        beneficiary=beneficiary,
        item=item,
        response=response,
        context_kind=context_kind,
        context_id=context_id,
        idempotency_key=idempotency_key,
        judge=lambda: scoring.score(item.definition, response),
    )


def answer_record_judged(
    *,
    beneficiary,
    item: Item,
    correct: bool,
    response: dict,
    context_kind: str,
    context_id: str = "",
    idempotency_key: str,
) -> Recorded:
    """Save an answer whose correctness is given, not computed by scoring.

    For « Je ne sais pas » (``{"dont_know": true}``, never correct) and for answers given on
    paper and entered by staff (``{"paper": "right" | "wrong" | "dont_know"}``). Scored 1 or 0;
    the same ``idempotency_key`` sent again returns the first answer, as ``answer_record``.
    """
    if not isinstance(response, dict) or not response:
        raise scoring.InvalidResponse("réponse illisible")
    return _answer_save(
        beneficiary=beneficiary,
        item=item,
        response=response,
        context_kind=context_kind,
        context_id=context_id,
        idempotency_key=idempotency_key,
        judge=lambda: scoring.Result(scoring.ONE if correct else scoring.ZERO, bool(correct)),
    )


def _answer_save(
    *,
    beneficiary,
    item: Item,
    response: dict,
    context_kind: str,
    context_id: str,
    idempotency_key: str,
    judge: Callable[[], scoring.Result],
) -> Recorded:
    """The one write of an answer: counted once per ``idempotency_key``, race included.

    ``judge`` gives the score; it runs only when the answer is new (a resent answer is not
    scored again) and may raise ``scoring.InvalidResponse`` (nothing saved).
    """
    if not idempotency_key or len(idempotency_key) > IDEMPOTENCY_KEY_LENGTH:
        raise scoring.InvalidResponse("clé d'envoi manquante")
    existing = Answer.objects.filter(
        beneficiary=beneficiary, idempotency_key=idempotency_key
    ).first()
    if existing is not None:
        return Recorded(existing, created=False)
    result = judge()
    try:
        with transaction.atomic():
            answer = Answer(
                beneficiary=beneficiary,
                item_version=item_version_for(item),
                item_key=item.key,
                context_kind=context_kind,
                context_id=context_id,
                idempotency_key=idempotency_key,
                response=response,
                score=result.score,
                correct=result.correct,
            )
            answer.full_clean(exclude=["beneficiary", "item_version"], validate_unique=False)
            answer.save()
    except IntegrityError:
        # The same answer arrived twice at once: the other request saved it first.
        existing = Answer.objects.get(beneficiary=beneficiary, idempotency_key=idempotency_key)
        return Recorded(existing, created=False)
    return Recorded(answer, created=True)


def answer_result(answer: Answer) -> scoring.Result:
    """The answer scored again against the version it answered (for its feedback)."""
    return scoring.score(answer.item_version.definition, answer.response)
