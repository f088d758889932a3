"""Answering an item from a page's POST: parse, score (and, for a learner, save)."""

from django.utils.translation import gettext as _

from tisser.exercises import responses, scoring
from tisser.exercises.content import Item
from tisser.exercises.rendering import Shown, new_attempt_key
from tisser.exercises.services import IDEMPOTENCY_KEY_LENGTH


def attempt_of(request) -> str:
    attempt = request.POST.get("attempt", "")
    return attempt if 0 < len(attempt) <= IDEMPOTENCY_KEY_LENGTH else new_attempt_key()


def parsed_response(request, item: Item) -> tuple[Shown | None, dict | None]:
    """The POST read as a response, or the page to show again (a move, an unreadable answer)."""
    attempt = attempt_of(request)
    if item.type == "order":
        steps = [step["id"] for step in item.content["steps"]]
        moved = responses.order_after_move(request.POST, steps)
        if moved is not None:
            return Shown(item=item, attempt=attempt, order=moved), None
    try:
        names = frozenset(spec["name"] for spec in item.content.get("fields", []))
        response = responses.parse(item.type, request.POST, field_names=names)
        scoring.score(item.definition, response)
    except scoring.InvalidResponse:
        return Shown(
            item=item, attempt=attempt, invalid=_("Répondez avant de valider, s'il vous plaît.")
        ), None
    return None, response


def shown_from_post(request, item: Item) -> Shown:
    """Score without saving (the staff preview)."""
    shown, response = parsed_response(request, item)
    if shown is not None:
        return shown
    result = scoring.score(item.definition, response)
    return Shown(item=item, attempt=attempt_of(request), response=response, result=result)
