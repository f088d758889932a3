"""The learner's diagnostic pages (``/apprendre/diagnostic/``), alone on their own phone.

Only the signed-in learner reaches them, and only their own sittings (``learner_only``,
``learner_object``: anything else is a 404). Each answer is saved at once with the page's
idempotency key, and the page moves on to the next item: no right or wrong is shown, and
no answer key reaches the device (an item is only ever rendered unanswered). Closing the
phone loses nothing: the start page offers « Continuer » and the next unanswered item.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tisser.core.access import learner_object, learner_only
from tisser.core.errors import DomainError
from tisser.diagnostics import adaptive, selectors, services
from tisser.diagnostics.enums import DiagnosticKind, DiagnosticMode, DiagnosticStatus
from tisser.diagnostics.models import Diagnostic
from tisser.diagnostics.next_steps import learner_next_steps
from tisser.exercises import scoring
from tisser.exercises.practice import attempt_of, parsed_response
from tisser.exercises.rendering import Shown, new_attempt_key


def _where_to_go(diagnostic: Diagnostic):
    """The page a sitting continues on: its results, a context question, or its next item."""
    if diagnostic.status == DiagnosticStatus.FINISHED:
        return redirect("diagnostic:results", pk=diagnostic.pk)
    if diagnostic.status != DiagnosticStatus.IN_PROGRESS:
        return redirect("diagnostic:start")
    if diagnostic.mode == DiagnosticMode.ALONE and selectors.context_question_to_ask(diagnostic):
        return redirect("diagnostic:context", pk=diagnostic.pk)
    item = services.diagnostic_next(diagnostic)
    if item is None:
        services.diagnostic_finish(diagnostic)
        return redirect("diagnostic:results", pk=diagnostic.pk)
    return redirect("diagnostic:item", pk=diagnostic.pk, key=item.key)


def _own_sitting(diagnostic: Diagnostic) -> None:
    # Paper sittings are entered by the team, not answered on the phone.
    if diagnostic.mode not in selectors.LEARNER_MODES:
        raise Http404


@learner_only
@require_http_methods(["GET", "POST"])
def diagnostic_home(request):
    """What the diagnostic is; « Commencer », « Continuer », or the last results."""
    learner = request.learner
    current = selectors.learner_diagnostic_in_progress(learner=learner)
    may_start = current is None and selectors.learner_may_start_entry(learner=learner)
    if request.method == "POST":
        if current is None and not may_start:
            return redirect("diagnostic:start")
        if current is None:
            try:
                current = services.diagnostic_start(
                    beneficiary=learner, kind=DiagnosticKind.ENTRY, mode=DiagnosticMode.ALONE
                )
            except DomainError as error:
                messages.error(request, error.message)
                return redirect("diagnostic:start")
        return _where_to_go(current)
    return render(
        request,
        "diagnostics/learner_start.html",
        {
            "current": current,
            "answered": selectors.diagnostic_answered_count(current) if current else 0,
            "may_start": may_start,
            "finished": selectors.learner_diagnostic_latest_finished(learner=learner),
        },
    )


@learner_only
@learner_object(Diagnostic)
@require_http_methods(["GET"])
def diagnostic_continue(request, obj):
    _own_sitting(obj)
    return _where_to_go(obj)


@learner_only
@learner_object(Diagnostic)
@require_http_methods(["GET", "POST"])
def diagnostic_context(request, obj):
    """One context question a page, its answers as big buttons (the learner alone)."""
    _own_sitting(obj)
    question = selectors.context_question_to_ask(obj)
    if obj.status != DiagnosticStatus.IN_PROGRESS or question is None:
        return _where_to_go(obj)
    if request.method == "POST":
        try:
            services.diagnostic_context_save(
                diagnostic=obj, answers={question.code: request.POST.get("answer", "")}
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("diagnostic:context", pk=obj.pk)
        return _where_to_go(obj)
    questions = services.framework.context_questions()
    return render(
        request,
        "diagnostics/learner_context.html",
        {
            "diagnostic": obj,
            "question": question,
            "position": questions.index(question) + 1,
            "total": len(questions),
        },
    )


@learner_only
@learner_object(Diagnostic)
@require_http_methods(["GET", "POST"])
def diagnostic_item(request, obj, key):
    """The current item, unanswered; an answer (or « Je ne sais pas ») moves to the next."""
    _own_sitting(obj)
    if obj.status != DiagnosticStatus.IN_PROGRESS:
        return _where_to_go(obj)
    history = services.sitting_history(obj)
    item = services.next_of(obj, history)
    if item is None or item.key != key:
        # Answered meanwhile (another tab, the back button): the current one.
        if request.method == "POST" and item is not None:
            messages.info(request, _("Cette question a déjà une réponse. Voici la suivante."))
        return _where_to_go(obj)
    shown = Shown(item=item, attempt=new_attempt_key())
    if request.method == "POST":
        dont_know = "dont_know" in request.POST
        response = None
        if not dont_know:
            shown, response = parsed_response(request, item)
        if dont_know or response is not None:
            try:
                services.diagnostic_answer(
                    diagnostic=obj,
                    item=item,
                    response=response,
                    idempotency_key=attempt_of(request),
                    dont_know=dont_know,
                )
            except (DomainError, scoring.InvalidResponse):
                return _where_to_go(obj)
            return _where_to_go(obj)
    return render(
        request,
        "diagnostics/learner_item.html",
        {
            "diagnostic": obj,
            "shown": shown,
            "position": history.count + 1,
            "bar_max": max(adaptive.MAX_ITEMS, history.count + 1),
        },
    )


@learner_only
@learner_object(Diagnostic)
@require_http_methods(["GET"])
def diagnostic_results(request, obj):
    """Per domain: its pictogram, 0 to 4 stars, one plain sentence; at most two next steps."""
    if obj.status != DiagnosticStatus.FINISHED:
        return _where_to_go(obj)
    results = selectors.diagnostic_results(obj)
    return render(
        request,
        "diagnostics/learner_results.html",
        {
            "diagnostic": obj,
            "results": results,
            "next_step": selectors.learner_next_step(results),
            "more_steps": learner_next_steps(obj),
        },
    )
