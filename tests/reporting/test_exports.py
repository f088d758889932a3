"""The dashboard as XLSX and CSV: one sheet per group, the charts' and per-site tables,
the definitions, the filters and time of export on top, formulas neutralised, and
« moins de 10 » written as text (never a number to recompute from)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.reporting import hand_built
from tisser.accounts.enums import Role
from tisser.core import exports as core_exports
from tisser.reporting import export_views, exports
from tisser.reporting.dashboard_types import Audience

EXPORTED_AT = datetime.datetime(2026, 7, 2, 9, 15, tzinfo=datetime.UTC)


def _workbook(dashboard):
    return load_workbook(io.BytesIO(exports.xlsx_bytes(dashboard, exported_at=EXPORTED_AT)))


def _values(sheet):
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def _table(sheet, first_header):
    """The rows from the header (the first row after the preamble's blank line) down."""
    rows = _values(sheet)
    start = next(index for index, row in enumerate(rows) if not any(row)) + 1
    assert rows[start][0] == first_header
    return rows[start:]


def test_one_sheet_per_group_then_charts_sites_and_definitions():
    book = _workbook(hand_built.dashboard())
    assert book.sheetnames == [
        "Accueil et accompagnement",
        "Modules et formations",
        "Personnes par mois",
        "Par espace",
        "Définitions",
    ]


def test_each_sheet_starts_with_the_filters_and_the_time_of_export():
    book = _workbook(hand_built.dashboard())
    for sheet in book.worksheets:
        rows = _values(sheet)
        assert rows[0][0] == "Chiffres de la Fondation Lumière"
        labels = {row[0]: row[1] for row in rows[:9] if row and row[0]}
        assert labels["Période"] == "du 01/01/2026 au 30/06/2026"
        assert labels["Comparée à"] == "du 01/07/2025 au 31/12/2025"
        assert labels["Programme"] == "Pass numérique"
        # Paris time: 11:15 in summer.
        assert labels["Exporté le"] == datetime.datetime(2026, 7, 2, 11, 15)
        assert "moins de 10" in labels["Règle"]


def test_staff_exports_carry_no_small_counts_rule():
    book = _workbook(hand_built.dashboard(audience=Audience.STAFF))
    labels = [row[0] for row in _values(book.worksheets[0])[:9]]
    assert "Règle" not in labels


def test_group_sheet_has_figures_typed_and_hidden_ones_as_text():
    rows = _table(_workbook(hand_built.dashboard())["Accueil et accompagnement"], "Code")
    assert rows[0] == ["Code", "Indicateur", "Valeur", "Unité", "Période précédente", "Évolution"]
    assert rows[1] == ["people_helped", "Personnes accompagnées", 1250, "personnes", 1000, "'+25 %"]
    assert rows[2][:3] == ["new_people", "Nouvelles personnes", "moins de 10"]


def test_a_rate_is_a_percentage_and_an_empty_previous_value_a_dash():
    rows = _table(_workbook(hand_built.dashboard())["Modules et formations"], "Code")
    assert rows[1][2] == 93.5
    assert rows[1][3] == "%"
    assert rows[1][4] == "—"


def test_without_comparison_there_is_no_previous_column():
    dashboard = hand_built.dashboard(compare=False)
    for block in dashboard.groups:
        for line in block.lines:
            line.previous = None
    rows = _table(_workbook(dashboard)["Accueil et accompagnement"], "Code")
    assert rows[0] == ["Code", "Indicateur", "Valeur", "Unité"]


def test_chart_and_per_site_tables_keep_moins_de_10_as_text():
    book = _workbook(hand_built.dashboard())
    chart = _table(book["Personnes par mois"], "Mois")
    assert chart[1:] == [["janvier 2026", 1250], ["février 2026", "moins de 10"]]
    sites = _table(book["Par espace"], "Espace")
    assert sites[2][1] == "moins de 10"
    # Nothing on the sheet lets the hidden site's figure be recomputed: no total.
    assert [row[0] for row in sites[1:]] == ["Espace Nord", "'" + hand_built.FORMULA]


def test_formula_text_is_neutralised_everywhere():
    book = _workbook(hand_built.dashboard())
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith("="), cell.value
    labels = {row[0]: row[1] for row in _values(book.worksheets[0])[:9] if row and row[0]}
    assert labels["Espace"] == "'" + hand_built.FORMULA


def test_definitions_list_each_indicator_shown_once():
    rows = _table(_workbook(hand_built.dashboard())["Définitions"], "Code")
    assert [row[0] for row in rows[1:]] == ["people_helped", "new_people", "satisfaction_rate"]
    assert rows[1][3] == hand_built.HELPED.definition
    assert rows[1][5] == hand_built.HELPED.sources


def test_workbook_names_are_valid_and_unique():
    sheets = [
        core_exports.Sheet(title="Offres / dons : 2026", header=["a"], rows=[[1]]),
        core_exports.Sheet(title="offres   dons   2026", header=["a"], rows=[["=1+1"]]),
    ]
    book = load_workbook(io.BytesIO(core_exports.workbook_bytes(sheets)))
    assert book.sheetnames == ["Offres   dons   2026", "offres   dons   2026 (2)"]
    assert book.worksheets[1]["A2"].value == "'=1+1"


def _csv(dashboard):
    response = exports.csv_file_response(dashboard)
    return b"".join(response.streaming_content).decode("utf-8-sig").splitlines()


def test_csv_is_one_flat_file_of_figures(fake_clock):
    fake_clock.set(EXPORTED_AT)
    lines = _csv(hand_built.dashboard())
    assert lines[0] == "Chiffres de la Fondation Lumière"
    assert "Exporté le;02/07/2026 11:15" in lines
    assert 'Espace;"\'=HYPERLINK(""http://example.com"",""x"")"' in lines
    start = lines.index(
        "Groupe;Code de l'indicateur;Indicateur;Valeur;Unité;Valeur de la période précédente"
    )
    assert lines[start + 1 :] == [
        "Accueil et accompagnement;people_helped;Personnes accompagnées;1250;personnes;1000",
        "Accueil et accompagnement;new_people;Nouvelles personnes;moins de 10;personnes;12",
        "Modules et formations;satisfaction_rate;Taux de satisfaction;93,5;%;—",
    ]


def test_a_hidden_figure_never_leaks_its_value():
    dashboard = hand_built.dashboard()
    # A hidden figure carries no value; even if one slipped in, the export writes the text.
    line = dashboard.groups[0].lines[1]
    line.current = type(line.current)(text="moins de 10", value=7, hidden=True)
    rows = _table(_workbook(dashboard)["Accueil et accompagnement"], "Code")
    assert rows[2][2] == "moins de 10"
    assert not any(str(value) == "7" for value in rows[2])


# --- the views -------------------------------------------------------------------------------


@pytest.fixture
def built(monkeypatch):
    """The dashboard the views render (DASH's build is wired at merge)."""
    seen = {}

    def fake(membership, query):
        seen["membership"], seen["query"] = membership, query
        return hand_built.dashboard(audience=export_views.audience_of(membership))

    monkeypatch.setattr(export_views, "dashboard_from", fake)
    return seen


def test_a_funder_downloads_the_xlsx_of_their_filters(built, funder, member_factory, login):
    member = member_factory(funder, Role.FUNDER_VIEWER)
    response = login(member).get(reverse("reporting:export_xlsx") + "?du=2026-01-01&site=3")
    assert response.status_code == 200
    assert response["Content-Type"] == core_exports.XLSX_CONTENT_TYPE
    assert 'filename="chiffres-2026-01-01-2026-06-30.xlsx"' in response["Content-Disposition"]
    assert built["query"]["du"] == "2026-01-01"
    assert export_views.audience_of(built["membership"]) == Audience.FUNDER
    book = load_workbook(io.BytesIO(response.content))
    assert "Définitions" in book.sheetnames


def test_staff_read_exact_figures(built, network_admin, login):
    response = login(network_admin).get(reverse("reporting:export_csv"))
    assert response.status_code == 200
    assert export_views.audience_of(built["membership"]) == Audience.STAFF


def test_a_mediator_takes_away_the_figures_of_their_site_dashboard(
    built, site, member_factory, login
):
    response = login(member_factory(site, Role.MEDIATOR)).get(reverse("reporting:export_csv"))
    assert response.status_code == 200
    assert export_views.default_kind(built["membership"]) == "site"
    assert export_views.audience_of(built["membership"]) == Audience.STAFF


def test_a_volunteer_cannot_export(built, site, member_factory, login):
    client = login(member_factory(site, Role.VOLUNTEER))
    assert client.get(reverse("reporting:export_xlsx")).status_code == 403
    assert client.get(reverse("reporting:export_csv")).status_code == 403
    assert built == {}


def test_decimal_values_stay_numbers():
    assert exports.shown_cell(hand_built.dashboard().groups[0].lines[0].current) == 1250
    assert exports.shown_cell(
        hand_built.dashboard().groups[1].lines[0].current, hand_built.SATISFACTION
    ) == Decimal("93.5")
