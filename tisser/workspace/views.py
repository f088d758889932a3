import datetime
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.accounts import selectors as account_selectors
from tisser.accounts.enums import Role
from tisser.accounts.models import Site
from tisser.accounts.selectors import public_network_figures
from tisser.core import clock, exports, journal_labels
from tisser.core.access import require_roles
from tisser.core.dates import start_of_day
from tisser.core.models import JournalEntry
from tisser.core.views_helpers import paginate
from tisser.funding import selectors as funding_selectors
from tisser.offers import selectors as stock_selectors
from tisser.referrals import selectors as referral_selectors
from tisser.referrals.forms import site_team
from tisser.training import selectors as training_selectors
from tisser.workspace import selectors, services
from tisser.workspace.agenda import agenda_days, agenda_range, mark_recorded, team_home
from tisser.workspace.forms import AgendaForm, JournalSearchForm

JOURNAL_PAGE_SIZE = 50
AGENDA_ROLES = (Role.SITE_MANAGER, Role.MEDIATOR)


@require_roles(*Role.values)
def home(request):
    """The staff home page: what the current role needs first, from real data only."""
    membership = request.membership
    context = {"membership": membership}
    if membership.role == Role.NETWORK_ADMIN:
        context["counts"] = account_selectors.network_counts(membership=membership)
        context["sites"] = Paginator(
            account_selectors.site_list(membership=membership), 50
        ).get_page(request.GET.get("page"))
    elif membership.role in (Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER):
        context["site"], context["team"] = account_selectors.site_home(membership=membership)
        if membership.role in AGENDA_ROLES:
            context["day"] = team_home(membership=membership)
            context["low_stock"] = stock_selectors.low_stock(membership=membership)
    elif membership.role == Role.PARTNER_REFERRER:
        context["status_counts"] = referral_selectors.partner_status_counts(membership=membership)
    elif membership.role == Role.FUNDER_VIEWER:
        context["figures"] = public_network_figures()
    elif membership.role == Role.ACCOUNTANT:
        context["year"] = year = clock.localdate().year
        context["last_year"] = year - 1
        context["receipts"] = funding_selectors.tax_receipt_counts(membership=membership, year=year)
        context["last_year_receipts"] = funding_selectors.tax_receipt_counts(
            membership=membership, year=year - 1
        )
    return render(request, f"workspace/home_{membership.role}.html", context)


def _journal_entries(request) -> tuple[JournalSearchForm, QuerySet[JournalEntry]]:
    form = JournalSearchForm(request.GET or None, membership=request.membership)
    if not form.is_bound:
        return form, selectors.journal_search(membership=request.membership)
    if form.is_valid():
        criteria = {key: value for key, value in form.cleaned_data.items() if value}
        return form, selectors.journal_search(membership=request.membership, **criteria)
    return form, JournalEntry.objects.none()


def _journal_rows(membership, entries) -> list[dict]:
    """Entries in words: the action's label, the object's name and link (one query per kind
    of object on the page), the details with their codes' labels."""
    entries = list(entries)
    names = journal_labels.resolve_objects(membership, entries)
    return [
        {
            "entry": entry,
            "action": journal_labels.action_label(entry.action),
            "object": names.get((entry.object_type, entry.object_id)),
            "details": journal_labels.details(entry.action, entry.payload),
        }
        for entry in entries
    ]


