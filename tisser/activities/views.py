"""Pages of activity records: the site's list (with its export), the form, a record.

Who may do what (docs/decisions/0020): a site's mediators and managers record and read
their site's activities; network admins read every site's (read only); volunteers,
partners and funders never see them. A record of another site is a 404.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tisser.accounts.enums import Role
from tisser.activities import export, forms, selectors, services
from tisser.activities.enums import AUTHOR_EDIT_DAYS, ActivityKind
from tisser.activities.models import Activity
from tisser.activities.people import appointment_person
from tisser.beneficiaries.models import Beneficiary
from tisser.core import clock
from tisser.core.access import require_roles, scoped_object
from tisser.core.dates import format_day
from tisser.core.exports import csv_response, xlsx_response
from tisser.core.ids import parse_id
from tisser.core.views_helpers import confirm_page, paginate, submit_forms

SITE_TEAM = (Role.MEDIATOR, Role.SITE_MANAGER)
READERS = (*SITE_TEAM, Role.NETWORK_ADMIN)


def _activity_view(*roles):
    """The role first (403), then the record in scope (else 404)."""

    def decorator(view):
        return require_roles(*roles)(scoped_object(Activity)(view))

    return decorator


@dataclass(frozen=True)
class Card:
    """One row of the list, as the phone shows it (built here: 50 cards cost a template
    loop of plain values, not 50 renderings of translated blocks)."""

    url: str
    title: str
    people: str
    meta: str


def _cards(page, *, show_site: bool) -> list[Card]:
    list_url = reverse("activities:list")
    kinds = dict(ActivityKind.choices)
    dates: dict = {}
    cards = []
    for activity in page:
        if activity.date not in dates:
            dates[activity.date] = format_day(activity.date)
        people = [
            f"{p.beneficiary.first_name} {p.beneficiary.last_name}" for p in activity.identified
        ]
        if activity.anonymous_count:
            people.append(
                ngettext(
                    "%(count)s personne sans dossier",
                    "%(count)s personnes sans dossier",
                    activity.anonymous_count,
                )
                % {"count": activity.anonymous_count}
            )
        meta = [f"{activity.duration_minutes} min", str(activity.mediator)]
        if show_site:
            meta.append(activity.site.name)
        cards.append(
            Card(
                url=f"{list_url}{activity.pk}/",
                title=f"{kinds[activity.kind]} — {dates[activity.date]}",
                people=", ".join(people),
                meta=" · ".join(meta),
            )
        )
    return cards


@require_roles(*READERS)
def activity_list(request):
    membership = request.membership
    if membership.role == Role.NETWORK_ADMIN and not request.GET:
        # The network's list opens on the current month: counting a whole network's
        # history (a million records) on every visit would cost half a second.
        month_start = clock.localdate().replace(day=1)
        return redirect(f"{reverse('activities:list')}?{urlencode({'date_from': month_start})}")
    filters = forms.ActivityFilterForm(request.GET or None, membership=membership)
    queryset = selectors.activity_list(membership=membership, filters=filters.filters())
    page = paginate(request, queryset)
    is_team = membership.role in SITE_TEAM
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "activities/list.html",
        {
            "filters": filters,
            "page": page,
            "cards": _cards(page, show_site=not is_team),
            "can_record": is_team,
            "show_site": not is_team,
            "appointments": list(selectors.appointments_to_record(membership=membership))
            if is_team
            else [],
            "export_query": query.urlencode(),
        },
    )


def _start(request):
    """Where the form starts: a file (``?dossier=``), an appointment (``?rendez_vous=``),
    or nothing (an anonymous visitor). An id out of scope or absurd is a 404."""
    membership = request.membership
    appointment = person = None
    if "rendez_vous" in request.GET:
        appointment = selectors.appointment_in_scope(
            membership=membership, pk=parse_id(request.GET["rendez_vous"])
        )
        if appointment is None:
            raise Http404
        person = appointment_person(appointment)
    elif "dossier" in request.GET:
        pk = parse_id(request.GET["dossier"])
        person = (
            Beneficiary.objects.visible_to(membership)
            .active()
            .filter(pk=pk, site_id=membership.organisation_id)
            .first()
            if pk
            else None
        )
        if person is None:
            raise Http404
    return appointment, person


def _form_context(form, **extra):
    return {"form": form, "edit_days": AUTHOR_EDIT_DAYS, **extra}


@require_roles(*SITE_TEAM)
def activity_create(request):
    membership = request.membership
    appointment, person = _start(request)
    if appointment is not None:
        existing = selectors.activity_for_appointment(appointment)
        if existing is not None:
            messages.info(request, _("L'activité de ce rendez-vous est déjà saisie."))
            return redirect(existing)
    initial = {
        "date": clock.localdate(),
        "file_numbers": person.file_number if person is not None else "",
    }
    last = selectors.last_duration(membership=membership)
    if last is not None:
        initial["duration"] = str(last) if str(last) in dict(forms.duration_choices()) else "30"
    form = forms.ActivityForm(
        request.POST or None,
        initial=initial,
        membership=membership,
        recent_themes=selectors.recent_themes(membership=membership),
    )
    submission = submit_forms(
        request,
        form,
        action=lambda: services.activity_create(
            actor=membership, data=form.activity_data(), appointment=appointment
        ),
    )
    if submission.succeeded:
        messages.success(request, _("L'activité est enregistrée."))
        return redirect("activities:list")
    return render(
        request,
        "activities/form.html",
        _form_context(form, person=person, appointment=appointment, activity=None),
        status=400 if request.method == "POST" else 200,
    )


@_activity_view(*READERS)
def activity_detail(request, obj):
    activity = selectors.activity_detail(membership=request.membership, pk=obj.pk)
    if activity.identified:
        services.activity_record_view(actor=request.membership, activity=activity)
    return render(
        request,
        "activities/detail.html",
        {
            "activity": activity,
            "row": dict(zip(export.COLUMNS, export.activity_row(activity), strict=True)),
            "can_change": services.can_change(request.membership, activity),
            "edit_days": AUTHOR_EDIT_DAYS,
        },
    )


@_activity_view(*SITE_TEAM)
def activity_edit(request, obj):
    membership = request.membership
    activity = selectors.activity_detail(membership=membership, pk=obj.pk)
    if not services.can_change(membership, activity):
        messages.error(
            request,
            _(
                "Vous ne pouvez plus modifier cette activité : son auteur le peut pendant "
                "%(days)s jours, ensuite seul un responsable de l'espace le peut."
            )
            % {"days": AUTHOR_EDIT_DAYS},
        )
        return redirect(activity)
    form = forms.ActivityForm(
        request.POST or None,
        initial=forms.initial_from_activity(activity),
        membership=membership,
        recent_themes=selectors.recent_themes(membership=membership),
    )
    submission = submit_forms(
        request,
        form,
        action=lambda: services.activity_update(
            actor=membership, activity=activity, data=form.activity_data()
        ),
    )
    if submission.succeeded:
        messages.success(request, _("L'activité est modifiée."))
        return redirect(activity)
    return render(
        request,
        "activities/form.html",
        _form_context(form, person=None, appointment=activity.appointment, activity=activity),
        status=400 if request.method == "POST" else 200,
    )


@_activity_view(*SITE_TEAM)
def activity_delete(request, obj):
    return confirm_page(
        request,
        action=lambda: services.activity_delete(actor=request.membership, activity=obj),
        template="activities/delete.html",
        context={"activity": obj, "can_change": services.can_change(request.membership, obj)},
        success_message=_("L'activité est supprimée."),
        success_url=reverse("activities:list"),
    )


@require_roles(*READERS)
def activity_export(request):
    """The list's records in the national layout: ``?format=csv`` streams, XLSX is bounded."""
    membership = request.membership
    params = request.GET.copy()
    file_format = params.pop("format", ["xlsx"])[-1]
    filter_form = forms.ActivityFilterForm(params or None, membership=membership)
    if filter_form.is_bound and not filter_form.is_valid():
        messages.error(
            request, _("Les filtres contiennent des erreurs : corrigez-les avant d'exporter.")
        )
        return redirect(f"{reverse('activities:list')}?{urlencode(params, doseq=True)}")
    queryset = selectors.activity_export_rows(membership=membership, filters=filter_form.filters())
    total = queryset.count()
    if file_format != "csv" and total > export.XLSX_MAX_ROWS:
        messages.error(
            request,
            _(
                "%(total)s activités : c'est trop pour un fichier Excel (au plus %(max)s). "
                "Réduisez la période ou choisissez le fichier CSV."
            )
            % {"total": total, "max": export.XLSX_MAX_ROWS},
        )
        return redirect(f"{reverse('activities:list')}?{urlencode(params, doseq=True)}")
    described = filter_form.described()
    services.activity_export_record(
        actor=membership, file_format=file_format, rows=total, filters=filter_form.codes()
    )
    preamble = export.preamble(membership=membership, total=total, filters=described)
    rows = export.rows(queryset, with_names=export.shows_names(membership))
    stamp = clock.localdate().strftime("%Y-%m-%d")
    if file_format == "csv":
        return csv_response(
            filename=f"activites-{stamp}.csv", header=export.COLUMNS, rows=rows, preamble=preamble
        )
    return xlsx_response(
        filename=f"activites-{stamp}.xlsx",
        sheet_title=export.SHEET_TITLE,
        header=export.COLUMNS,
        rows=rows,
        preamble=preamble,
        wrap_text=True,
        autofilter=True,
    )
