"""The site's error pages (400, 403, 404, 429, 500 and the CSRF refusal), in French and in
the site's layout, each with a way back. Wired in config/urls.py (``handler400`` …,
``handler429`` for allauth's rate limits) and ``CSRF_FAILURE_VIEW``.

The 500 page is drawn without the request: no context processor, no database, no session
(the failure may be theirs). See docs/decisions/0028-error-pages.md.
"""

import logging

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# The last resort when even the template cannot be drawn (a broken template engine).
_BARE_500 = (
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>Un problème est survenu – Tisser</title></head><body><main>"
    "<h1>Un problème est survenu de notre côté</h1>"
    "<p>Ce n'est pas de votre faute. Réessayez dans un moment.</p>"
    '<p><a href="/">Revenir à l\'accueil</a></p></main></body></html>'
)


def _previous_page(request: HttpRequest) -> str:
    """The page the person came from, when it is one of ours. A GET from the very same
    page would loop; after a refused POST (an expired form) that page is the way back."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except DisallowedHost:
        return ""
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return ""
    if request.method == "GET" and referer.split("?")[0].endswith(request.path):
        return ""
    return referer


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated)


def _error_page(
    request: HttpRequest, status: int, *, heading: str, explanation: str, advice: str = ""
) -> HttpResponse:
    context = {
        "status": status,
        "heading": heading,
        "explanation": explanation,
        "advice": advice,
        "previous_page": _previous_page(request),
        "signed_in": _signed_in(request),
    }
    return render(request, "errors/page.html", context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(
        request,
        400,
        heading=_("La demande n'a pas pu être comprise"),
        explanation=_("Le lien ou le formulaire envoyé est incomplet ou abîmé."),
        advice=_("Revenez à la page précédente et recommencez."),
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(
        request,
        403,
        heading=_("Accès refusé"),
        explanation=_("Votre compte ne permet pas d'ouvrir cette page."),
        advice=_(
            "Si vous pensez en avoir besoin, demandez-le à la personne qui gère votre espace."
        ),
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF refusal: most often a form left open too long or blocked cookies."""
    return _error_page(
        request,
        403,
        heading=_("La page a expiré"),
        explanation=_(
            "Pour votre sécurité, le formulaire n'a pas été envoyé : la page était ouverte "
            "depuis trop longtemps, ou votre navigateur bloque les cookies de Tisser."
        ),
        advice=_(
            "Rien n'a été enregistré. Revenez à la page précédente, rechargez-la, puis recommencez."
        ),
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(
        request,
        404,
        heading=_("Page introuvable"),
        explanation=_("Cette page n'existe pas ou n'existe plus."),
        advice=_("Le lien est peut-être incomplet ou ancien. Vérifiez l'adresse."),
    )


def too_many_requests(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Too many attempts in a short time (allauth's rate limits call ``handler429``)."""
    return _error_page(
        request,
        429,
        heading=_("Trop de tentatives"),
        explanation=_("Vous avez fait beaucoup d'essais en peu de temps."),
        advice=_("Pour protéger votre compte, patientez un moment avant de réessayer."),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """Drawn from a self-contained template, without the request: see the module docstring."""
    try:
        html = loader.get_template("errors/500.html").render({})
    except Exception:  # the template engine itself is broken: still answer in French
        logger.exception("The 500 page could not be drawn; answering the bare one.")
        html = _BARE_500
    return HttpResponse(html, status=500)
