"""A dashboard, built once from a selection and rendered by the page, the XLSX and CSV
downloads and the PDF reports (decision 0055, dashboards).

``build`` computes every indicator of the catalogue (and the previous period's when
comparing), the charts (people helped per month, per site, and each indicator that has a
breakdown), and the per-site table; it is generic over the catalogue.

For a funder or the public (:class:`Audience`), the « moins de 10 » rule of
``tisser.core.small_counts``: a figure drawn from 1 to 9 people is hidden (primary
suppression), then, per indicator, every breakdown shown on the page (per site, per month,
per key) is an equation ``total = Σ parts`` sharing the period's total, and
complementary suppression hides what would let a hidden value be recomputed. The same
hidden set serves the headline figure, the per-site table and the charts, so no two parts
of the page disagree. A total that must be hidden hides the headline figure too. Distinct
people do not add up across sites or months (a person seen at two sites counts once in
the total); treating those tables as sums is the cautious side of the rule.
"""

from __future__ import annotations

import datetime
from collections.abc import Hashable, Iterable
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tisser.accounts.models import Organisation
from tisser.core import clock
from tisser.core.small_counts import FEWER_THAN, NO_DATA, Equation, is_small, suppress
from tisser.reporting import catalogue, charts, figures, formats
from tisser.reporting.dashboard_types import (
    Audience,
    Chart,
    Dashboard,
    FigureLine,
    GroupBlock,
    Shown,
    Table,
)
from tisser.reporting.enums import Measure, Unit
from tisser.reporting.figures import Figure, Selection
from tisser.reporting.indicators import Indicator
from tisser.reporting.selection import previous

NOT_APPLICABLE = gettext_lazy("ne s'applique pas à ce filtre")
# The indicator drawn per month and per site; the first people indicator if it is gone.
HEADLINE = "people_helped"
TOTAL = "total"
MONTH_CHART, SITE_CHART, KEY_CHART = "mois", "espaces", "detail-"


def guarded(audience: str) -> bool:
    return audience in (Audience.FUNDER, Audience.PUBLIC)


# --- one figure as its reader sees it --------------------------------------------------------


def shown(item: Indicator, figure: Figure | None, *, audience: str, hidden: bool = False) -> Shown:
    if figure is None or not figure.applicable:
        return Shown(str(NOT_APPLICABLE), None)
    if guarded(audience) and (hidden or is_small(figure.base)):
        return Shown(str(FEWER_THAN), None, hidden=True)
    if figure.value is None:
        return Shown(NO_DATA, None, base=figure.base)
    return Shown(formats.figure(figure.value, item.unit), figure.value, base=figure.base)


def change(item: Indicator, now: Shown, before: Shown | None) -> str:
    """The change from the previous period, in words (a rate changes in points)."""
    if before is None:
        return ""
    if now.value is None or before.value is None:
        return NO_DATA
    if item.unit == Unit.RATE:
        points = (Decimal(now.value) - Decimal(before.value)) * 100
        if abs(points) < Decimal("0.05"):
            return _("stable")
        sign = "+" if points > 0 else ""
        return _("%(points)s points") % {"points": sign + formats.number(points, 1)}
    if not before.value:
        return NO_DATA
    percent = (Decimal(now.value) - Decimal(before.value)) * 100 / Decimal(before.value)
    if round(percent) == 0:
        return _("stable")
    sign = "+" if percent > 0 else ""
    return f"{sign}{formats.number(percent)}\u00a0%"


# --- the building -------------------------------------------------------------------------


def headline_code() -> str | None:
    items = catalogue.catalogue()
    if HEADLINE in items:
        return HEADLINE
    return next((code for code, item in items.items() if item.measure == Measure.PEOPLE), None)


