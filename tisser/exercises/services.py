"""Writes of the exercise engine: a learner's answer, saved as soon as it is given."""

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
    if not idempotency_key or len(idempotency_key) > IDEMPOTENCY_KEY_LENGTH:
        raise scoring.InvalidResponse("clé d'envoi manquante")
    existing = Answer.objects.filter(
        beneficiary=beneficiary, idempotency_key=idempotency_key
    ).first()
    if existing is not None:
        return Recorded(existing, created=False)
    result = scoring.score(item.definition, response)
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
