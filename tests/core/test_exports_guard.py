"""Every spreadsheet export goes through tisser/core/exports.py: a guard over the package.

A CSV or XLSX writer written anywhere else would skip the formula neutralisation. This test
reads every module of ``tisser`` (exports added by later issues included) and fails on:
``csv.writer`` / ``csv.DictWriter``, an openpyxl ``Workbook``, any use of ``xlsxwriter``,
pandas' ``to_csv`` / ``to_excel``. Reading spreadsheets (imports) stays allowed.
"""

import ast
from pathlib import Path

import pytest

import tisser

PACKAGE = Path(tisser.__file__).parent
HELPER = PACKAGE / "core" / "exports.py"
CSV_WRITERS = {"writer", "DictWriter"}
OPENPYXL_WRITERS = {"Workbook"}
DATAFRAME_WRITERS = {"to_csv", "to_excel"}


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def spreadsheet_writers(source: str) -> list[str]:
    """The spreadsheet-writing constructs of one module, as ``line: what``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        what = ""
        if isinstance(node, ast.Import):
            if any(alias.name.split(".")[0] == "xlsxwriter" for alias in node.names):
                what = "import xlsxwriter"
        elif isinstance(node, ast.ImportFrom):
            module = (node.module or "").split(".")[0]
            names = {alias.name for alias in node.names}
            if module == "xlsxwriter":
                what = "from xlsxwriter import …"
            elif module == "csv" and names & CSV_WRITERS:
                what = f"from csv import {', '.join(sorted(names & CSV_WRITERS))}"
            elif module == "openpyxl" and names & OPENPYXL_WRITERS:
                what = "from openpyxl import Workbook"
        elif isinstance(node, ast.Attribute):
            dotted = _dotted(node)
            csv_writer = dotted in {f"csv.{name}" for name in CSV_WRITERS}
            workbook = dotted.startswith("openpyxl.") and node.attr in OPENPYXL_WRITERS
            if csv_writer or workbook:
                what = dotted
            elif node.attr in DATAFRAME_WRITERS:
                what = f".{node.attr}"
        if what:
            found.append(f"{node.lineno}: {what}")
    return found


def test_no_spreadsheet_writer_outside_the_export_helper():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == HELPER:
            continue
        for finding in spreadsheet_writers(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(PACKAGE.parent)}:{finding}")
    assert offenders == [], (
        "Spreadsheet exports must go through tisser/core/exports.py (csv_response, "
        "xlsx_response), which neutralises formula cells:\n" + "\n".join(offenders)
    )


def test_the_helper_itself_is_found_by_the_guard():
    # The guard is not blind: the helper's own writers are what it looks for.
    found = spreadsheet_writers(HELPER.read_text(encoding="utf-8"))
    assert any("csv.writer" in finding for finding in found)
    assert any("openpyxl import Workbook" in finding for finding in found)


@pytest.mark.parametrize(
    "source",
    [
        "import csv\nw = csv.writer(f)",
        "import csv\nw = csv.DictWriter(f, fieldnames=[])",
        "from csv import writer",
        "from csv import DictWriter as W",
        "import openpyxl\nwb = openpyxl.Workbook()",
        "from openpyxl import Workbook",
        "import xlsxwriter",
        "from xlsxwriter.workbook import Workbook",
        "frame.to_csv('x.csv')",
        "frame.to_excel('x.xlsx')",
    ],
)
def test_guard_catches_every_way_to_write_a_spreadsheet(source):
    assert spreadsheet_writers(source)


@pytest.mark.parametrize(
    "source",
    [
        "import csv\nrows = csv.reader(f)",
        "import csv\nrows = csv.DictReader(f)",
        "from openpyxl import load_workbook",
        "from tisser.core.exports import csv_response",
    ],
)
def test_guard_lets_readers_and_the_helper_through(source):
    assert spreadsheet_writers(source) == []
