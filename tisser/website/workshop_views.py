"""The public agenda of workshops: the network's agenda, registering for a workshop, and
cancelling a seat with the link of the SMS.

Registration asks for a first name and a mobile number, nothing more, under the rules for
anonymous forms (docs/decisions/0010-anonymous-forms.md): the guard's honeypot and rate
limits per address, a cap per site and hour, at most 3 coming registrations per number,
and a confirmation SMS that holds none of the visitor's words (training/workshops.py).
The cancellation link opens a page with a button: a GET never cancels.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tisser.activities.enums import Theme
from tisser.core import clock
from tisser.core.access import public
from tisser.core.anonymous import Verdict
from tisser.core.errors import DomainError
from tisser.core.views_helpers import FORM_HAS_ERRORS, PAGE_SIZE, CountingPaginator
from tisser.training import workshop_selectors, workshops
from tisser.training.enums import RegistrationStatus
from tisser.training.models import Workshop
from tisser.training.workshop_forms import PublicRegistrationForm

RATE_LIMITED = _(
    "Beaucoup d'inscriptions sont arrivées depuis cette connexion ou pour cet espace. Pour "
    "éviter les abus, attendez une heure, ou appelez l'espace pour vous inscrire."
)
MAX_FILTER_LENGTH = 80


@public
@require_http_methods(["GET"])
def workshop_agenda(request):
    """Every space's coming public workshops, soonest first; filter by city and theme."""
    cities = workshop_selectors.public_agenda_cities()
    city = request.GET.get("ville", "")[:MAX_FILTER_LENGTH]
    city = city if city in cities else ""
    theme = request.GET.get("theme", "")
    theme = theme if theme in Theme.values else ""
    rows = workshop_selectors.public_upcoming_workshops(city=city, theme=theme)
    paginator = CountingPaginator(
        rows,
        PAGE_SIZE,
        count_from=workshop_selectors.public_upcoming_filtered(city=city, theme=theme),
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "website/workshop_agenda.html",
        {
            "page": page,
            "cities": cities,
            "city": city,
            "themes": Theme.choices,
            "theme": theme,
        },
    )


def _public_workshop(pk) -> Workshop:
    try:
        return workshop_selectors.public_workshop(pk=pk)
    except Workshop.DoesNotExist as exc:
        raise Http404 from exc


def _done_url(workshop, *, waiting: bool, sms: bool) -> str:
    url = reverse("website:workshop_registered", kwargs={"pk": workshop.pk})
    query = {"place": "attente" if waiting else "ok"}
    if not sms:
        query["sms"] = "non"
    return f"{url}?{urlencode(query)}"


@public
@require_http_methods(["GET", "POST"])
def workshop_register(request, pk):
    """First name and mobile number, nothing more; a full workshop offers the waiting list."""
    workshop = _public_workshop(pk)
    form = PublicRegistrationForm(request.POST or None)
    status = 200
    context = {"workshop": workshop, "form": form}
    if request.method == "POST":
        verdict = workshops.GUARD.screen(request, form)
        if verdict is Verdict.ROBOT:
            # Pretend it worked, record nothing: the robot learns nothing.
            return redirect(_done_url(workshop, waiting=False, sms=True))
        if verdict is Verdict.VALID and not workshops.site_allows_online_registration(
            workshop.site
        ):
            verdict = Verdict.RATE_LIMITED
        if verdict is Verdict.RATE_LIMITED:
            return render(
                request,
                "website/workshop_register.html",
                {**context, "rate_limited": str(RATE_LIMITED)},
                status=429,
            )
        if verdict is Verdict.VALID:
            try:
                registration, sms = workshops.registration_online(
                    workshop=workshop,
                    first_name=form.cleaned_data["first_name"],
                    phone=form.cleaned_data["phone"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                waiting = registration.status == RegistrationStatus.WAITING
                return redirect(_done_url(workshop, waiting=waiting, sms=sms))
        messages.error(request, FORM_HAS_ERRORS)
        status = 400
    return render(request, "website/workshop_register.html", context, status=status)


@public
@require_http_methods(["GET"])
def workshop_registered(request, pk):
    try:
        workshop = Workshop.objects.select_related("site").get(
            pk=pk, is_public=True, site__is_active=True
        )
    except Workshop.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "website/workshop_registered.html",
        {
            "workshop": workshop,
            "waiting": request.GET.get("place") == "attente",
            "sms": request.GET.get("sms") != "non",
        },
    )


@public
@never_cache
@require_http_methods(["GET", "POST"])
def workshop_cancel(request, token):
    """« Annuler ma place »: the page says which workshop; only its button (a POST) cancels."""
    registration = workshops.registration_for_token(token)
    if registration is None:
        return render(request, "website/workshop_cancel.html", {"unknown": True}, status=404)
    workshop = registration.workshop
    context = {
        "registration": registration,
        "workshop": workshop,
        "past": workshop.starts_at <= clock.now(),
        "cancelled_workshop": workshop.cancelled_at is not None,
        "already": registration.status == RegistrationStatus.CANCELLED,
    }
    if request.method == "POST":
        try:
            registration = workshops.registration_cancel_by_token(token=token)
        except DomainError as error:
            return render(
                request,
                "website/workshop_cancel.html",
                {**context, "error": error.message},
                status=400,
            )
        return render(
            request, "website/workshop_cancel.html", {**context, "done": True, "already": False}
        )
    return render(request, "website/workshop_cancel.html", context)
