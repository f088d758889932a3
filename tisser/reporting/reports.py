"""PDF reports drawn from a dashboard (decision 0055): the funder report and the network's
yearly activity report.

Both go through the printouts' engine (``tisser/core/pdf.py``) and render the same
``Dashboard`` as the page and the XLSX: cover, key figures, the charts (the dashboard's
own SVG, inlined as ``data:`` images: WeasyPrint fetches nothing), the per-site table and
the definitions of every indicator shown. The yearly report adds the year's figures per
month. A report is asked for on a page (``services.report_request_create``) and prepared
here by the task ``tasks.prepare_report``: the dashboard is built again for the person who
asked, with their role and scope *at the time of preparing*, from the filters saved.
"""

from __future__ import annotations

import base64
import datetime
import logging
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from importlib import import_module

from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tisser.accounts.models import Membership
from tisser.core import clock
from tisser.core.errors import DomainError
from tisser.core.pdf import render_pdf
from tisser.reporting import services
from tisser.reporting.dashboard_types import Chart, Dashboard, Shown
from tisser.reporting.enums import ReportKind, ReportStatus, Unit
from tisser.reporting.exports import period_text, shown_indicators, unit_text
from tisser.reporting.indicators import Indicator
from tisser.reporting.models import ReportRequest

logger = logging.getLogger(__name__)

FUNDER_TEMPLATE = "reporting/pdf/funder_report.html"
YEARLY_TEMPLATE = "reporting/pdf/yearly_report.html"
FAILED = _lazy(
    "La préparation du rapport a échoué. Demandez-le à nouveau ; si cela se reproduit, "
    "prévenez l'administrateur du réseau."
)


class ReportRefused(DomainError):
    """The report cannot be prepared for this person any more (their access changed)."""


def number_text(value) -> str:
    """``12 345``, ``1 234,5``: French digits (a narrow no-break space between thousands)."""
    if isinstance(value, Decimal) and value != value.to_integral_value():
        whole, _dot, decimals = f"{value:,.2f}".partition(".")
        return whole.replace(",", "\u202f") + "," + decimals.rstrip("0")
    return f"{int(value):,}".replace(",", "\u202f")


def value_text(item: Indicator, value) -> str:
    if value is None:
        return "—"
    if item.unit == Unit.RATE:
        percent = (Decimal(value) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
        return number_text(percent) + "\u00a0%"
    return number_text(value)


@dataclass
class ChartImage:
    chart: Chart
    src: str  # a data: URL of the chart's SVG


def chart_images(dashboard: Dashboard) -> list[ChartImage]:
    found = []
    for chart in dashboard.charts:
        encoded = base64.b64encode(str(chart.svg).encode("utf-8")).decode("ascii")
        found.append(ChartImage(chart=chart, src=f"data:image/svg+xml;base64,{encoded}"))
    return found


def cell_text(value) -> str:
    if isinstance(value, Shown):
        return value.text
    return "" if value is None else str(value)


def context(dashboard: Dashboard, *, organisation_name: str, asked_at: datetime.datetime) -> dict:
    return {
        "dashboard": dashboard,
        "organisation_name": organisation_name,
        "period": period_text(dashboard.start, dashboard.end),
        "previous_period": (
            period_text(dashboard.previous_start, dashboard.previous_end)
            if dashboard.previous_start and dashboard.previous_end
            else ""
        ),
        "prepared_at": timezone.localtime(dashboard.generated_at or clock.now()),
        "asked_at": timezone.localtime(asked_at),
        "charts": chart_images(dashboard),
        "per_site": _table(dashboard.per_site),
        "definitions": [
            {"item": item, "unit": unit_text(item)} for item in shown_indicators(dashboard)
        ],
        "small_counts_rule": dashboard.audience != "staff",
    }


def _table(table):
    if table is None:
        return None
    return {
        "title": table.title,
        "caption": table.caption,
        "header": table.header,
        "rows": [[cell_text(value) for value in row] for row in table.rows],
    }


# --- the yearly report: the year's figures per month ----------------------------------


def month_table(selection, indicators: list[Indicator]) -> dict:
    """Rows: the indicators; columns: the year's months (staff figures, exact)."""
    from tisser.reporting.figures import compute_split

    first = selection.start.replace(day=1)
    months = []
    day = first
    while day <= selection.end:
        months.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    codes = [item.code for item in indicators]
    split = compute_split(selection, codes, by="month") if codes else {}
    rows = []
    for item in indicators:
        per_month = split.get(item.code, {})
        cells = []
        for month in months:
            figure = per_month.get(month)
            cells.append(value_text(item, figure.value if figure else 0))
        rows.append({"label": str(item.label), "unit": unit_text(item), "cells": cells})
    return {"months": months, "rows": rows}


# --- the task's work ----------------------------------------------------------------------


def requester(report: ReportRequest) -> Membership:
    """The membership through which the report was asked for, if it is still active."""
    membership = (
        Membership.objects.active()
        .select_related("organisation", "user")
        .filter(user_id=report.requested_by_id, organisation_id=report.organisation_id)
        .first()
    )
    if membership is None or membership.role not in services.REPORT_ROLES.get(report.kind, ()):
        raise ReportRefused(
            _("La personne qui a demandé ce rapport n'a plus accès à ces chiffres.")
        )
    return membership


def render(report: ReportRequest) -> bytes:
    # The one place where dashboards are built for a reader (wired to DASH's build()),
    # a views module: imported by name so that the typed modules do not pull the views in.
    export_views = import_module("tisser.reporting.export_views")

    membership = requester(report)
    name = membership.organisation.name
    if report.kind == ReportKind.YEARLY:
        year = _year(report.filters.get("year"))
        dashboard, selection = export_views.yearly_dashboard(membership, year)
        found = context(dashboard, organisation_name=name, asked_at=report.created_at)
        found["year"] = year
        found["months"] = month_table(selection, shown_indicators(dashboard))
        return render_pdf(YEARLY_TEMPLATE, found)
    query = QueryDict(mutable=True)
    for key, values in (report.filters or {}).items():
        query.setlist(key, values if isinstance(values, list) else [values])
    try:
        dashboard = export_views.dashboard_from(membership, query)
    except (PermissionDenied, Http404) as refused:
        raise ReportRefused(
            _("Ces filtres ne donnent pas de tableau de bord que vous pouvez lire.")
        ) from refused
    return render_pdf(
        FUNDER_TEMPLATE, context(dashboard, organisation_name=name, asked_at=report.created_at)
    )


def _year(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError) as error:
        raise ReportRefused(_("L'année de ce rapport n'est pas valide.")) from error
    if not 2000 <= year <= clock.localdate().year:
        raise ReportRefused(_("L'année de ce rapport n'est pas valide."))
    return year


def prepare(report_id: int) -> str:
    """Prepare one report asked for: ready with its PDF, or failed with a French reason."""
    report = services.report_start(report_id)
    if report is None:
        return "skipped"
    try:
        pdf = render(report)
    except DomainError as refused:
        services.report_fail(report, error=refused.message)
    except Exception:
        # The reader sees « en échec » and may ask again; the trace goes to the logs.
        logger.exception("Report %s could not be prepared", report_id)
        services.report_fail(report, error=str(FAILED))
    else:
        services.report_finish(report, pdf=pdf)
    return str(ReportStatus(report.status).value)
