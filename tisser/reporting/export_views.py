"""The dashboard's figures as files to download: XLSX (one sheet per group) and CSV.

``dashboard_from`` and ``yearly_dashboard`` are the ONE place where a dashboard is built for
a reader outside DASH's page (these downloads and the PDF reports' task): they read the
reader's membership and the URL's filters as the page does (``reporting.pages``, on
``reporting.selection``) and call ``reporting.dashboard.build``. A funder reads with the audience FUNDER (the
« moins de 10 » rule); staff read exact figures.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.http import Http404, QueryDict
from django.utils.translation import gettext as _

from tisser.accounts.enums import Role
from tisser.core.access import require_roles
from tisser.reporting import dashboard, exports, pages
from tisser.reporting.dashboard_types import Audience, Dashboard
from tisser.reporting.figures import Selection
from tisser.reporting.selection import ALL_READERS


def audience_of(membership) -> str:
    return Audience.FUNDER if membership.role == Role.FUNDER_VIEWER else Audience.STAFF


def default_kind(membership) -> str:
    """The dashboard a member reads when the link names none (``?tableau=``)."""
    if membership.role == Role.FUNDER_VIEWER:
        return "funder"
    if membership.role == Role.NETWORK_ADMIN:
        return "network"
    return "site"


def dashboard_from(membership, query: QueryDict) -> Dashboard:
    """The dashboard a member reads with these filters (the URL's query string, whose
    ``tableau`` names the dashboard: network, site, funder or programme).

    ``pages.read`` reads the reader's scope and the filters into a Selection and
    ``Page.build()`` calls ``dashboard.build``; the report task has no request, so it passes
    the member and the saved query string the same way.
    Raises PermissionDenied for a role the dashboard refuses, Http404 when the filters do
    not name what the dashboard needs (a site, a funder, a programme).
    """
    kind = query.get("tableau") or default_kind(membership)
    if kind not in pages.READERS:
        raise Http404
    page = pages.read(SimpleNamespace(membership=membership, GET=query), kind)
    built = page.build()
    if built is None:
        raise Http404
    return built


def dashboard_for(request) -> Dashboard:
    """The dashboard of the page the reader is on (its filters are in the URL)."""
    return dashboard_from(request.membership, request.GET)


def yearly_dashboard(membership, year: int):
    """The network's figures for a calendar year (staff, exact), compared with the year
    before, and the ``Selection`` they were built from (the report splits it per month)."""
    chosen = Selection(
        network_id=membership.organisation_id,
        start=datetime.date(year, 1, 1),
        end=datetime.date(year, 12, 31),
    )
    built = dashboard.build(
        chosen,
        audience=Audience.STAFF,
        title=_("Rapport d'activité %(year)s") % {"year": year},
        filters_described=[(_("Année"), str(year))],
        compare=True,
    )
    return built, chosen


# Whoever may open a dashboard may take its figures away (pages.read checks the kind).
@require_roles(*ALL_READERS)
def export_xlsx(request):
    return exports.xlsx_response(dashboard_for(request))


@require_roles(*ALL_READERS)
def export_csv(request):
    return exports.csv_file_response(dashboard_for(request))
