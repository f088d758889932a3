"""Every spreadsheet export (CSV, XLSX) goes through this module.

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run
as a formula by spreadsheet programs: an imported name such as ``=HYPERLINK("http://…")``
would become a live link, or worse. Every cell passes through :func:`spreadsheet_value`,
which prefixes such text with an apostrophe (the spreadsheet convention for "this is text")
and leaves real numbers, dates and booleans typed. A guard test
(``tests/core/test_exports_guard.py``) fails if a CSV or XLSX writer appears anywhere else
in the ``tisser`` package.

CSV is written for French Excel: ``;`` between cells, a UTF-8 byte order mark, decimal
commas, dates as ``31/12/2025``. XLSX cells keep their types with French number formats.
A file read by another program under a published standard (the national places standard,
issue 16) uses :data:`STANDARD_CSV` instead: ``,`` between cells, no byte order mark,
decimal points and ISO dates — its text cells are neutralised all the same.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Text that is only a number ("-12", "+3,5"): a spreadsheet reads it as that number and
# nothing else, so it needs no apostrophe.
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
CSV_DELIMITER = ";"
UTF8_BOM = "\ufeff"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_DATE_FORMAT = "DD/MM/YYYY"
XLSX_DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
XLSX_SHEET_TITLE_MAX = 31

Cell = str | int | float | Decimal | bool | datetime.date | datetime.datetime | None


# A lone dash ("unknown" in the national exports) is shown as it is and runs nothing.
PLAIN_DASH = "-"


def neutralise_text(text: str) -> str:
    """``text`` as a spreadsheet shows it and never runs it."""
    if text == PLAIN_DASH:
        return text
    if text.startswith(FORMULA_TRIGGERS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def spreadsheet_value(value: Cell) -> Cell:
    """One cell, typed for a spreadsheet: numbers, dates and booleans as they are (a naive
    local time for a datetime), ``None`` as an empty cell, anything else as neutralised text."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal | datetime.date):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return timezone.make_naive(value)
        return value
    return neutralise_text(str(value))


@dataclass(frozen=True)
class CsvDialect:
    """How a CSV file is written: the cell separator, whether it starts with a byte order
    mark, and whether numbers, dates and booleans are written the French way."""

    delimiter: str = CSV_DELIMITER
    byte_order_mark: bool = True
    french: bool = True


FRENCH_CSV = CsvDialect()
# Data standards (Table Schema, frictionless): comma, plain UTF-8, 12.5, 2025-12-31, true.
STANDARD_CSV = CsvDialect(delimiter=",", byte_order_mark=False, french=False)


def _standard_text(value: Cell) -> str:
    """One cell as a data standard reads it (Table Schema's default formats)."""
    value = spreadsheet_value(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _csv_text(value: Cell) -> str:
    """One cell as the text a French spreadsheet expects in a CSV file."""
    value = spreadsheet_value(value)
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float | Decimal):
        return str(value).replace(".", ",")
    return str(value)


class _Line:
    """A file-like object that hands back what ``csv.writer`` writes (one line at a time)."""

    def write(self, text: str) -> str:
        return text


def csv_lines(
    header: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    preamble: Sequence[Sequence[Cell]] = (),
    dialect: CsvDialect = FRENCH_CSV,
) -> Iterator[str]:
    """The lines of a CSV file: byte order mark, optional preamble lines (who exported,
    when, which filters), header, then one line per row."""
    writer = csv.writer(_Line(), delimiter=dialect.delimiter, lineterminator="\r\n")
    text = _csv_text if dialect.french else _standard_text
    first = dialect.byte_order_mark
    for line in preamble:
        yield (UTF8_BOM if first else "") + writer.writerow([text(cell) for cell in line])
        first = False
    yield (UTF8_BOM if first else "") + writer.writerow([text(cell) for cell in header])
    for row in rows:
        yield writer.writerow([text(cell) for cell in row])


def csv_text(
    header: Sequence[str], rows: Iterable[Sequence[Cell]], *, dialect: CsvDialect = FRENCH_CSV
) -> str:
    return "".join(csv_lines(header, rows, dialect=dialect))


