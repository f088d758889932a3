"""Reads of learner cards, scoped by the acting membership."""

from tisser.learners.models import LearnerCard

HISTORY_LIMIT = 10


def card_history(*, membership, beneficiary) -> list[LearnerCard]:
    """The person's cards, newest first (the current one, then the stopped ones), at most
    ``HISTORY_LIMIT`` stopped ones: a person rarely has more than a few."""
    return list(
        LearnerCard.objects.visible_to(membership)
        .filter(beneficiary=beneficiary)
        .select_related("issued_by", "revoked_by")
        .order_by("-issued_at", "-pk")[: HISTORY_LIMIT + 1]
    )


def current_card(*, membership, beneficiary) -> LearnerCard | None:
    """The person's unrevoked card (it may have expired), or None."""
    return (
        LearnerCard.objects.visible_to(membership)
        .filter(beneficiary=beneficiary, revoked_at__isnull=True)
        .select_related("beneficiary", "site")
        .first()
    )
