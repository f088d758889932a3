"""The staff pages of one-off workshops, under /espace-pro/formations/ateliers/.

The site's workshops (coming / past, paginated), create and edit, the workshop with its
registrations and waiting list, « Inscrire quelqu'un » (a file of the site, or a first
name and a phone), cancel a registration, cancel the workshop. Network admins, and the
site's manager and mediators; another site's workshop is a 404. The roll call of a
workshop is helper R's page (roll_call.py). Writes are journaled by the services; reading
the list of registered people is journaled here.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tisser.accounts.enums import Role
from tisser.accounts.models import Site
from tisser.beneficiaries.models import Beneficiary
from tisser.core import clock
from tisser.core.access import require_roles, scoped_object
from tisser.core.journal import record_page_read
from tisser.core.views_helpers import confirm_page, paginate, submit_forms
from tisser.training import workshop_selectors as selectors
from tisser.training import workshops
from tisser.training.enums import RegistrationStatus
from tisser.training.models import Workshop, WorkshopRegistration
from tisser.training.workshop_forms import FileForm, SomeoneForm, WorkshopForm

ROLES = workshops.WORKSHOP_ROLES


def _workshop_view(view):
    return require_roles(*ROLES)(scoped_object(Workshop)(view))


def _sites_to_choose(membership):
    if membership.role != Role.NETWORK_ADMIN:
        return ()
    return list(Site.objects.visible_to(membership).active().order_by("name"))


@require_roles(*ROLES)
@require_http_methods(["GET"])
def workshop_list(request):
    past = request.GET.get("quand") == "passes"
    now = clock.now()
    rows = selectors.workshop_list(membership=request.membership, past=past, now=now)
    page = paginate(
        request,
        rows,
        count_from=Workshop.objects.visible_to(request.membership).filter(
            **({"starts_at__lte": now} if past else {"starts_at__gt": now})
        ),
    )
    return render(request, "training/workshop/list.html", {"page": page, "past": past})


@require_roles(*ROLES)
@require_http_methods(["GET", "POST"])
def workshop_create(request):
    sites = _sites_to_choose(request.membership)
    form = WorkshopForm(request.POST or None, sites=sites)

    def create():
        site = None
        if sites:
            site = next(s for s in sites if s.pk == form.cleaned_data["site"])
        return workshops.workshop_create(actor=request.membership, site=site, **form.values())

    submission = submit_forms(request, form, action=create)
    if submission.succeeded:
        messages.success(request, _("L'atelier est prévu."))
        return redirect("training:workshop_detail", pk=submission.result.pk)
    return render(
        request,
        "training/workshop/form.html",
        {"form": form, "workshop": None},
        status=400 if request.method == "POST" else 200,
    )


@_workshop_view
@require_http_methods(["GET", "POST"])
def workshop_edit(request, obj):
    form = WorkshopForm(request.POST or None, initial=WorkshopForm.initial_for(obj))
    submission = submit_forms(
        request,
        form,
        action=lambda: workshops.workshop_update(
            actor=request.membership, workshop=obj, **form.values()
        ),
    )
    if submission.succeeded:
        messages.success(request, _("L'atelier est modifié."))
        return redirect("training:workshop_detail", pk=obj.pk)
    return render(
        request,
        "training/workshop/form.html",
        {"form": form, "workshop": obj},
        status=400 if request.method == "POST" else 200,
    )


@_workshop_view
@require_http_methods(["GET"])
def workshop_detail(request, obj):
    membership = request.membership
    confirmed = paginate(
        request,
        selectors.workshop_registrations(
            membership=membership, workshop=obj, status=RegistrationStatus.CONFIRMED
        ),
    )
    waiting = paginate(
        request,
        selectors.workshop_registrations(
            membership=membership, workshop=obj, status=RegistrationStatus.WAITING
        ),
        param="attente",
    )
    record_page_read(request, action="workshop.viewed", obj=obj, site=obj.site_id)
    seats_taken = confirmed.paginator.count
    return render(
        request,
        "training/workshop/detail.html",
        {
            "workshop": obj,
            "confirmed": confirmed,
            "waiting": waiting,
            "seats_left": max(obj.capacity - seats_taken, 0),
            "is_open": obj.cancelled_at is None and obj.starts_at > clock.now(),
        },
    )


@_workshop_view
def workshop_cancel(request, obj):
    return confirm_page(
        request,
        action=lambda: workshops.workshop_cancel(actor=request.membership, workshop=obj),
        template="training/workshop/cancel.html",
        context={"workshop": obj},
        success_message=_("L'atelier est annulé. Les personnes inscrites reçoivent un SMS."),
        success_url=reverse("training:workshop_detail", kwargs={"pk": obj.pk}),
    )


@_workshop_view
@require_http_methods(["GET", "POST"])
def workshop_register(request, obj):
    """« Inscrire quelqu'un »: search a file of the site, or a first name and a phone."""
    query = request.GET.get("q", "")
    someone = SomeoneForm(request.POST if request.POST.get("mode") == "someone" else None)
    if request.method == "POST" and request.POST.get("mode") == "file":
        file_form = FileForm(request.POST)
        beneficiary = None
        if file_form.is_valid():
            beneficiary = (
                Beneficiary.objects.visible_to(request.membership)
                .filter(pk=file_form.cleaned_data["beneficiary"])
                .first()
            )
        if beneficiary is None:
            raise Http404
        submission = submit_forms(
            request,
            file_form,
            action=lambda: workshops.registration_by_mediator(
                actor=request.membership, workshop=obj, beneficiary=beneficiary
            ),
        )
        form_errors = file_form.non_field_errors()
    else:
        submission = submit_forms(
            request,
            someone,
            action=lambda: workshops.registration_by_mediator(
                actor=request.membership,
                workshop=obj,
                first_name=someone.cleaned_data["first_name"],
                phone=someone.cleaned_data["phone"],
            ),
        )
        form_errors = None
    if submission.succeeded:
        registration = submission.result
        if registration.status == RegistrationStatus.CONFIRMED:
            messages.success(request, _("La personne est inscrite."))
        else:
            messages.success(
                request, _("L'atelier est complet : la personne est sur la liste d'attente.")
            )
        return redirect("training:workshop_detail", pk=obj.pk)
    return render(
        request,
        "training/workshop/register.html",
        {
            "workshop": obj,
            "someone": someone,
            "query": query,
            "searched": len(query.strip()) >= 2,
            "candidates": selectors.registration_candidates(
                membership=request.membership, workshop=obj, query=query
            ),
            "file_errors": form_errors,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_roles(*ROLES)
@scoped_object(WorkshopRegistration)
def registration_cancel(request, obj):
    return confirm_page(
        request,
        action=lambda: workshops.registration_cancel(actor=request.membership, registration=obj),
        template="training/workshop/registration_cancel.html",
        context={"registration": obj, "workshop": obj.workshop},
        success_message=_("L'inscription est annulée."),
        success_url=reverse("training:workshop_detail", kwargs={"pk": obj.workshop_id}),
    )
