"""The public "Demander de l'aide" pages: the form and the thank-you page."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from tisser.accounts.models import Site
from tisser.core.access import public
from tisser.core.anonymous import Verdict
from tisser.core.errors import DomainError
from tisser.core.views_helpers import FORM_HAS_ERRORS
from tisser.website import help_request, selectors
from tisser.website.help_request_forms import HelpRequestForm

RATE_LIMITED = _(
    "Vous avez déjà envoyé plusieurs demandes depuis cette connexion. Pour éviter les abus, "
    "attendez une heure avant d'en envoyer une autre, ou venez directement dans un espace."
)


def _done_url(site=None) -> str:
    url = reverse("website:help_request_done")
    return f"{url}?{urlencode({'espace': site.short_code.lower()})}" if site else url


def _chosen_site(request) -> dict:
    """``?espace=parfla`` (the button of a space's page) preselects that space."""
    short_code = request.GET.get("espace", "")[:10]
    if not short_code:
        return {}
    try:
        return {"site": selectors.public_site(short_code=short_code).pk}
    except Site.DoesNotExist:
        return {}


@public
def help_request_form(request):
    form = HelpRequestForm(request.POST or None, initial=_chosen_site(request))
    status = 200
    if request.method == "POST":
        verdict = help_request.GUARD.screen(request, form)
        if verdict is Verdict.ROBOT:
            # Pretend it worked, create nothing: the robot learns nothing.
            return redirect(_done_url())
        if verdict is Verdict.RATE_LIMITED:
            return render(
                request,
                "website/help_request.html",
                {"form": form, "rate_limited": str(RATE_LIMITED)},
                status=429,
            )
        if verdict is Verdict.VALID:
            data = form.cleaned_data
            try:
                referral = help_request.help_request_create(
                    first_name=data["first_name"],
                    phone=data["phone"],
                    email=data["email"],
                    postal_code=data["postal_code"],
                    needs=data["needs"],
                    site=data["site"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                return redirect(_done_url(referral.site))
        messages.error(request, FORM_HAS_ERRORS)
        status = 400
    return render(request, "website/help_request.html", {"form": form}, status=status)


@public
def help_request_done(request):
    site = None
    short_code = request.GET.get("espace", "")
    if short_code:
        try:
            site = selectors.public_site(short_code=short_code)
        except Site.DoesNotExist:
            site = None
    return render(request, "website/help_request_done.html", {"site": site})
