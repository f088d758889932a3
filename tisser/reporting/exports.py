"""A dashboard (``dashboard_types.Dashboard``) as files: an XLSX workbook and a flat CSV.

Both are written through ``tisser/core/exports.py`` (formula cells neutralised). They render
the dashboard as built, for its audience: a figure hidden by the « moins de 10 » rule
(``Shown.hidden``) is written as its text, never as a number, and its value is never
exported anywhere else in the file (the build already hid what would let it be recomputed).

The workbook: one sheet per group of indicators, one per chart's data table, the per-site
table, and « Définitions » (the catalogue's words for every indicator shown). Each sheet
starts with the same header rows: the title, the period (and the period compared), the
filters in words, the time of export, and, for a funder, the « moins de 10 » rule.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tisser.core import clock
from tisser.core.exports import Cell, Sheet, csv_response, workbook_bytes, workbook_response
from tisser.reporting.dashboard_types import Audience, Dashboard, FigureLine, Shown, Table
from tisser.reporting.enums import Group, Unit
from tisser.reporting.indicators import Indicator

PERCENT_PLACES = Decimal("0.1")


def _day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def period_text(start: datetime.date, end: datetime.date) -> str:
    return _("du %(start)s au %(end)s") % {"start": _day(start), "end": _day(end)}


def preamble(dashboard: Dashboard, *, exported_at: datetime.datetime) -> list[list[Cell]]:
    """The rows above every table: what was asked for, and when it was exported."""
    rows: list[list[Cell]] = [
        [dashboard.title],
        [_("Période"), period_text(dashboard.start, dashboard.end)],
    ]
    if dashboard.previous_start and dashboard.previous_end:
        rows.append(
            [_("Comparée à"), period_text(dashboard.previous_start, dashboard.previous_end)]
        )
    rows.extend([str(label), str(value)] for label, value in dashboard.filters)
    rows.append([_("Exporté le"), timezone.localtime(exported_at)])
    if dashboard.audience != Audience.STAFF:
        rows.append(
            [
                _("Règle"),
                _("Tout chiffre tiré de moins de 10 personnes est remplacé par « moins de 10 »."),
            ]
        )
    rows.append([])
    return rows


def unit_text(item: Indicator) -> str:
    if item.unit == Unit.RATE:
        return "%"
    return str(Unit(item.unit).label)


def shown_cell(shown: Shown | None, item: Indicator | None = None) -> Cell:
    """A figure as a cell: hidden or empty, its text (« moins de 10 », « — »); else its
    number, typed (a rate as a percentage: 93.1)."""
    if shown is None:
        return ""
    if shown.hidden or shown.value is None:
        return shown.text
    if item is not None and item.unit == Unit.RATE:
        return (Decimal(shown.value) * 100).quantize(PERCENT_PLACES, ROUND_HALF_UP)
    return shown.value


def _table_cell(value) -> Cell:
    if isinstance(value, Shown):
        return shown_cell(value)
    return value


def _compares(dashboard: Dashboard) -> bool:
    return dashboard.previous_start is not None or any(
        line.previous is not None for group in dashboard.groups for line in group.lines
    )


def _line_row(line: FigureLine, *, compare: bool) -> list[Cell]:
    item = line.indicator
    row: list[Cell] = [item.code, str(item.label), shown_cell(line.current, item), unit_text(item)]
    if compare:
        row += [shown_cell(line.previous, item), line.change]
    return row


def _table_sheet(table: Table, *, title: str, rows_above: list[list[Cell]]) -> Sheet:
    above = [*rows_above]
    if table.caption:
        above.insert(-1, [_("Tableau"), table.caption])
    return Sheet(
        title=title,
        header=table.header,
        rows=([_table_cell(value) for value in row] for row in table.rows),
        preamble=above,
    )


def shown_indicators(dashboard: Dashboard) -> list[Indicator]:
    """Every indicator on the dashboard, once, in its order."""
    seen: dict[str, Indicator] = {}
    for group in dashboard.groups:
        for line in group.lines:
            seen.setdefault(line.indicator.code, line.indicator)
    return list(seen.values())


def definition_rows(dashboard: Dashboard) -> Iterator[list[Cell]]:
    for item in shown_indicators(dashboard):
        yield [
            item.code,
            str(item.label),
            str(Group(item.group).label),
            str(item.definition),
            unit_text(item),
            str(item.sources),
        ]


def sheets(dashboard: Dashboard, *, exported_at: datetime.datetime) -> list[Sheet]:
    rows_above = preamble(dashboard, exported_at=exported_at)
    compare = _compares(dashboard)
    header = [_("Code"), _("Indicateur"), _("Valeur"), _("Unité")]
    if compare:
        header += [_("Période précédente"), _("Évolution")]
    found = [
        Sheet(
            title=block.label,
            header=header,
            rows=[_line_row(line, compare=compare) for line in block.lines],
            preamble=rows_above,
        )
        for block in dashboard.groups
    ]
    for chart in dashboard.charts:
        found.append(_table_sheet(chart.table, title=chart.title, rows_above=rows_above))
    if dashboard.per_site is not None:
        found.append(_table_sheet(dashboard.per_site, title=_("Par espace"), rows_above=rows_above))
    found.append(
        Sheet(
            title=_("Définitions"),
            header=[
                _("Code"),
                _("Indicateur"),
                _("Groupe"),
                _("Définition"),
                _("Unité"),
                _("Sources"),
            ],
            rows=list(definition_rows(dashboard)),
            preamble=rows_above,
            wrap_text=True,
        )
    )
    return found


def filename(dashboard: Dashboard, extension: str) -> str:
    return f"chiffres-{dashboard.start:%Y-%m-%d}-{dashboard.end:%Y-%m-%d}.{extension}"


def xlsx_bytes(dashboard: Dashboard, *, exported_at: datetime.datetime | None = None) -> bytes:
    return workbook_bytes(sheets(dashboard, exported_at=exported_at or clock.now()))


def xlsx_response(dashboard: Dashboard):
    return workbook_response(
        filename=filename(dashboard, "xlsx"), sheets=sheets(dashboard, exported_at=clock.now())
    )


CSV_HEADER = (
    _lazy("Groupe"),
    _lazy("Code de l'indicateur"),
    _lazy("Indicateur"),
    _lazy("Valeur"),
    _lazy("Unité"),
    _lazy("Valeur de la période précédente"),
)


def csv_header() -> list[str]:
    return [str(title) for title in CSV_HEADER]


def csv_rows(dashboard: Dashboard) -> Iterator[list[Cell]]:
    """One line per figure: group, code, label, value, unit, previous value."""
    for block in dashboard.groups:
        for line in block.lines:
            item = line.indicator
            yield [
                block.label,
                item.code,
                str(item.label),
                shown_cell(line.current, item),
                unit_text(item),
                shown_cell(line.previous, item),
            ]


def csv_file_response(dashboard: Dashboard):
    return csv_response(
        filename=filename(dashboard, "csv"),
        header=csv_header(),
        rows=csv_rows(dashboard),
        preamble=preamble(dashboard, exported_at=clock.now()),
    )
