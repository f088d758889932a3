"""The learner's module pages (``/apprendre/modules/``): « Mon parcours » and the player.

Only the signed-in learner reaches them, and only their own progress (``learner_only``,
``learner_object``: anything else is a 404). Every step ends once, and « Continuer »
resumes at the progress's ``current_step`` on any device. A module's answer keys may be on
its pages (decision 0053): after ``MISSES_BEFORE_ANSWER`` misses the step shows the answer.
Modules never set a skills level; only the diagnostic does.
"""

import json

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tisser.core.access import learner_object, learner_only
from tisser.core.errors import DomainError
from tisser.exercises import scoring
from tisser.exercises.content import picture_svg
from tisser.exercises.practice import attempt_of, parsed_response
from tisser.exercises.rendering import Shown, new_attempt_key
from tisser.learning import selectors, services, simulation
from tisser.learning.content import Module, module
from tisser.learning.enums import MISSES_BEFORE_ANSWER, DeviceFit, StepKind, StepOutcome
from tisser.learning.models import ModuleProgress, StepResult


def _resume(progress: ModuleProgress, current: Module):
    """The step to continue at (a removed step is skipped), or the completion screen."""
    step_id = progress.current_step
    if (
        current.step(step_id) is None
        or StepResult.objects.filter(progress=progress, step_id=step_id).exists()
    ):
        step_id = services.next_step_id(progress, current)
    if not step_id:
        return redirect("learning:done", pk=progress.pk)
    return redirect("learning:step", pk=progress.pk, step=step_id)


def _gone(request):
    """A module that left the content (or never was): back to « Mon parcours »."""
    messages.info(request, _("Ce module n'est plus proposé."))
    return redirect("learning:path")


@learner_only
@require_http_methods(["GET"])
def learning_path(request):
    """« Mon parcours »: the modules given by the mediator, then the diagnostic's ideas."""
    return render(
        request,
        "learning/learner_path.html",
        {"entries": selectors.learner_path(learner=request.learner)},
    )


@learner_only
@require_http_methods(["GET", "POST"])
def module_home(request, key):
    """What the module teaches, and « Commencer »; a started module goes on where it was."""
    current = module(key)
    if current is None or not current.steps:
        return _gone(request)
    progress = ModuleProgress.objects.filter(beneficiary=request.learner, module_key=key).first()
    if request.method == "POST":
        progress = services.module_start(learner=request.learner, module=current)
        return _resume(progress, current)
    if progress is not None and not progress.is_finished:
        return _resume(progress, current)
    return render(
        request,
        "learning/learner_module.html",
        {
            "module": current,
            "progress": progress,
            "device": DeviceFit(current.device).label,
        },
    )


@learner_only
@learner_object(ModuleProgress, as_="progress")
@require_http_methods(["GET", "POST"])
def module_step(request, progress, step):
    """One step of the module (``step`` in the URL: its id in the module file)."""
    step_id = step
    current = module(progress.module_key)
    if current is None:
        return _gone(request)
    step = current.step(step_id)
    if step is None:
        return _resume(progress, current)
    if step.kind == StepKind.SIMULATION:
        return _simulation_step(request, progress, current, step)
    if step.kind != StepKind.EXERCISE:
        if request.method == "POST":
            services.step_read(learner=request.learner, progress=progress, step=step)
            return _resume(progress, current)
        return _render_step(request, progress, current, step)
    item = current.exercise_item(step_id)
    shown = Shown(item=item, attempt=new_attempt_key())
    answered = None
    if request.method == "POST":
        shown, response = parsed_response(request, item)
        if response is not None:
            try:
                answered = services.step_answer(
                    learner=request.learner,
                    progress=progress,
                    step=step,
                    response=response,
                    idempotency_key=attempt_of(request),
                )
            except (scoring.InvalidResponse, DomainError):
                messages.error(request, _("Répondez avant de valider, s'il vous plaît."))
                return redirect("learning:step", pk=progress.pk, step=step_id)
            shown = Shown(
                item=item,
                attempt=answered.answer.idempotency_key,
                response=answered.answer.response,
                result=answered.result,
            )
    ended = StepResult.objects.filter(progress=progress, step_id=step_id).first()
    return _render_step(
        request, progress, current, step, shown=shown, answered=answered, ended=ended
    )


