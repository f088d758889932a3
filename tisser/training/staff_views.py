"""The team's pages for programmes and cohorts, under /espace-pro/formations/ (namespace
``training``; helper P, decision 0054).

Programmes: the network admin creates and edits them and their plan; site teams read the
list of their network's programmes (to run them). Cohorts: a network admin sees all of the
network's, a site team its site's; the manager and the mediators run them (edit, move a
session, close), the manager and the admin create and cancel them, volunteers read. Another
site's cohort or session is a 404. The cohort page names people (the diagnostic links):
its reading is journaled.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tisser.accounts.enums import Role
from tisser.accounts.models import Site
from tisser.core import clock
from tisser.core.access import require_roles, scoped_object
from tisser.core.errors import DomainError
from tisser.core.journal import record_page_read
from tisser.core.views_helpers import paginate, submit_forms
from tisser.diagnostics.services import STAFF_ROLES as DIAGNOSTIC_ROLES
from tisser.learning import content
from tisser.training import cohorts, programmes, selectors
from tisser.training.enums import SessionDiagnostic
from tisser.training.forms import (
    WEEKDAYS,
    CohortCreateForm,
    CohortEditForm,
    PlanMoveForm,
    PlanSessionForm,
    ProgrammeForm,
    SessionMoveForm,
)
from tisser.training.models import Cohort, CohortSession, Programme, ProgrammeSession
from tisser.training.roles import READER_ROLES
from tisser.training.roll_call import may_take_roll_call
from tisser.training.schedule import at
from tisser.training.survey_views import TABLET_ROLES

ADMIN = (Role.NETWORK_ADMIN,)
READERS = READER_ROLES
CREATORS = cohorts.CREATOR_ROLES
RUNNERS = cohorts.RUNNER_ROLES


def _admin_programme_view(view):
    return require_roles(*ADMIN)(scoped_object(Programme)(view))


def _admin_plan_view(view):
    return require_roles(*ADMIN)(scoped_object(ProgrammeSession)(view))


def _cohort_view(roles):
    def decorator(view):
        return require_roles(*roles)(scoped_object(Cohort)(view))

    return decorator


# --- programmes ------------------------------------------------------------------------------


@require_roles(*READERS)
@require_http_methods(["GET"])
def programme_list(request):
    """The network's programmes: hours, sessions, target, period; the admin opens each."""
    membership = request.membership
    rows = selectors.programmes_visible(membership=membership).select_related("partner")
    page = paginate(request, rows, count_from=selectors.programmes_visible(membership=membership))
    for programme in page:
        programme.balance = programmes.PlanBalance(
            planned=programme.planned_minutes, total=programme.total_minutes
        )
        programme.hours = programmes.format_minutes(programme.total_minutes)
    return render(
        request,
        "training/staff/programme_list.html",
        {
            "page": page,
            "is_admin": membership.role == Role.NETWORK_ADMIN,
            "can_create_cohort": membership.role in CREATORS,
        },
    )


def _programme_form(request, programme=None):
    network_id = request.membership.organisation_id
    return ProgrammeForm(
        request.POST or None,
        initial=ProgrammeForm.initial_of(programme) if programme else None,
        partners=programmes.partner_choices(network_id),
        conventions=programmes.convention_choices(network_id),
    )


@require_roles(*ADMIN)
@require_http_methods(["GET", "POST"])
def programme_create(request):
    form = _programme_form(request)
    done = submit_forms(
        request,
        form,
        action=lambda: programmes.programme_create(
            actor=request.membership, data=form.data_for_service()
        ),
    )
    if done.succeeded:
        messages.success(request, _("Programme créé : ajoutez maintenant ses séances."))
        return redirect("training:programme_detail", pk=done.result.pk)
    return render(
        request,
        "training/staff/programme_form.html",
        {"form": form, "programme": None},
        status=400 if form.errors else 200,
    )


