"""The dashboards (decision 0055): the network's, a site's, a funder's and a programme's,
drawn on the server, their filters in the address; each chart's data as CSV
(``?graphique=<code>``); the glossary of the indicators.

A funder's view (and a programme's read by a funder) follows the « moins de 10 » rule,
also in the downloads: they are made from the same built dashboard.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from tisser.accounts.enums import Role
from tisser.core import clock
from tisser.core.access import require_roles
from tisser.core.exports import csv_response
from tisser.core.small_counts import FEWER_THAN
from tisser.reporting import catalogue, pages
from tisser.reporting.dashboard import guarded
from tisser.reporting.dashboard_types import Dashboard, Shown
from tisser.reporting.enums import Unit
from tisser.reporting.forms import FUNDER, NETWORK, PROGRAMME, SITE
from tisser.reporting.indicators import CITY, PARTNER
from tisser.reporting.indicators import FUNDER as FUNDER_FILTER
from tisser.reporting.indicators import PROGRAMME as PROGRAMME_FILTER
from tisser.reporting.indicators import SITE as SITE_FILTER
from tisser.reporting.selection import ALL_READERS

# The downloads built beside the dashboards (XLSX, CSV, PDF report): linked when present.
EXPORT_URL_NAMES = {
    "xlsx": "reporting:export_xlsx",
    "csv": "reporting:export_csv",
    "report": "reporting:report_request",
}
FILTER_WORDS = {
    SITE_FILTER: gettext_lazy("espace"),
    CITY: gettext_lazy("commune"),
    PROGRAMME_FILTER: gettext_lazy("programme"),
    PARTNER: gettext_lazy("partenaire"),
    FUNDER_FILTER: gettext_lazy("financeur"),
}
# Who may open the training programme dashboard (tisser.training.reporting).
TRAINING_DASHBOARD_READERS = (Role.NETWORK_ADMIN, Role.SITE_MANAGER, Role.FUNDER_VIEWER)


@require_roles(*ALL_READERS)
@require_GET
def index(request):
    """« Chiffres »: the reader's own dashboard."""
    role = request.membership.role
    if role in pages.READERS[NETWORK]:
        return redirect("reporting:network")
    if role == Role.FUNDER_VIEWER:
        return redirect("reporting:funder")
    return redirect("reporting:site")


@require_roles(*pages.READERS[NETWORK])
@require_GET
def network(request):
    return _dashboard(request, NETWORK)


@require_roles(*pages.READERS[SITE])
@require_GET
def site(request):
    return _dashboard(request, SITE)


@require_roles(*pages.READERS[FUNDER])
@require_GET
def funder(request):
    return _dashboard(request, FUNDER)


@require_roles(*pages.READERS[PROGRAMME])
@require_GET
def programme(request):
    return _dashboard(request, PROGRAMME)


@require_roles(*ALL_READERS)
@require_GET
def glossary(request):
    """Every indicator: its code, words, unit, sources, filters and press-release figure."""
    groups = []
    for group, items in catalogue.by_group().items():
        groups.append(
            (
                group.label,
                [(item, _unit(item), _filters(item)) for item in items],
            )
        )
    return render(request, "reporting/glossary.html", {"groups": groups})


# The pages a funder reads with the « moins de 10 » rule, and who reads them so: the
# generated matrix (tests/core/security/test_figures_matrix.py) proves on each that no count
# under 10 and no other funder's figure shows ("funder": the funder's member; "admin-as-
# funder": a network admin with ?financeur=; "public": an anonymous visitor).
funder.guarded_figures = ("funder", "admin-as-funder")
programme.guarded_figures = ("funder",)


def _unit(item) -> str:
    return str(Unit(item.unit).label)


def _filters(item) -> str:
    words = [str(_("période"))]
    words += [str(FILTER_WORDS[name]) for name in FILTER_WORDS if name in item.filters]
    return ", ".join(words)


def _export_links(query: str) -> dict[str, str]:
    links = {}
    for key, name in EXPORT_URL_NAMES.items():
        links[key] = f"{reverse(name)}?{query}"
    return links


def _more_links(membership) -> list[tuple[str, str]]:
    """The figures' other pages the reader may open: their PDF reports, and for the network
    admin the figures from before Tisser and the national exports."""
    links = [(_("Mes rapports PDF"), reverse("reporting:report_list"))]
    if membership.role == Role.NETWORK_ADMIN:
        links += [
            (_("Chiffres d'avant Tisser"), reverse("reporting:historic_list")),
            (_("Exports nationaux (lieux, activités)"), reverse("reporting:national_exports")),
        ]
    return links


def _dashboard(request, kind: str):
    page = pages.read(request, kind)
    built = page.build()
    chart_code = request.GET.get("graphique")
    if chart_code is not None:
        if built is None:
            raise Http404
        return _chart_csv(built, chart_code)
    query = request.GET.copy()
    query.pop("graphique", None)
    query.pop("tableau", None)
    shared = query.urlencode()
    export_query = query.copy()
    export_query["tableau"] = kind
    context = {
        "page": page,
        "form": page.form,
        "dashboard": built,
        "guarded": guarded(page.audience),
        "query": shared,
        "exports": _export_links(export_query.urlencode()) if built is not None else {},
        "funder_view": _funder_view_link(page, shared),
        "more_links": _more_links(request.membership),
        "training_dashboard": _training_link(request, page),
        "fewer_than": FEWER_THAN,
        "kind": kind,
    }
    return render(request, "reporting/dashboard.html", context)


def _funder_view_link(page, query: str) -> str:
    """From the network's figures narrowed to a funder, the same funder's own view."""
    if page.kind != NETWORK or page.funder is None:
        return ""
    return f"{reverse('reporting:funder')}?{query}"


def _training_link(request, page) -> str:
    if page.programme is None or request.membership.role not in TRAINING_DASHBOARD_READERS:
        return ""
    return f"{reverse('training:dashboard')}?programme={page.programme.pk}"


def _csv_cell(value):
    if isinstance(value, Shown):
        return value.value if value.value is not None else value.text
    return value


def _chart_csv(built: Dashboard, code: str):
    """One chart's table as CSV, exactly as the page shows it (hidden values included)."""
    chart = next((chart for chart in built.charts if chart.code == code), None)
    if chart is None:
        raise Http404
    preamble = [
        [built.title],
        [chart.title],
        *([label, value] for label, value in built.filters),
        [_("Exporté le"), timezone.localtime(built.generated_at or clock.now())],
    ]
    if guarded(built.audience):
        preamble.append(
            [_("Tout chiffre tiré de moins de 10 personnes est remplacé par « moins de 10 ».")]
        )
    preamble.append([])
    rows = [[_csv_cell(cell) for cell in row] for row in chart.table.rows]
    return csv_response(
        filename=f"{code}-{built.start:%Y-%m-%d}-{built.end:%Y-%m-%d}.csv",
        header=chart.table.header,
        rows=rows,
        preamble=preamble,
    )
