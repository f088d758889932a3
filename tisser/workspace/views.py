import datetime
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from tisser.accounts import selectors as account_selectors
from tisser.accounts.enums import Role
from tisser.accounts.models import Site
from tisser.accounts.selectors import public_network_figures
from tisser.core import clock
from tisser.core.access import require_roles
from tisser.core.models import JournalEntry
from tisser.core.views_helpers import paginate
from tisser.referrals import selectors as referral_selectors
from tisser.referrals.forms import site_team
from tisser.workspace import selectors
from tisser.workspace.agenda import agenda_days, agenda_range, mark_recorded, start_of, team_home
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
    elif membership.role == Role.FUNDER_VIEWER:
        context["figures"] = public_network_figures()
    return render(request, f"workspace/home_{membership.role}.html", context)


@require_roles(Role.NETWORK_ADMIN)
def journal(request):
    """Search the audit journal of the network (network admins only)."""
    form = JournalSearchForm(request.GET or None, membership=request.membership)
    if not form.is_bound:
        entries = selectors.journal_search(membership=request.membership)
    elif form.is_valid():
        criteria = {key: value for key, value in form.cleaned_data.items() if value}
        entries = selectors.journal_search(membership=request.membership, **criteria)
    else:
        entries = JournalEntry.objects.none()
    page = Paginator(entries, JOURNAL_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "workspace/journal.html", {"form": form, "page": page})


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
        start=start_of(first),
        end=start_of(first + datetime.timedelta(days=count)),
        mediator_id=mediator.pk if mediator else None,
    )
    page = paginate(request, appointments)
    rows = list(page)
    mark_recorded(rows)
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
            "days": agenda_days(site=site, first=first, count=count, appointments=rows),
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