@_admin_programme_view
@require_http_methods(["GET", "POST"])
def programme_edit(request, obj):
    form = _programme_form(request, obj)
    done = submit_forms(
        request,
        form,
        action=lambda: programmes.programme_update(
            actor=request.membership, programme=obj, data=form.data_for_service()
        ),
    )
    if done.succeeded:
        messages.success(request, _("Programme enregistré."))
        return redirect("training:programme_detail", pk=obj.pk)
    return render(
        request,
        "training/staff/programme_form.html",
        {"form": form, "programme": obj},
        status=400 if form.errors else 200,
    )


def _module_titles(keys):
    return [(content.module(key).title if content.module(key) else key) for key in keys]


def _plan_rows(plan):
    return [{"session": session, "modules": _module_titles(session.modules)} for session in plan]


@_admin_programme_view
@require_http_methods(["GET"])
def programme_detail(request, obj):
    """The programme and its plan: each session, the balance of minutes, what is missing
    before a cohort can run it; add, edit, move or remove a session."""
    return _programme_page(request, obj)


def _programme_page(request, obj, form=None):
    plan = list(ProgrammeSession.objects.filter(programme=obj).order_by("position"))
    return render(
        request,
        "training/staff/programme_detail.html",
        {
            "programme": obj,
            "hours": programmes.format_minutes(obj.total_minutes),
            "rows": _plan_rows(plan),
            "balance": programmes.plan_balance(obj, plan),
            "problems": programmes.plan_problems(obj, plan),
            "frozen": Cohort.objects.filter(programme=obj).exists(),
            "cohort_count": Cohort.objects.filter(programme=obj).count(),
            "form": form or PlanSessionForm(),
            "move_form": PlanMoveForm(),
        },
        status=400 if form is not None and form.errors else 200,
    )


@require_POST
@_admin_programme_view
def plan_session_add(request, obj):
    form = PlanSessionForm(request.POST)
    done = submit_forms(
        request,
        form,
        action=lambda: programmes.plan_session_add(
            actor=request.membership,
            programme=obj,
            data=form.data_for_service(),
            position=form.cleaned_data.get("position"),
        ),
    )
    if done.succeeded:
        messages.success(request, _("Séance ajoutée au déroulé."))
        return redirect("training:programme_detail", pk=obj.pk)
    return _programme_page(request, obj, form)


@_admin_plan_view
@require_http_methods(["GET", "POST"])
def plan_session_edit(request, obj):
    initial = {
        "title": obj.title,
        "duration_minutes": obj.duration_minutes,
        "content": obj.content,
        "diagnostic": obj.diagnostic,
        "modules": obj.modules,
    }
    form = PlanSessionForm(request.POST or None, initial=initial, with_position=False)
    done = submit_forms(
        request,
        form,
        action=lambda: programmes.plan_session_update(
            actor=request.membership, session=obj, data=form.data_for_service()
        ),
    )
    if done.succeeded:
        messages.success(request, _("Séance enregistrée."))
        return redirect("training:programme_detail", pk=obj.programme_id)
    return render(
        request,
        "training/staff/plan_session_form.html",
        {"form": form, "session": obj, "programme": obj.programme},
        status=400 if form.errors else 200,
    )


