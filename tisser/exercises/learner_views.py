"""The learner's practice pages (``/apprendre/exercices/``): a short sequence of items.

Only the signed-in learner reaches them (``learner_only``: anyone else gets a 404). Each
answer is saved as soon as it is given; the page then says in plain words whether it was
right, and offers the next item.
"""

from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tisser.core.access import learner_only
from tisser.exercises import scoring, selectors
from tisser.exercises.content import get_item
from tisser.exercises.practice import attempt_of, parsed_response
from tisser.exercises.rendering import Shown, new_attempt_key
from tisser.exercises.sequences import PRACTICE, PRACTICE_CONTEXT, next_after
from tisser.exercises.services import answer_record, answer_result


@learner_only
@require_http_methods(["GET"])
def practice_start(request):
    """The sequence, what is done already, and where to go on."""
    kind, context_id = PRACTICE_CONTEXT
    answers = selectors.answer_list(
        beneficiary=request.learner, context_kind=kind, context_id=context_id
    )
    last = {answer.item_key: answer.correct for answer in answers}
    steps = [
        {"key": key, "item": get_item(key), "done": key in last, "correct": last.get(key)}
        for key in PRACTICE
    ]
    to_do = next((step for step in steps if not step["done"]), None)
    return render(
        request,
        "exercises/learner_start.html",
        {
            "steps": steps,
            "next_key": (to_do or steps[0])["key"],
            "all_done": to_do is None,
            "done_count": sum(step["done"] for step in steps),
            "right_count": sum(bool(step["correct"]) for step in steps),
            "total": len(steps),
        },
    )


@learner_only
@require_http_methods(["GET", "POST"])
def practice_item(request, key):
    item = get_item(key) if key in PRACTICE else None
    if item is None:
        # A link to an item that left the sequence (or never was in it): back to the list.
        return redirect("practice:start")
    shown = Shown(item=item, attempt=new_attempt_key())
    if request.method == "POST":
        shown, response = parsed_response(request, item)
        if response is not None:
            kind, context_id = PRACTICE_CONTEXT
            try:
                recorded = answer_record(
                    beneficiary=request.learner,
                    item=item,
                    response=response,
                    context_kind=kind,
                    context_id=context_id,
                    idempotency_key=attempt_of(request),
                )
            except scoring.InvalidResponse:  # pragma: no cover (parsed_response checked it)
                raise Http404 from None
            answer = recorded.answer
            shown = Shown(
                item=item,
                attempt=answer.idempotency_key,
                response=answer.response,
                result=answer_result(answer),
            )
    index = PRACTICE.index(key)
    return render(
        request,
        "exercises/learner_item.html",
        {
            "shown": shown,
            "next_key": next_after(key),
            "position": index + 1,
            "total": len(PRACTICE),
        },
    )