def months_of(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    found, day = [], start.replace(day=1)
    while day <= end:
        found.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return found


def per_site_codes(selection: Selection) -> list[str]:
    """The per-site table's columns: the first counted indicator of each group."""
    codes = []
    for items in catalogue.by_group().values():
        first = next(
            (
                item
                for item in items
                if item.measure != Measure.RATIO and figures.applies(item, selection)
            ),
            None,
        )
        if first is not None:
            codes.append(first.code)
    return codes


def _hidden_cells(total: Figure, parts: dict[str, dict[Hashable, Figure]]) -> frozenset[Hashable]:
    """The cells to hide for one indicator: its period total and its breakdowns
    (``parts``: "site", "month", "key" -> {split -> figure})."""
    values: dict[Hashable, int | Decimal] = {TOTAL: total.value or 0}
    bases: dict[Hashable, int | None] = {TOTAL: total.base}
    equations = []
    for by, splits in parts.items():
        keys = []
        for split, figure in splits.items():
            if not figure.value:
                # A zero is shown: everyone may know it (a month to come, a closed site),
                # so it never serves as the complement that protects a hidden value.
                continue
            key = (by, split)
            values[key] = figure.value
            bases[key] = figure.base
            keys.append(key)
        if keys:
            equations.append(Equation(TOTAL, keys))
    return suppress(values, equations, bases=bases)


def _filled(splits: dict, wanted: Iterable, code: str) -> dict:
    """The splits of every wanted part, an absent one counting nobody."""
    empty = None if catalogue.indicator(code).measure == Measure.RATIO else 0
    return {split: splits.get(split) or Figure(code, empty, 0) for split in wanted}


def build(
    selection: Selection,
    *,
    audience: str,
    title: str,
    filters_described: list[tuple[str, str]],
    compare: bool,
) -> Dashboard:
    """The dashboard of ``selection`` as ``audience`` may read it."""
    items = catalogue.catalogue()
    codes = list(items)
    current = figures.compute(selection, codes)
    before_selection = previous(selection) if compare else None
    before = figures.compute(before_selection, codes) if before_selection else {}

    headline = headline_code()
    site_codes = per_site_codes(selection)
    key_codes = [
        code for code in codes if items[code].keys is not None and current[code].applicable
    ]
    month_codes = [headline] if headline and current[headline].applicable else []
    by_site = figures.compute_split(selection, site_codes, by="site") if site_codes else {}
    by_month = figures.compute_split(selection, month_codes, by="month") if month_codes else {}
    by_key = figures.compute_split(selection, key_codes, by="key") if key_codes else {}
    before_month = (
        figures.compute_split(before_selection, month_codes, by="month")
        if before_selection and month_codes
        else {}
    )

    months = months_of(selection.start, selection.end)
    before_months = (
        months_of(before_selection.start, before_selection.end) if before_selection else []
    )
    site_names = _site_names(selection, by_site)
    keys_of = {code: items[code].keys() for code in key_codes}  # type: ignore[misc]

    # Per indicator, the parts shown on the page, then what to hide.
    parts: dict[str, dict[str, dict]] = {code: {} for code in codes}
    for code, splits in by_site.items():
        parts[code]["site"] = _filled(splits, site_names, code)
    for code, splits in by_month.items():
        parts[code]["month"] = _filled(splits, months, code)
    for code, splits in by_key.items():
        parts[code]["key"] = _filled(splits, list(keys_of[code]), code)
    hidden: dict[str, frozenset] = {}
    before_hidden: dict[str, frozenset] = {}
    if guarded(audience):
        for code in codes:
            if parts[code] and items[code].measure != Measure.RATIO:
                hidden[code] = _hidden_cells(current[code], parts[code])
        for code, splits in before_month.items():
            before_hidden[code] = _hidden_cells(
                before[code], {"month": _filled(splits, before_months, code)}
            )

    def cell(code: str, figure: Figure | None, key: Hashable, which=hidden) -> Shown:
        return shown(items[code], figure, audience=audience, hidden=key in which.get(code, ()))

    groups = []
    for group, members in catalogue.by_group().items():
        lines = []
        for item in members:
            now = cell(item.code, current[item.code], TOTAL)
            was = cell(item.code, before.get(item.code), TOTAL, before_hidden) if compare else None
            lines.append(FigureLine(item, now, was, change(item, now, was)))
        # Indicators a chosen filter cannot narrow come last.
        lines.sort(key=lambda line: line.current.text == str(NOT_APPLICABLE))
        groups.append(GroupBlock(group, str(group.label), lines))

    charts_: list[Chart] = []
    if headline and "month" in parts[headline]:
        values = [cell(headline, f, ("month", m)) for m, f in parts[headline]["month"].items()]
        before_values = before_total = None
        if before_selection is not None:
            filled = _filled(before_month.get(headline, {}), before_months, headline)
            before_values = [
                cell(headline, f, ("month", m), before_hidden) for m, f in filled.items()
            ]
            before_total = cell(headline, before[headline], TOTAL, before_hidden)
        charts_.append(
            _month_chart(
                items[headline], months, values, cell(headline, current[headline], TOTAL),
                before_values, before_total,
            )
        )  # fmt: skip
    if headline and "site" in parts[headline] and len(site_names) > 1:
        charts_.append(
            _bars_chart(
                SITE_CHART,
                _("%(label)s par espace") % {"label": items[headline].label},
                _("Espace"),
                list(site_names.values()),
                [cell(headline, f, ("site", s)) for s, f in parts[headline]["site"].items()],
                cell(headline, current[headline], TOTAL),
            )
        )
    for code in key_codes:
        labels = keys_of[code]
        charts_.append(
            _bars_chart(
                KEY_CHART + code,
                str(items[code].label),
                _("Détail"),
                [str(labels[key]) for key in labels],
                [cell(code, f, ("key", k)) for k, f in parts[code]["key"].items()],
                cell(code, current[code], TOTAL),
            )
        )

    per_site = None
    if site_codes and site_names:
        site_rows: list[list[str | Shown]] = [
            [name, *(cell(code, parts[code]["site"][site], ("site", site)) for code in site_codes)]
            for site, name in site_names.items()
        ]
        per_site = Table(
            title=_("Par espace"),
            header=[_("Espace"), *(str(items[code].label) for code in site_codes)],
            rows=[
                *site_rows,
                [_("Total"), *(cell(code, current[code], TOTAL) for code in site_codes)],
            ],
            caption=_(
                "Une personne venue dans plusieurs espaces compte une fois dans le total : "
                "le total des personnes peut être plus petit que la somme des espaces."
            ),
        )

    return Dashboard(
        title=title,
        audience=audience,
        start=selection.start,
        end=selection.end,
        filters=list(filters_described),
        groups=groups,
        charts=charts_,
        per_site=per_site,
        previous_start=before_selection.start if before_selection else None,
        previous_end=before_selection.end if before_selection else None,
        generated_at=clock.now(),
    )


def _site_names(selection: Selection, by_site: dict) -> dict[int, str]:
    """The sites of the per-site table, by name: those counted, and those chosen or
    covered (one query)."""
    ids: set[int] = set()
    for splits in by_site.values():
        ids.update(split for split in splits if split is not None)
    if selection.site_ids is not None:
        ids.update(selection.site_ids)
    if selection.reach is not None:
        ids.update(
            site
            for site in selection.reach.site_windows
            if selection.site_ids is None or site in selection.site_ids
        )
    if not ids:
        return {}
    rows = (
        Organisation.objects.filter(pk__in=sorted(ids)).order_by("name").values_list("pk", "name")
    )
    return dict(rows)


def _month_chart(item, months, values, total, before_values=None, before_total=None) -> Chart:
    heading = _("%(label)s par mois") % {"label": item.label}
    series = [charts.Series(_("Période choisie"), values)]
    header = [_("Mois"), _("Période choisie")]
    rows: list[list] = [[formats.month(m), value] for m, value in zip(months, values, strict=True)]
    total_row: list = [_("Total de la période"), total]
    if before_values is not None:
        series.append(charts.Series(_("Période précédente"), before_values, charts.PREVIOUS))
        header.append(_("Période précédente (même rang de mois)"))
        for index, row in enumerate(rows):
            row.append(before_values[index] if index < len(before_values) else Shown(NO_DATA, None))
        total_row.append(before_total)
    rows.append(total_row)
    return charts.vertical_bars(
        code=MONTH_CHART,
        title=heading,
        heading_id=heading_id(MONTH_CHART),
        categories=[formats.month(m, short=True) for m in months],
        series=series,
        table=Table(title=heading, header=header, rows=rows),
    )


def _bars_chart(code, heading, column, labels, values, total) -> Chart:
    table = Table(
        title=heading,
        header=[column, _("Chiffre")],
        rows=[[label, value] for label, value in zip(labels, values, strict=True)]
        + [[_("Total"), total]],
    )
    return charts.horizontal_bars(
        code=code,
        title=heading,
        heading_id=heading_id(code),
        labels=labels,
        values=values,
        table=table,
    )


def heading_id(code: str) -> str:
    """The id of the heading above a chart (its ``aria-labelledby``)."""
    return f"heading-{code}"