@require_POST
@_admin_plan_view
def plan_session_move(request, obj):
    form = PlanMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez la nouvelle place de la séance (1 pour la première)."))
    else:
        try:
            programmes.plan_session_move(
                actor=request.membership, session=obj, position=form.cleaned_data["position"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Séance déplacée dans le déroulé."))
    return redirect("training:programme_detail", pk=obj.programme_id)


@require_POST
@_admin_plan_view
def plan_session_remove(request, obj):
    try:
        programmes.plan_session_remove(actor=request.membership, session=obj)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Séance retirée du déroulé."))
    return redirect("training:programme_detail", pk=obj.programme_id)


# --- cohorts ---------------------------------------------------------------------------------


@require_roles(*READERS)
@require_http_methods(["GET"])
def cohort_list(request):
    """The cohorts of the member's site (of the network for its admin), newest first."""
    membership = request.membership
    rows = selectors.cohorts_for_site(membership=membership)
    page = paginate(request, rows, count_from=Cohort.objects.visible_to(membership))
    return render(
        request,
        "training/staff/cohort_list.html",
        {
            "page": page,
            "can_create": membership.role in CREATORS,
            # Satisfaction surveys answered on the space's tablet (survey_views.tablet).
            "can_use_tablet": membership.role in TABLET_ROLES,
            "show_site": membership.role == Role.NETWORK_ADMIN,
        },
    )


def _creation_sites(membership):
    if membership.role == Role.NETWORK_ADMIN:
        return list(Site.objects.visible_to(membership).filter(is_active=True).order_by("name"))
    return list(Site.objects.filter(pk=membership.organisation_id))


@require_roles(*CREATORS)
@require_http_methods(["GET", "POST"])
def cohort_create(request):
    membership = request.membership
    sites = _creation_sites(membership)
    form = CohortCreateForm(
        request.POST or None,
        initial={"programme": request.GET.get("programme", "")},
        programmes=selectors.programmes_visible(membership=membership).filter(is_active=True),
        sites=sites,
        trainers=cohorts.trainer_choices_of_sites([site.pk for site in sites]),
    )

    def create():
        data = form.cleaned_data
        site = form.sites.get(data.get("site")) if "site" in form.fields else sites[0]
        return cohorts.cohort_create(
            actor=membership,
            programme=form.programmes[data["programme"]],
            site=site,
            name=data["name"],
            trainer_ids=data["trainers"],
            room=data["room"],
            capacity=data["capacity"],
            starts_on=data["starts_on"],
            weekdays=data["weekdays"],
            start_time=data["start_time"],
        )

    if not sites:
        messages.error(request, _("Aucun espace ouvert où créer un groupe."))
        return redirect("training:cohort_list")
    done = submit_forms(request, form, action=create)
    if done.succeeded:
        messages.success(
            request,
            _("Groupe créé : ses %(count)s séances sont au calendrier.")
            % {"count": done.result.sessions.count()},
        )
        return redirect("training:cohort_detail", pk=done.result.pk)
    return render(
        request,
        "training/staff/cohort_form.html",
        {"form": form, "cohort": None},
        status=400 if form.errors else 200,
    )


@_cohort_view(READERS)
@require_http_methods(["GET"])
def cohort_detail(request, obj):
    """The cohort's schedule: each session's date, time, room, title, diagnostic, modules;
    « Déplacer » a session; at the entry and exit diagnostics, a link per person."""
    membership = request.membership
    sessions = selectors.cohort_schedule(membership=membership, cohort=obj)
    page = paginate(request, sessions, count_from=CohortSession.objects.filter(cohort=obj))
    rows = list(page)
    positions = ProgrammeSession.objects.filter(programme_id=obj.programme_id).values_list(
        "position", flat=True
    )
    bounds = (min(positions, default=0), max(positions, default=0))
    needs_people = membership.role in DIAGNOSTIC_ROLES and any(
        _diagnostic_here(session, bounds) for session in rows
    )
    people = (
        list(selectors.cohort_people(membership=membership, cohort=obj)) if needs_people else []
    )
    schedule_rows = [
        {
            "session": session,
            "modules": _module_titles(session.plan.modules),
            "diagnostic": _diagnostic_here(session, bounds),
        }
        for session in rows
    ]
    if people:
        record_page_read(request, action="training.cohort_viewed", obj=obj, site=obj.site_id)
    can_run = membership.role in RUNNERS
    trainers = list(obj.trainers.order_by("first_name", "last_name"))
    counts = selectors.cohort_counts(membership=membership, cohort=obj)
    return render(
        request,
        "training/staff/cohort_detail.html",
        {
            "cohort": obj,
            "programme": obj.programme,
            "site": obj.site,
            "trainers": trainers,
            "weekdays": [label for value, label in WEEKDAYS if value in obj.weekdays],
            "page": page,
            "rows": schedule_rows,
            "people": people,
            "counts": counts,
            "enrolled": counts.enrolled if counts else 0,
            # Every session called: ending the group is the next step (surveys follow).
            "ready_to_close": can_run
            and obj.cancelled_at is None
            and obj.closed_on is None
            and counts is not None
            and counts.all_called,
            # The roll call (attendance_views) opens once a session has started.
            "now": clock.now(),
            "can_roll_call": obj.cancelled_at is None
            and may_take_roll_call(
                membership, site=obj.site, trainer_ids=[trainer.pk for trainer in trainers]
            ),
            "can_run": can_run and obj.cancelled_at is None and obj.closed_on is None,
            "can_cancel": membership.role in CREATORS
            and obj.cancelled_at is None
            and obj.closed_on is None,
            "entry": SessionDiagnostic.ENTRY,
            "exit": SessionDiagnostic.EXIT,
        },
    )


def _diagnostic_here(session, bounds) -> str:
    """The diagnostic of a session, only at the first (entry) or the last (exit) one."""
    diagnostic = session.plan.diagnostic
    if diagnostic == SessionDiagnostic.ENTRY and session.plan.position == bounds[0]:
        return diagnostic
    if diagnostic == SessionDiagnostic.EXIT and session.plan.position == bounds[1]:
        return diagnostic
    return ""


@_cohort_view(RUNNERS)
@require_http_methods(["GET", "POST"])
def cohort_edit(request, obj):
    form = CohortEditForm(
        request.POST or None,
        initial={
            "name": obj.name,
            "room": obj.room,
            "capacity": obj.capacity,
            "trainers": list(obj.trainers.values_list("pk", flat=True)),
        },
        trainers=cohorts.trainer_choices(obj.site_id),
    )
    done = submit_forms(
        request,
        form,
        action=lambda: cohorts.cohort_update(
            actor=request.membership,
            cohort=obj,
            name=form.cleaned_data["name"],
            trainer_ids=form.cleaned_data["trainers"],
            room=form.cleaned_data["room"],
            capacity=form.cleaned_data["capacity"],
        ),
    )
    if done.succeeded:
        messages.success(request, _("Groupe enregistré."))
        return redirect("training:cohort_detail", pk=obj.pk)
    return render(
        request,
        "training/staff/cohort_form.html",
        {"form": form, "cohort": obj},
        status=400 if form.errors else 200,
    )


@require_POST
@_cohort_view(CREATORS)
def cohort_cancel(request, obj):
    try:
        cohorts.cohort_cancel(actor=request.membership, cohort=obj)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Groupe annulé : ses séances ne sont plus à l'agenda."))
    return redirect("training:cohort_detail", pk=obj.pk)


@require_POST
@_cohort_view(RUNNERS)
def cohort_close(request, obj):
    try:
        cohorts.cohort_close(actor=request.membership, cohort=obj)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Groupe terminé."))
    return redirect("training:cohort_detail", pk=obj.pk)


@require_roles(*RUNNERS)
@scoped_object(CohortSession)
@require_http_methods(["GET", "POST"])
def session_move(request, obj):
    """Move one session: a new day and start time, the same duration."""
    session = obj
    start = timezone.localtime(session.starts_at)
    form = SessionMoveForm(
        request.POST or None,
        initial={"day": start.date(), "time": start.time().replace(second=0, microsecond=0)},
    )
    done = submit_forms(
        request,
        form,
        action=lambda: cohorts.session_move(
            actor=request.membership,
            session=session,
            new_start=at(form.cleaned_data["day"], form.cleaned_data["time"]),
        ),
    )
    if done.succeeded:
        messages.success(request, _("Séance déplacée."))
        return redirect("training:cohort_detail", pk=session.cohort_id)
    return render(
        request,
        "training/staff/session_move.html",
        {
            "form": form,
            "session": session,
            "cohort": session.cohort,
            "plan": session.plan,
        },
        status=400 if form.errors else 200,
    )
