"""The programme dashboard's tables, for the page and the funder's XLSX export (helper D).

From a :class:`~tisser.training.reporting.Report` to cells: exact figures for the network
and its sites; with ``aggregated=True`` (a funder's page, every export), the « moins de 10 »
rule of ``tisser.core.small_counts``: primary suppression on each figure's base, secondary
suppression over every additive column (cohorts within their site, sites within the total)
and over the drop-outs per reason within their total. Rates are never additive and publish
neither numerator nor denominator, so they only take the primary rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from tisser.core.small_counts import FEWER_THAN, NO_DATA, Equation, is_small, suppress
from tisser.diagnostics.framework import domain_labels
from tisser.training.enums import DropReason
from tisser.training.reporting import OUTCOME_LABELS, OUTCOME_YES, Figures, Line, Report


@dataclass(frozen=True)
class Cell:
    """One figure: ``value`` typed for a spreadsheet (None when hidden or absent) and
    ``text`` as the page shows it."""

    text: str
    value: int | Decimal | None = None
    hidden: bool = False
    label: str = ""  # the column's name (``data-label`` on a phone)
    percent: bool = False  # a share between 0 and 1, written as a percentage in a sheet


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"))


# French numbers, written here rather than through ``number_format`` (a table of a few
# thousand cells is drawn on each request): a narrow no-break space between thousands,
# a decimal comma.
THOUSANDS = "\u202f"


def _french(value, places: int) -> str:
    return f"{value:,.{places}f}".replace(",", THOUSANDS).replace(".", ",")


def _hours_text(value) -> str:
    return _("%(hours)s h") % {"hours": _french(value, 1)}


def hours_text(minutes: int) -> str:
    """``12,5 h``: minutes as hours, in French."""
    return _hours_text(_hours(minutes))


def _percent_text(value) -> str:
    return f"{_french(value * 100, 0)} %"


def _int_text(value) -> str:
    return _french(value, 0)


def _decimal_text(value) -> str:
    sign = "+" if value > 0 else ""
    return sign + _french(value, 2)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    value: Callable[[Line], int | Decimal | None]
    base: Callable[[Figures], int | None]
    text: Callable
    additive: bool

    @property
    def heading(self) -> str:
        """The column's name in a sheet (« (%) » after a share)."""
        return f"{self.label} (%)" if self.text is _percent_text else str(self.label)


def columns() -> list[Column]:
    return [
        Column("enrolled", _("Inscrits"), lambda line: line.figures.enrolled,
               lambda f: f.enrolled, _int_text, True),
        Column("target", _("Objectif"), lambda line: line.target, lambda f: None, _int_text, False),
        Column("delivered", _("Heures de formation données"),
               lambda line: _hours(line.figures.delivered_minutes), lambda f: None, _hours_text, False),
        Column("attended", _("Heures suivies par les personnes"),
               lambda line: _hours(line.figures.attended_minutes), lambda f: f.attendees,
               _hours_text, True),
        Column("attendance", _("Taux de présence"), lambda line: line.figures.attendance_rate,
               lambda f: f.attendees, _percent_text, False),
        Column("completion", _("Taux d'achèvement"), lambda line: line.figures.completion_rate,
               lambda f: f.closed_enrolled, _percent_text, False),
        Column("dropped", _("Abandons"), lambda line: line.figures.dropped, lambda f: f.dropped,
               _int_text, True),
        Column("satisfaction", _("Taux de satisfaction"),
               lambda line: line.figures.satisfaction_rate, lambda f: f.satisfaction_answers,
               _percent_text, False),
    ]  # fmt: skip


@dataclass(frozen=True)
class Row:
    level: str  # "cohort", "site" or "total"
    label: str
    cells: list[Cell]


@dataclass(frozen=True)
class Bar:
    label: str
    cell: Cell
    width: int  # in the drawing's units: 200 for the longest bar, 0 when hidden
    y: int


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    height: int


@dataclass
class Dashboard:
    columns: list[Column]
    rows: list[Row]
    drop_reasons: list[tuple[str, Cell]]
    drop_total: Cell
    diagnostics: list[tuple[str, Cell, Cell, Cell]]
    outcomes: list[tuple[str, Cell, Cell]]
    enrolled_chart: Chart | None = None
    attendance_chart: Chart | None = None


def _cell(value, *, base, hidden: bool, text: Callable, aggregated: bool, label="") -> Cell:
    if aggregated and (hidden or is_small(base)):
        return Cell(text=str(FEWER_THAN), hidden=True, label=label)
    if value is None:
        return Cell(text=NO_DATA, label=label)
    return Cell(text=text(value), value=value, label=label, percent=text is _percent_text)


def _ordered_lines(report: Report) -> list[Line]:
    """Each site's cohorts then the site, then the total."""
    lines: list[Line] = []
    for site in report.sites:
        lines.extend(line for line in report.cohorts if line.site_id == site.site_id)
        lines.append(site)
    lines.append(report.total)
    return lines


def _equations(report: Report) -> list[Equation]:
    equations = [
        Equation(site.key, [line.key for line in report.cohorts if line.site_id == site.site_id])
        for site in report.sites
    ]
    equations.append(Equation(report.total.key, [site.key for site in report.sites]))
    return equations