@require_roles(Role.NETWORK_ADMIN)
def journal(request):
    """Search the audit journal of the network (network admins only)."""
    form, entries = _journal_entries(request)
    page = Paginator(entries, JOURNAL_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _journal_rows(request.membership, page.object_list)
    return render(request, "workspace/journal.html", {"form": form, "page": page, "rows": rows})


@require_roles(Role.NETWORK_ADMIN)
def journal_export(request):
    """The filtered journal as CSV, streamed (docs/decisions/0031-journal-export.md)."""
    form, entries = _journal_entries(request)
    if form.is_bound and not form.is_valid():
        # The search page with its errors: nothing exported, nothing journaled.
        page = Paginator(entries, JOURNAL_PAGE_SIZE).get_page(1)
        return render(request, "workspace/journal.html", {"form": form, "page": page, "rows": []})
    count = entries.count()
    filters = form.described_filters() if form.is_bound else {}
    exported = services.journal_export_record(
        actor=request.membership,
        rows=count,
        filters=form.filter_codes() if form.is_bound else {},
    )
    # The file holds what was counted: the export's own entry is not in it.
    entries = entries.exclude(pk=exported.pk)
    now = clock.now()
    preamble = [
        [_("Journal des actions exporté par"), request.user.email],
        [_("Le"), timezone.localtime(now)],
        [_("Filtres"), "; ".join(f"{k} : {v}" for k, v in filters.items()) or _("aucun")],
        [_("Entrées"), count],
        [],
    ]
    header = [
        _("Date"),
        _("Action"),
        _("Code de l'action"),
        _("Auteur"),
        _("Objet"),
        _("Type d'objet"),
        _("Numéro de l'objet"),
        _("Espace"),
        _("Motif"),
        _("Détails"),
    ]
    return exports.csv_response(
        filename=f"journal-{timezone.localdate(now):%Y-%m-%d}.csv",
        header=[str(title) for title in header],
        rows=_export_rows(request.membership, entries),
        preamble=preamble,
    )


@require_roles(*AGENDA_ROLES)
def agenda(request):
    """The site's agenda: one day or one week, everyone's or one mediator's appointments,
    with the closures and public holidays; one page (PAGE_SIZE) of appointments at a time."""
    membership = request.membership
    site = Site.objects.filter(pk=membership.organisation_id).first()
    if site is None:
        raise Http404
    form = AgendaForm(request.GET or None, team=site_team(site.pk))
    today = clock.localdate()
    day, view, mediator = today, "day", None
    if form.is_bound and form.is_valid():
        day = form.cleaned_data["jour"] or today
        view = form.cleaned_data["vue"] or "day"
        mediator = form.cleaned_data["mediateur"]
    first, count = agenda_range(day, view)
    appointments = referral_selectors.appointments_between(
        membership=membership,
        start=start_of_day(first),
        end=start_of_day(first + datetime.timedelta(days=count)),
        mediator_id=mediator.pk if mediator else None,
    )
    page = paginate(request, appointments)
    rows = list(page)
    mark_recorded(rows)
    # The cohort sessions and workshops of the period (a few a week), on the first page.
    collective = (
        training_selectors.collective_sessions_between(
            membership=membership,
            start=start_of_day(first),
            end=start_of_day(first + datetime.timedelta(days=count)),
        )
        if page.number == 1
        else []
    )
    step = datetime.timedelta(days=count)
    query = {"vue": view}
    if mediator:
        query["mediateur"] = mediator.pk
    return render(
        request,
        "workspace/agenda.html",
        {
            "form": form,
            "site": site,
            "page": page,
            "days": agenda_days(
                site=site, first=first, count=count, appointments=rows, collective=collective
            ),
            "view": view,
            "day": day,
            "first": first,
            "last": first + step - datetime.timedelta(days=1),
            "today": today,
            "now": clock.now(),
            "previous_query": urlencode({**query, "jour": (first - step).isoformat()}),
            "next_query": urlencode({**query, "jour": (first + step).isoformat()}),
            "today_query": urlencode({**query, "jour": today.isoformat()}),
            "page_query": urlencode({**query, "jour": day.isoformat()}),
        },
    )


EXPORT_CHUNK = 1000


def _export_rows(membership, entries):
    """Rows a thousand entries at a time: names resolved per chunk, never the whole journal
    in memory."""
    chunk = []
    for entry in entries.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(entry)
        if len(chunk) == EXPORT_CHUNK:
            yield from _export_chunk(membership, chunk)
            chunk = []
    yield from _export_chunk(membership, chunk)


def _export_chunk(membership, chunk):
    for row in _journal_rows(membership, chunk):
        entry = row["entry"]
        yield [
            timezone.localtime(entry.created_at),
            row["action"],
            entry.action,
            entry.actor.email if entry.actor else _("Système"),
            row["object"].text if row["object"] else "",
            journal_labels.kind_label(entry.object_type) if entry.object_type else "",
            entry.object_id,
            entry.site.name if entry.site else "",
            entry.reason,
            " ; ".join(f"{label} : {value}" for label, value in row["details"]),
        ]