def _attachment(response, filename: str):
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def csv_response(
    *,
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    preamble: Sequence[Sequence[Cell]] = (),
    dialect: CsvDialect = FRENCH_CSV,
) -> StreamingHttpResponse:
    """A CSV download streamed row by row: a long list never sits whole in memory.

    ``rows`` is consumed lazily; pass ``queryset.iterator()`` (or a generator) for long lists.
    """
    lines = (
        line.encode("utf-8") for line in csv_lines(header, rows, preamble=preamble, dialect=dialect)
    )
    return _attachment(StreamingHttpResponse(lines, content_type=CSV_CONTENT_TYPE), filename)


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: ``preamble`` rows above the table (the first cell of each in
    bold: who exported, when, which filters), then the header and the rows."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Cell]]
    preamble: Sequence[Sequence[Cell]] = ()
    wrap_text: bool = False
    autofilter: bool = False


def workbook_bytes(sheets: Iterable[Sheet]) -> bytes:
    """An XLSX workbook of several sheets, written in openpyxl's streaming (write-only) mode.

    Every cell goes through :func:`spreadsheet_value`, as in a one-sheet export. Sheet names
    are made valid for Excel and unique (« Accueil », « Accueil (2) »).
    """
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    for sheet in sheets:
        _write_sheet(workbook, sheet, _unique_title(sheet.title, taken))
    if not taken:
        _write_sheet(workbook, Sheet(title="Feuille", header=[], rows=[]), "Feuille")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_sheet(workbook, source: Sheet, title: str) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wrapped = Alignment(wrap_text=True, vertical="top") if source.wrap_text else None
    sheet = workbook.create_sheet(title=title)

    def cell(value: Cell, *, bold: bool = False) -> WriteOnlyCell:
        value = spreadsheet_value(value)
        written = WriteOnlyCell(sheet, value=value)
        # openpyxl turns a string starting with "=" into a formula; neutralised text never
        # does, and this keeps it a string whatever openpyxl guesses.
        if isinstance(value, str):
            written.data_type = "s"
        elif isinstance(value, datetime.datetime):
            written.number_format = XLSX_DATETIME_FORMAT
        elif isinstance(value, datetime.date):
            written.number_format = XLSX_DATE_FORMAT
        if bold:
            written.font = Font(bold=True)
        if wrapped is not None:
            written.alignment = wrapped
        return written

    for line in source.preamble:
        sheet.append([cell(value, bold=index == 0) for index, value in enumerate(line)])
    sheet.append([cell(title, bold=True) for title in source.header])
    written_rows = 0
    for row in source.rows:
        sheet.append([cell(value) for value in row])
        written_rows += 1
    if source.autofilter and source.header:
        # The sheet's tail (filter included) is written when the workbook is saved.
        first = len(source.preamble) + 1
        last = first + written_rows
        sheet.auto_filter.ref = f"A{first}:{get_column_letter(len(source.header))}{last}"


def _unique_title(title: str, taken: set[str]) -> str:
    """A valid sheet name not yet in ``taken`` (Excel compares names without case)."""
    base = _sheet_title(str(title))
    candidate, number = base, 1
    while candidate.lower() in taken:
        number += 1
        suffix = f" ({number})"
        candidate = base[: XLSX_SHEET_TITLE_MAX - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


def xlsx_bytes(
    *,
    sheet_title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    preamble: Sequence[Sequence[Cell]] = (),
    wrap_text: bool = False,
    autofilter: bool = False,
) -> bytes:
    """An XLSX workbook of one sheet (see :func:`workbook_bytes`).

    ``preamble`` rows come above the table (the first cell of each in bold);
    ``wrap_text`` shows line breaks inside cells and aligns rows to the top;
    ``autofilter`` puts a filter button on each header cell.
    """
    return workbook_bytes(
        [
            Sheet(
                title=sheet_title,
                header=header,
                rows=rows,
                preamble=preamble,
                wrap_text=wrap_text,
                autofilter=autofilter,
            )
        ]
    )


def xlsx_response(
    *,
    filename: str,
    sheet_title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    **layout,
) -> HttpResponse:
    """``layout``: the optional ``preamble``, ``wrap_text`` and ``autofilter`` of xlsx_bytes."""
    content = xlsx_bytes(sheet_title=sheet_title, header=header, rows=rows, **layout)
    return _attachment(HttpResponse(content, content_type=XLSX_CONTENT_TYPE), filename)


def workbook_response(*, filename: str, sheets: Iterable[Sheet]) -> HttpResponse:
    """A workbook of several sheets to download (see :func:`workbook_bytes`)."""
    content = workbook_bytes(sheets)
    return _attachment(HttpResponse(content, content_type=XLSX_CONTENT_TYPE), filename)


def _sheet_title(title: str) -> str:
    """Excel refuses ``[]:*?/\\`` and more than 31 characters in a sheet's name."""
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", title).strip() or "Feuille"
    return cleaned[:XLSX_SHEET_TITLE_MAX]
