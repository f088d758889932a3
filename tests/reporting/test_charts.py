"""The SVG charts: accessible, self-contained (the PDF draws the same), and no bar for a
hidden value."""

import re
from decimal import Decimal

from tisser.reporting import charts
from tisser.reporting.charts import Series, horizontal_bars, nice_ceiling, vertical_bars
from tisser.reporting.dashboard_types import Shown, Table


def _shown(value):
    return Shown(str(value), value)


HIDDEN = Shown("moins de 10", None, hidden=True)
TABLE = Table(title="t", header=["a", "b"], rows=[])


def test_vertical_bars_are_an_image_named_by_the_heading_and_their_title():
    chart = vertical_bars(
        code="mois",
        title="Personnes accompagnées par mois",
        heading_id="heading-mois",
        categories=["janv. 2026", "févr. 2026"],
        series=[Series("Période choisie", [_shown(12), _shown(30)])],
        table=TABLE,
    )
    svg = str(chart.svg)
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-labelledby="heading-mois chart-mois-title"' in svg
    assert '<title id="chart-mois-title">Personnes accompagnées par mois</title>' in svg
    assert svg.count("<rect") == 2
    assert chart.code == "mois" and chart.table is TABLE


def test_the_svg_needs_nothing_outside_itself():
    chart = vertical_bars(
        code="mois", title="T", heading_id="h", categories=["a"],
        series=[Series("x", [_shown(5)])], table=TABLE,
    )  # fmt: skip
    svg = str(chart.svg)
    assert "var(" not in svg and "<script" not in svg and 'class="chart"' in svg
    assert re.findall(r"https?://[^\"]+", svg) == ["http://www.w3.org/2000/svg"]
    assert 'fill="#' in svg and "font-family=" in svg


def test_a_hidden_value_draws_no_bar_and_the_previous_period_has_a_legend():
    chart = vertical_bars(
        code="mois",
        title="T",
        heading_id="h",
        categories=["mars", "avril"],
        series=[
            Series("Période choisie", [_shown(40), HIDDEN]),
            Series("Période précédente", [_shown(20), _shown(10)], charts.PREVIOUS),
        ],
        table=TABLE,
    )
    svg = str(chart.svg)
    bars = re.findall(r'<rect x="[^"]+" y="[^"]+" width="[^"]+" height="[^"]+" fill="([^"]+)"', svg)
    assert bars == [charts.CURRENT, charts.PREVIOUS, charts.PREVIOUS]
    assert "&lt;10" in svg
    assert "Période précédente" in svg and "Période choisie" in svg


def test_horizontal_bars_write_each_value_in_french_and_escape_labels():
    chart = horizontal_bars(
        code="espaces",
        title="Par espace",
        heading_id="heading-espaces",
        labels=["Espace <Nord>", "Espace Sud"],
        values=[Shown("12 345", 12345), HIDDEN],
        table=TABLE,
    )
    svg = str(chart.svg)
    assert "Espace &lt;Nord&gt;" in svg and "<Nord>" not in svg
    assert "12 345" in svg and "moins de 10" in svg
    assert svg.count("<rect") == 1  # the hidden value has no bar


def test_the_scale_ends_on_a_round_number():
    assert nice_ceiling(0) == 1
    assert nice_ceiling(7) == 10
    assert nice_ceiling(12) == 20
    assert nice_ceiling(230) == 250
    assert nice_ceiling(37000) == 50000
    assert nice_ceiling(float(Decimal("0.93"))) == 1


def test_the_axis_numbers_are_french():
    chart = vertical_bars(
        code="m", title="T", heading_id="h", categories=["a"],
        series=[Series("x", [_shown(37000)])], table=TABLE,
    )  # fmt: skip
    assert "50\u202f000" in str(chart.svg)
