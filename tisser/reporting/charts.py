"""Charts drawn on the server as SVG: one engine for the dashboards and the PDF reports
(decision 0055). No JavaScript, no stylesheet, no external resource: every colour, font and
size is an attribute, so WeasyPrint draws the same picture as the browser.

Each chart is accessible: ``role="img"``, a ``<title>``, ``aria-labelledby`` naming the
visible heading of its section (``heading_id``) and its own title; and it comes with its
data as a :class:`~tisser.reporting.dashboard_types.Table`, shown under it for screen
readers and offered as a download. A value hidden by the « moins de 10 » rule draws no
bar (a bar's length would tell the value) and reads « moins de 10 » in the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tisser.reporting.dashboard_types import Chart, Shown, Table
from tisser.reporting.formats import number

# Dark enough on white for text and bars (contrast above 4.5:1), and told apart by the
# legend and the table, never by colour alone.
INK = "#1a1a1a"
CURRENT = "#1d4f91"
PREVIOUS = "#6b6b6b"
GRID = "#d0d0d0"
FONT = "Arial, Helvetica, sans-serif"
WIDTH = 640
LABEL_CHARS = 28


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Shown]  # one per category; a hidden or empty one draws no bar
    colour: str = CURRENT


def _value(shown: Shown) -> float:
    if shown.hidden or shown.value is None:
        return 0.0
    return float(shown.value)


def nice_ceiling(top: float) -> float:
    """The top of the scale: 1, 2, 2.5 or 5 times a power of ten, at least ``top``."""
    if top <= 0:
        return 1.0
    power = 1.0
    while power * 10 <= top:
        power *= 10
    while power > top:
        power /= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= top:
            return step * power
    return 10 * power  # pragma: no cover


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _open(code: str, title: str, heading_id: str, height: int) -> list[str]:
    title_id = f"chart-{code}-title"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-labelledby="{escape(heading_id)} {escape(title_id)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'font-family="{FONT}" font-size="12" focusable="false">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
    ]


def _text(x, y, content, *, anchor="start", size=12, fill=INK, extra="") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'fill="{fill}"{extra}>{escape(content)}</text>'
    )


def vertical_bars(
    *,
    code: str,
    title: str,
    heading_id: str,
    categories: Sequence[str],
    series: Sequence[Series],
    table: Table,
) -> Chart:
    """Bars standing per category (months), one bar per series side by side."""
    height, top_pad, bottom_pad, left_pad = 260, 16, 56, 56
    plot_h = height - top_pad - bottom_pad
    plot_w = WIDTH - left_pad - 8
    top = nice_ceiling(max((_value(v) for s in series for v in s.values), default=0))
    parts = _open(code, title, heading_id, height)
    for step in range(5):
        value = top * step / 4
        y = top_pad + plot_h - plot_h * step / 4
        parts.append(
            f'<line x1="{left_pad}" y1="{y:.1f}" x2="{WIDTH - 8}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        places = 0 if value == int(value) else 1
        parts.append(_text(left_pad - 6, y + 4, number(Decimal(str(value)), places), anchor="end"))
    count = max(len(categories), 1)
    slot = plot_w / count
    bar_w = max(min(slot * 0.8 / max(len(series), 1), 40), 2)
    for index, label in enumerate(categories):
        x0 = left_pad + slot * index + (slot - bar_w * len(series)) / 2
        for number_, one in enumerate(series):
            shown = one.values[index] if index < len(one.values) else None
            if shown is None:
                continue
            x = x0 + bar_w * number_
            bar_h = plot_h * _value(shown) / top
            if bar_h > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{top_pad + plot_h - bar_h:.1f}" width="{bar_w:.1f}" '
                    f'height="{bar_h:.1f}" fill="{one.colour}"/>'
                )
            elif shown.hidden:
                # No bar: its length would tell the value. A mark says a figure is hidden.
                parts.append(
                    _text(x + bar_w / 2, top_pad + plot_h - 4, "<10", anchor="middle", size=9)
                )
        if count <= 12 or index % max(count // 12, 1) == 0:
            parts.append(
                _text(left_pad + slot * (index + 0.5), top_pad + plot_h + 16, label,
                      anchor="middle", size=11)
            )  # fmt: skip
    legend_y = height - 14
    x = left_pad
    if len(series) > 1:
        for one in series:
            parts.append(
                f'<rect width="12" height="12" x="{x}" y="{legend_y - 10}" fill="{one.colour}"/>'
            )
            parts.append(_text(x + 18, legend_y, one.name, size=11))
            x += 24 + 7 * len(one.name)
    parts.append("</svg>")
    return Chart(code=code, title=title, svg=_safe(parts), table=table)


def horizontal_bars(
    *,
    code: str,
    title: str,
    heading_id: str,
    labels: Sequence[str],
    values: Sequence[Shown],
    table: Table,
) -> Chart:
    """One bar lying per label (sites, offer families…), its value written after it."""
    row_h, top_pad, label_w = 26, 8, 210
    height = top_pad * 2 + row_h * max(len(labels), 1)
    plot_w = WIDTH - label_w - 90
    top = nice_ceiling(max((_value(v) for v in values), default=0))
    parts = _open(code, title, heading_id, height)
    for index, (label, shown) in enumerate(zip(labels, values, strict=True)):
        y = top_pad + row_h * index
        parts.append(_text(label_w - 8, y + 17, _short(label), anchor="end"))
        bar_w = plot_w * _value(shown) / top
        if bar_w > 0:
            parts.append(
                f'<rect x="{label_w}" y="{y + 5}" width="{bar_w:.1f}" height="16" '
                f'fill="{CURRENT}"/>'
            )
        parts.append(_text(label_w + bar_w + 6, y + 17, shown.text))
    parts.append("</svg>")
    return Chart(code=code, title=title, svg=_safe(parts), table=table)


def _safe(parts: list[str]) -> SafeString:
    return mark_safe("".join(parts))  # noqa: S308  # every text above is escaped
