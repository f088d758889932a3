"""Pages of the appointments: book one (from a file or for a walk-in), and the one-tap
outcomes shown on the staff home and the agenda (venu, venu en avance, pas venu, reporter).

The outcome buttons are plain forms (POST, then a redirect back to the page they were on):
they work without JavaScript. Only the site's manager and mediators act on its appointments;
another site's appointment is a 404.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from tisser.accounts.enums import Role
from tisser.accounts.models import Site
from tisser.beneficiaries.duplicates import duplicates_for_referral
from tisser.core.access import require_roles, scoped_object
from tisser.core.dates import format_when
from tisser.core.errors import DomainError
from tisser.core.ids import parse_id
from tisser.core.views_helpers import submit_forms
from tisser.referrals import appointments as services
from tisser.referrals.appointment_forms import BookingForm, PostponeForm
from tisser.referrals.models import Appointment

SITE_TEAM = (Role.SITE_MANAGER, Role.MEDIATOR)
STAFF_AREA = "/espace-pro/"


def _back(request) -> str:
    """Where the button was pressed (the home or the agenda), else the home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe and target.startswith(STAFF_AREA) else "/espace-pro/"


def _who(appointment: Appointment) -> str:
    if appointment.beneficiary_id:
        return appointment.beneficiary.first_name
    if appointment.referral_id:
        return appointment.referral.first_name
    return appointment.walk_in_name


def _outcome(request, obj: Appointment, service, success: str):
    if request.method != "POST":
        return redirect(_back(request))  # the buttons post; a GET changes nothing
    try:
        service(actor=request.membership, appointment=obj)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success % {"who": _who(obj), "when": format_when(obj.starts_at)})
    return redirect(_back(request))


@scoped_object(Appointment)
@require_roles(*SITE_TEAM)
def came(request, obj):
    # Files this person may already have: the referral's page lets the team choose.
    if (
        request.method == "POST"
        and obj.referral is not None
        and obj.referral.beneficiary_id is None
        and duplicates_for_referral(obj.referral, membership=request.membership)
    ):
        messages.info(
            request,
            _("Cette personne a peut-être déjà un dossier : choisissez-le, ou créez-en un."),
        )
        return redirect("referrals:mark_came", pk=obj.referral_id)
    return _outcome(
        request, obj, services.appointment_mark_came, _("%(who)s est venu(e) : c'est noté.")
    )


@scoped_object(Appointment)
@require_roles(*SITE_TEAM)
def came_early(request, obj):
    return _outcome(
        request,
        obj,
        services.appointment_came_early,
        _("%(who)s est venu(e) en avance : le rendez-vous est avancé à maintenant."),
    )


@scoped_object(Appointment)
@require_roles(*SITE_TEAM)
def no_show(request, obj):
    return _outcome(
        request,
        obj,
        services.appointment_mark_no_show,
        _("%(who)s n'est pas venu(e) au rendez-vous du %(when)s : c'est noté."),
    )


@scoped_object(Appointment)
@require_roles(*SITE_TEAM)
def postpone(request, obj):
    form = PostponeForm(request.POST or None)
    submission = submit_forms(
        request,
        form,
        action=lambda: services.appointment_postpone(
            actor=request.membership, appointment=obj, starts_at=form.cleaned_data["starts_at"]
        ),
    )
    if submission.succeeded:
        messages.success(
            request,
            _("Le rendez-vous de %(who)s est reporté au %(when)s.")
            % {"who": _who(obj), "when": format_when(submission.result.starts_at)},
        )
        return redirect(_back(request))
    return render(
        request,
        "referrals/appointment_postpone.html",
        {"form": form, "appointment": obj, "who": _who(obj), "next": _back(request)},
        status=400 if request.method == "POST" else 200,
    )


@require_roles(*SITE_TEAM)
def book(request):
    """Book from a file (``?dossier=<id>`` from the file's page, or its number) or for a
    walk-in (a first name)."""
    site = Site.objects.filter(pk=request.membership.organisation_id).first()
    if site is None:
        raise Http404
    initial = {}
    file_id = parse_id(request.GET.get("dossier"))
    if file_id is not None:
        initial["beneficiary"] = file_id
    form = BookingForm(request.POST or None, initial=initial, site=site, user=request.user)
    chosen = None
    if file_id is not None:
        chosen = form.files.filter(pk=file_id).first()
        if chosen is None:
            raise Http404
    submission = submit_forms(
        request,
        form,
        action=lambda: services.appointment_book(
            actor=request.membership,
            site=site,
            starts_at=form.cleaned_data["starts_at"],
            mediator=form.cleaned_data["mediator"],
            beneficiary=form.cleaned_data.get("beneficiary"),
            walk_in_name=form.cleaned_data["walk_in_name"],
            walk_in_phone=form.cleaned_data["walk_in_phone"],
            reason=form.cleaned_data["reason"],
        ),
    )
    if submission.succeeded:
        appointment = submission.result
        messages.success(
            request,
            _("Rendez-vous pris pour %(who)s le %(when)s.")
            % {"who": _who(appointment), "when": format_when(appointment.starts_at)},
        )
        return redirect("workspace:agenda")
    return render(
        request,
        "referrals/appointment_book.html",
        {"form": form, "site": site, "chosen": chosen},
        status=400 if request.method == "POST" else 200,
    )