def _simulation_step(request, progress, current, step):
    """A simulation step: each tap is a POST that shows the next screen; the tap that ends
    the attempt sends the ordered actions and the field values to the engine."""
    item = current.exercise_item(step.key)
    answered = None
    if request.method == "POST":
        play = simulation.play_tap(item, request.POST)
        attempt = attempt_of(request)
        if play.ended:
            try:
                answered = services.step_answer(
                    learner=request.learner,
                    progress=progress,
                    step=step,
                    response=play.response(),
                    idempotency_key=attempt,
                )
            except (scoring.InvalidResponse, DomainError):
                messages.error(
                    request, _("Cet essai n'a pas pu être lu : recommencez, s'il vous plaît.")
                )
                return redirect("learning:step", pk=progress.pk, step=step.key)
    else:
        play, attempt = simulation.play_start(item), new_attempt_key()
    ended = StepResult.objects.filter(progress=progress, step_id=step.key).first()
    extra = {
        "item": item,
        "play": play,
        "attempt": attempt,
        "carried": simulation.hidden_fields(item, play),
        "elements": simulation.screen_elements(play),
        "field_prefix": simulation.FIELD_PREFIX,
        "errors": simulation.field_errors(item, answered.result.details) if answered else [],
        "end_screen": simulation.end_screen(item, play) if answered else None,
    }
    return _render_step(
        request, progress, current, step, answered=answered, ended=ended, extra=extra
    )


def _render_step(
    request, progress, current, step, *, shown=None, answered=None, ended=None, extra=None
):
    ids = current.step_keys
    if step.kind in (StepKind.CARD, StepKind.RECAP):
        ended = StepResult.objects.filter(progress=progress, step_id=step.key).first()
    picture = step.picture
    context = {
        "progress": progress,
        "module": current,
        "step": step,
        "kind": step.kind,
        "position": ids.index(step.key) + 1,
        "total": len(ids),
        "picture": mark_safe(picture_svg(picture)) if picture else "",  # noqa: S308 (checked)
        "shown": shown,
        "answered": answered,
        "ended": ended,
        "next_step": services.next_step_id(progress, current, after=step.key),
        # Until the step ends, a miss shows the hint, not the answer (it comes after the
        # third miss, so the learner is never stuck).
        "hide_answer": bool(answered) and answered.outcome != StepOutcome.SHOWN,
        "answer_shown": bool(answered) and answered.outcome == StepOutcome.SHOWN,
        "tries_left": MISSES_BEFORE_ANSWER - answered.misses if answered else MISSES_BEFORE_ANSWER,
        **(extra or {}),
    }
    return render(request, "learning/learner_step.html", context)


@learner_only
@learner_object(ModuleProgress, as_="progress")
@require_http_methods(["GET"])
def module_done(request, progress):
    """The completion screen: what was learned (the recap points), never a score."""
    current = module(progress.module_key)
    if current is None:
        return _gone(request)
    if not progress.is_finished:
        return _resume(progress, current)
    points = [p for step in current.steps if step.kind == StepKind.RECAP for p in step.points]
    return render(
        request,
        "learning/learner_done.html",
        {
            "module": current,
            "points": points,
            "done": selectors.progress_done_count(progress, current),
            "total": len(current.steps),
        },
    )


# Exercise types the offline script can show and score on the device (decision 0053).
OFFLINE_TYPES = ("choice", "yes_no", "zone", "order")


