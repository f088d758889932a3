"""Reading an uploaded table (CSV or XLSX): its kind, encoding, delimiter and columns.

Shared by every import (referral lists, stock receipts). The kind is told from the bytes (an
``.xlsx`` renamed ``.csv`` is still read as a spreadsheet); an unreadable file raises
:class:`ImportFileError` with a French message. Each import declares its own columns: the
canonical names, the other headers people write for them (``header_key`` form) and the
required ones, and ``columns`` maps a header row onto them.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from tisser.core.errors import DomainError

MAX_FILE_BYTES = 5 * 1024 * 1024


class ImportFileError(DomainError):
    """The file as a whole cannot be read; nothing was imported."""


def header_key(text: str) -> str:
    """ "Année de naissance" -> "annee_de_naissance" (accents, case and punctuation dropped)."""
    decomposed = unicodedata.normalize("NFKD", str(text or "").strip().lower())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


def _sniff_kind(content: bytes) -> str:
    """ "xlsx" or "csv" from the bytes themselves; any other file is refused in French."""
    if not content.strip():
        raise ImportFileError(_("Le fichier est vide."))
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile as exc:
            raise ImportFileError(
                _("Ce fichier .xlsx est abîmé : il ne peut pas être lu.")
            ) from exc
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names:
            raise ImportFileError(
                _(
                    "Les fichiers LibreOffice (.ods) ne sont pas acceptés : enregistrez la liste "
                    "au format .xlsx ou .csv."
                )
            )
        raise ImportFileError(_("Ce fichier n'est ni un fichier CSV ni un tableur Excel (.xlsx)."))
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _(
                "Les anciens fichiers Excel (.xls) ne sont pas acceptés : enregistrez la liste "
                "au format .xlsx ou .csv."
            )
        )
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"
    if b"\x00" in content[:65536] or content.startswith(b"%PDF"):
        raise ImportFileError(_("Ce fichier n'est ni un fichier CSV ni un tableur Excel (.xlsx)."))
    return "csv"


def decode_text(content: bytes) -> tuple[str, str]:
    """The text and a French name of its encoding: UTF-8 (with or without BOM), else Latin-1."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise ImportFileError(_("L'encodage de ce fichier n'a pas pu être lu.")) from exc
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:
        return text, "UTF-8 avec BOM" if content.startswith(codecs.BOM_UTF8) else "UTF-8"
    try:
        return content.decode("cp1252"), "Windows-1252 (Latin-1)"
    except UnicodeDecodeError:
        return content.decode("latin-1"), "ISO-8859-1 (Latin-1)"


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    controls = sum(1 for char in sample if ord(char) < 32 and char not in "\t\r\n")
    return bool(sample) and controls > len(sample) / 100


def _delimiter(text: str) -> str:
    """Semicolon (French Excel), comma or tab: csv.Sniffer on the first lines, checked
    against the header line (the sniffer alone can be misled by commas inside values)."""
    lines = [line for line in text.splitlines() if line.strip()]
    header = lines[0] if lines else ""
    try:
        sniffed = csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=";,\t").delimiter
    except csv.Error:
        sniffed = ""
    counts = {candidate: header.count(candidate) for candidate in ";,\t"}
    if sniffed and counts.get(sniffed):
        return sniffed
    best = max(counts, key=lambda candidate: counts[candidate])
    return best if counts[best] else ","


def _csv_records(content: bytes) -> tuple[Iterator[list[Any]], str, str]:
    text, encoding = decode_text(content)
    if _looks_binary(text):
        raise ImportFileError(_("Ce fichier n'est ni un fichier CSV ni un tableur Excel (.xlsx)."))
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def records():
        try:
            yield from reader
        except csv.Error as exc:
            raise ImportFileError(
                _(
                    "Le fichier CSV est mal formé près de la ligne %(line)s : vérifiez les "
                    "guillemets autour des valeurs."
                )
                % {"line": reader.line_num}
            ) from exc

    return records(), encoding, delimiter


def _xlsx_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.date | str):
        return value
    return str(value)


def _xlsx_records(content: bytes) -> Iterator[list[Any]]:
    from xml.etree.ElementTree import ParseError

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = (
        InvalidFileException,
        zipfile.BadZipFile,
        ParseError,
        KeyError,
        ValueError,
        IndexError,
        TypeError,
        OSError,
    )
    broken = _("Ce fichier .xlsx est abîmé : il ne peut pas être lu.")
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except unreadable as exc:
        raise ImportFileError(broken) from exc

    def records():
        try:
            for row in sheet.iter_rows(values_only=True):
                yield [_xlsx_value(value) for value in row]
        except unreadable as exc:
            raise ImportFileError(broken) from exc
        finally:
            workbook.close()

    return records()


def columns(
    header: list[Any],
    *,
    aliases: Mapping[str, str],
    required: Sequence[tuple[str, ...]],
    expected: Sequence[str],
) -> tuple[dict[str, int], list[str]]:
    """Map canonical column names to positions; refuse missing or repeated columns.

    ``aliases`` maps a header (``header_key`` form) to its canonical name; ``required`` lists
    groups of which one column must be present; ``expected`` is named in the message.
    """
    positions: dict[str, int] = {}
    ignored = []
    for index, raw in enumerate(header):
        label = str(raw or "").strip()
        if not label:
            continue
        canonical = aliases.get(header_key(label))
        if canonical is None:
            ignored.append(label)
            continue
        if canonical in positions:
            raise ImportFileError(
                _("La colonne « %(column)s » apparaît deux fois : gardez-en une seule.")
                % {"column": canonical}
            )
        positions[canonical] = index
    missing = [
        " ou ".join(group) for group in required if not any(column in positions for column in group)
    ]
    if missing:
        raise ImportFileError(
            _(
                "Il manque des colonnes : %(missing)s. La première ligne du fichier doit "
                "nommer les colonnes : %(expected)s."
            )
            % {"missing": ", ".join(missing), "expected": ", ".join(expected)}
        )
    return positions, ignored


@dataclass
class Records:
    kind: str  # "csv" or "xlsx"
    records: Iterable[list[Any]]
    encoding: str = ""
    delimiter: str = ""


def open_records(content: bytes) -> Records:
    """The file's lines as lists of cells (lazily), once its size and kind are accepted."""
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(
            _("Le fichier dépasse 5 Mo : découpez la liste en plusieurs fichiers.")
        )
    kind = _sniff_kind(content)
    if kind == "xlsx":
        return Records(kind=kind, records=_xlsx_records(content))
    records, encoding, delimiter = _csv_records(content)
    return Records(kind=kind, records=records, encoding=encoding, delimiter=delimiter)
