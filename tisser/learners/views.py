"""The learner's pages under /apprendre/: the code, the card's link, sign-out, home.

No staff user here: the code page, the link and sign-out are public (anyone may try a
code, within the limits of ``limits.py``); the home page is ``learner_only``.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tisser.core.access import learner_only, public
from tisser.core.anonymous import Verdict
from tisser.core.errors import DomainError
from tisser.core.learner_home import sections_for
from tisser.learners import limits, services, session
from tisser.learners.forms import CodeForm
from tisser.learners.middleware import learner_card

TOO_MANY = gettext_lazy(
    "Trop d'essais depuis cet appareil ou avec ce code. Attendez un quart d'heure, puis "
    "réessayez. Votre médiateur peut aussi vous aider."
)
TOKEN_MAX_LENGTH = 64


def _shared(request) -> bool:
    return session.shared_device_site_id(request) is not None


def _signed_in(request, card):
    session.start(request, card, shared=_shared(request))
    return redirect("learners:home")


@public
@require_http_methods(["GET", "POST"])
def sign_in(request):
    """« Entrez votre code » : one big field, one button."""
    if request.method == "GET" and request.learner is not None:
        return redirect("learners:home")
    form = CodeForm(request.POST or None)
    status = 200
    context = {"form": form, "shared_device": _shared(request)}
    if request.method == "POST":
        verdict = limits.GUARD.screen(request, form)
        if verdict is Verdict.ROBOT:
            form.add_error("code", str(services.WRONG_CODE))
            status = 400
        elif verdict is Verdict.INVALID:
            status = 400
        elif verdict is Verdict.RATE_LIMITED or not limits.allow_code(
            request, form.cleaned_data["code"]
        ):
            context["too_many"] = TOO_MANY
            status = 429
        else:
            try:
                card = services.learner_sign_in_by_code(
                    code=form.cleaned_data["code"], shared=_shared(request)
                )
            except DomainError as error:
                form.add_error("code", error.message)
                status = 400
            else:
                return _signed_in(request, card)
    response = render(request, "learners/sign_in.html", context, status=status)
    limits.give_device_cookie(request, response)
    return response


@public
@require_http_methods(["GET", "POST"])
def card_link(request, token):
    """The QR code's link: a tap on « Entrer » signs in (a link preview only reads the page)."""
    status = 200
    context = {}
    if request.method == "POST":
        if len(token) > TOKEN_MAX_LENGTH:
            context["error"] = services.WRONG_LINK
            status = 404
        elif not limits.allow_link(request):
            context["error"] = TOO_MANY
            status = 429
        else:
            try:
                card = services.learner_sign_in_by_token(token=token, shared=_shared(request))
            except DomainError as error:
                context["error"] = error.message
                status = 404
            else:
                return _signed_in(request, card)
    response = render(request, "learners/card_link.html", context, status=status)
    limits.give_device_cookie(request, response)
    return response


@public
@require_http_methods(["GET", "POST"])
def sign_out(request):
    """« Sortir » : a confirmation, then this browser forgets the learner."""
    if request.method == "POST":
        if request.learner is not None:
            session.end(request)
            messages.success(request, _("Vous êtes sorti. À bientôt !"))
        return redirect("learners:sign_in")
    if request.learner is None:
        return redirect("learners:sign_in")
    return render(request, "learners/sign_out.html")


@learner_only
@require_http_methods(["GET"])
def home(request):
    """Hello with the first name, and what the learner can do (the sections registry)."""
    learner = request.learner
    return render(
        request,
        "learners/home.html",
        {
            "learner": learner,
            "card": learner_card(request),
            "sections": sections_for(learner),
        },
    )
