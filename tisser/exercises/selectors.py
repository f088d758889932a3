"""Reads of the exercise engine: items from the content files, a learner's answers."""

from tisser.exercises.content import Item, catalogue
from tisser.exercises.models import Answer


def item_list(*, item_type: str = "", level: int | None = None) -> list[Item]:
    """Every item, by level then id, narrowed by type and level (the staff preview)."""
    items = sorted(catalogue().values(), key=lambda item: (item.level, item.type, item.key))
    if item_type:
        items = [item for item in items if item.type == item_type]
    if level is not None:
        items = [item for item in items if item.level == level]
    return items


def answer_list(*, beneficiary, context_kind: str, context_id: str = ""):
    """A learner's answers in one sitting, oldest first, with the version each answered."""
    return (
        Answer.objects.filter(
            beneficiary=beneficiary, context_kind=context_kind, context_id=context_id
        )
        .select_related("item_version")
        .order_by("answered_at", "pk")
    )