def _offline_step(current: Module, step) -> dict:
    """One step as the offline script needs it; a module's answer keys may go to the device."""
    data = {"id": step.key, "kind": str(step.kind)}
    if step.kind == StepKind.CARD:
        data.update(title=step.title, lines=list(step.lines))
    elif step.kind == StepKind.RECAP:
        data.update(points=list(step.points))
    elif step.kind == StepKind.EXERCISE:
        item = current.exercise_item(step.key)
        if item.type not in OFFLINE_TYPES:
            return {**data, "type": ""}
        content = item.content
        data.update(
            type=item.type,
            instruction=item.instruction,
            hint=step.hint,
            success=step.success,
        )
        if item.type == "choice":
            data.update(
                question=content.get("question", ""),
                multiple=bool(content.get("multiple")),
                options=[[o["id"], o.get("text", "")] for o in content["options"]],
                correct=list(content["correct"]),
            )
        elif item.type == "yes_no":
            data.update(statement=content["statement"], answer=bool(content["answer"]))
        elif item.type == "zone":
            # The list of zones (the picture stays online); a tap's point is found in them.
            data.update(
                zones=[
                    [z["id"], z["label"], z["x"], z["y"], z["w"], z["h"]] for z in content["zones"]
                ],
                correct=content["correct"],
            )
        else:
            right = [[step["id"], step["text"]] for step in content["steps"]]
            data.update(steps=right, shown=content.get("shown") or [i for i, _t in right])
    return data


def _offline_text() -> dict:
    """The words of the offline steps (in the payload: nothing added to each page)."""
    return {
        "offline": _("Vous êtes hors connexion. Vos réponses sont gardées sur ce téléphone."),
        "later": _("Vous êtes hors connexion : cette étape reviendra quand la connexion sera là"),
        "end": _("Vos réponses seront envoyées quand la connexion sera là."),
        "step": _("étape %1 sur %2"),
        "next": _("Suivant"),
        "check": _("Valider"),
        "retry": _("Réessayer"),
        "listen": _("Écouter"),
        "recap": _("Ce que j'ai appris"),
        "right": _("Bravo, c'est juste !"),
        "wrong": _("Ce n'est pas encore ça."),
        "answer": _("La bonne réponse :"),
        "shown": _("Ce n'est pas grave : regardez bien la bonne réponse, puis passez à la suite."),
        "hint": _("Un indice :"),
        "try": _("Encore %1 essai avant de voir la réponse."),
        "tries": _("Encore %1 essais avant de voir la réponse."),
        "yes": _("Oui"),
        "no": _("Non"),
        "answer_label": _("Votre réponse"),
        "zones": _("Choisissez dans la liste :"),
        "order": _("Rangez les étapes avec les flèches Monter et Descendre."),
        "up": _("Monter « %1 »"),
        "down": _("Descendre « %1 »"),
    }


@learner_only
@learner_object(ModuleProgress, as_="progress")
@require_http_methods(["GET"])
def module_offline(request, progress):
    """The whole module as compact JSON, fetched once by the offline script (decision 0053)."""
    current = module(progress.module_key)
    if current is None:
        return _gone(request)
    return JsonResponse(
        {
            "module": current.key,
            "title": current.title,
            "version": current.version,
            "text": _offline_text(),
            "steps": [_offline_step(current, step) for step in current.steps],
        }
    )


@learner_only
@learner_object(ModuleProgress, as_="progress")
@require_http_methods(["POST"])
def module_sync(request, progress):
    """The answers queued offline, sent back: recorded once, in order; where to go on."""
    current = module(progress.module_key)
    if current is None:
        # Nothing left to record: the device drops its queue and goes back to « Mon parcours ».
        return JsonResponse({"recorded": 0, "next": reverse("learning:path")})
    try:
        entries = json.loads(request.body or b"null")
        entries = entries.get("queue") if isinstance(entries, dict) else None
        recorded = services.module_sync(learner=request.learner, progress=progress, entries=entries)
    except (ValueError, DomainError) as error:
        message = str(error) if isinstance(error, DomainError) else ""
        return JsonResponse(
            {"error": message or _("Ces réponses ne peuvent pas être lues.")}, status=400
        )
    progress.refresh_from_db()
    return JsonResponse({"recorded": recorded, "next": _resume(progress, current).url})