def build(report: Report, *, aggregated: bool) -> Dashboard:
    """The dashboard's tables; ``aggregated``: with the « moins de 10 » rule."""
    cols = columns()
    lines = _ordered_lines(report)
    equations = _equations(report)
    hidden: dict[str, frozenset] = {}
    for column in cols:
        if column.additive:
            values = {line.key: column.value(line) or 0 for line in lines}
            bases = {line.key: column.base(line.figures) for line in lines}
            hidden[column.key] = suppress(values, equations, bases=bases)
    rows = []
    for line in lines:
        level = (
            "total"
            if line is report.total
            else ("site" if line.key.startswith("site-") else "cohort")
        )
        cells = [
            _cell(
                column.value(line),
                base=column.base(line.figures),
                hidden=line.key in hidden.get(column.key, ()),
                text=column.text,
                aggregated=aggregated,
                label=str(column.label),
            )
            for column in cols
        ]
        rows.append(Row(level=level, label=line.label, cells=cells))

    total = report.total.figures
    reason_values = {reason: total.drop_reasons.get(reason, 0) for reason in DropReason.values}
    reason_values["total"] = total.dropped
    reason_hidden = suppress(reason_values, [Equation("total", list(DropReason.values))])
    drop_reasons = [
        (
            str(label),
            _cell(reason_values[reason], base=reason_values[reason],
                  hidden=reason in reason_hidden, text=_int_text, aggregated=aggregated),
        )
        for reason, label in DropReason.choices
    ]  # fmt: skip
    drop_total = _cell(total.dropped, base=total.dropped, hidden="total" in reason_hidden,
                       text=_int_text, aggregated=aggregated)  # fmt: skip

    labels = domain_labels()
    diagnostics = []
    for domain in report.domains:
        gain = total.gains.get(domain)
        if gain is None:
            continue
        diagnostics.append(
            (
                str(labels.get(domain, domain)),
                _cell(
                    gain.pairs, base=gain.pairs, hidden=False, text=_int_text, aggregated=aggregated
                ),
                _cell(
                    gain.mean,
                    base=gain.pairs,
                    hidden=False,
                    text=_decimal_text,
                    aggregated=aggregated,
                ),
                _cell(
                    gain.share_up,
                    base=gain.pairs,
                    hidden=False,
                    text=_percent_text,
                    aggregated=aggregated,
                ),
            )
        )
    outcomes = []
    for code in OUTCOME_YES:
        answers, _yes = total.outcomes.get(code, (0, 0))
        outcomes.append(
            (
                str(OUTCOME_LABELS[code]),
                _cell(answers, base=answers, hidden=False, text=_int_text, aggregated=aggregated),
                _cell(
                    total.outcome_rate(code),
                    base=answers,
                    hidden=False,
                    text=_percent_text,
                    aggregated=aggregated,
                ),
            )
        )
    dashboard = Dashboard(
        columns=cols,
        rows=rows,
        drop_reasons=drop_reasons,
        drop_total=drop_total,
        diagnostics=diagnostics,
        outcomes=outcomes,
    )
    dashboard.enrolled_chart = _chart(rows, cols, "enrolled")
    dashboard.attendance_chart = _chart(rows, cols, "attendance")
    return dashboard


BAR_STEP = 30
BAR_LONGEST = 200


def _chart(rows: list[Row], cols: list[Column], key: str) -> Chart:
    """One bar per site and the total (the cohorts are in the table); a hidden figure
    draws no bar."""
    index = [column.key for column in cols].index(key)
    chosen = [row for row in rows if row.level != "cohort"]
    longest = max((row.cells[index].value or 0 for row in chosen), default=0)
    bars = [
        Bar(
            label=row.label,
            cell=row.cells[index],
            width=int((row.cells[index].value or 0) * BAR_LONGEST / longest) if longest else 0,
            y=position * BAR_STEP,
        )
        for position, row in enumerate(chosen)
    ]
    return Chart(bars=bars, height=len(bars) * BAR_STEP)


def spreadsheet_rows(dashboard: Dashboard) -> list[list]:
    """The export's rows below its header: the main table, then drop-outs per reason,
    diagnostic progress and outcomes, each under a title line."""
    level_labels = {"cohort": _("Groupe"), "site": _("Espace"), "total": _("Total")}
    rows: list[list] = []
    for row in dashboard.rows:
        rows.append(
            [str(level_labels[row.level]), row.label, *(_typed(cell) for cell in row.cells)]
        )
    rows.append([])
    rows.append([_("Abandons par motif"), "", _("Personnes")])
    for label, cell in dashboard.drop_reasons:
        rows.append(["", str(label), _typed(cell)])
    rows.append(["", _("Total"), _typed(dashboard.drop_total)])
    rows.append([])
    rows.append([_("Diagnostic entrée → sortie"), "", _("Personnes"), _("Évolution moyenne (niveaux)"),
                 _("Part en progrès (%)")])  # fmt: skip
    for label, pairs, mean, share in dashboard.diagnostics:
        rows.append(["", label, _typed(pairs), _typed(mean), _typed(share)])
    rows.append([])
    rows.append([_("Six mois après"), "", _("Réponses"), _("Part de oui (%)")])
    for label, answers, share in dashboard.outcomes:
        rows.append(["", label, _typed(answers), _typed(share)])
    return rows


def _typed(cell: Cell):
    """A spreadsheet cell: the number itself, « moins de 10 », or « — »."""
    if cell.hidden:
        return str(FEWER_THAN)
    if cell.value is None:
        return NO_DATA
    return cell.value * 100 if cell.percent else cell.value
