"""The columns of a stock file, and each row checked into receipt fields or French problems."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from tisser.core.tabular import ImportFileError, columns, open_records
from tisser.offers.enums import Grade, OperatingSystem, StorageKind, Tracking
from tisser.offers.receipts import DeviceIn, VoucherIn, device_problems, voucher_problems
from tisser.offers.validators import normalize_imei, normalize_serial
from tisser.offers.vouchers import code_fingerprint, normalize_code

MAX_ROWS = 20_000
DATE_FR = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")

DEVICE_COLUMNS = (
    "numero_serie",
    "imei",
    "marque",
    "modele",
    "grade",
    "processeur",
    "memoire_go",
    "stockage_go",
    "type_stockage",
    "systeme",
    "version_systeme",
    "notes",
)
VOUCHER_COLUMNS = ("code", "numero_serie", "date_expiration")
COLUMNS = {Tracking.DEVICE: DEVICE_COLUMNS, Tracking.VOUCHER: VOUCHER_COLUMNS}
REQUIRED = {
    Tracking.DEVICE: (("numero_serie", "imei"),),
    Tracking.VOUCHER: (("code",),),
}
ALIASES = {
    Tracking.DEVICE: {
        "numero_serie": "numero_serie",
        "numero_de_serie": "numero_serie",
        "n_serie": "numero_serie",
        "no_serie": "numero_serie",
        "serie": "numero_serie",
        "serial": "numero_serie",
        "serial_number": "numero_serie",
        "sn": "numero_serie",
        "imei": "imei",
        "marque": "marque",
        "brand": "marque",
        "fabricant": "marque",
        "modele": "modele",
        "model": "modele",
        "grade": "grade",
        "categorie": "grade",
        "processeur": "processeur",
        "cpu": "processeur",
        "memoire_go": "memoire_go",
        "memoire": "memoire_go",
        "ram": "memoire_go",
        "ram_go": "memoire_go",
        "stockage_go": "stockage_go",
        "stockage": "stockage_go",
        "disque": "stockage_go",
        "type_stockage": "type_stockage",
        "type_de_stockage": "type_stockage",
        "systeme": "systeme",
        "os": "systeme",
        "systeme_d_exploitation": "systeme",
        "version_systeme": "version_systeme",
        "version_os": "version_systeme",
        "notes": "notes",
        "remarques": "notes",
    },
    Tracking.VOUCHER: {
        "code": "code",
        "code_recharge": "code",
        "code_de_recharge": "code",
        "pin": "code",
        "numero_serie": "numero_serie",
        "numero_de_serie": "numero_serie",
        "serie": "numero_serie",
        "serial": "numero_serie",
        "date_expiration": "date_expiration",
        "date_d_expiration": "date_expiration",
        "expiration": "date_expiration",
        "expire_le": "date_expiration",
    },
}
# One example row of each template (a valid IMEI, a grade, a far expiry).
TEMPLATE_EXAMPLES = {
    Tracking.DEVICE: (
        "PF1ABC23",
        "",
        "Lenovo",
        "ThinkPad T480",
        "B",
        "Intel Core i5-8350U",
        "8",
        "256",
        "SSD",
        "Linux",
        "Ubuntu 24.04",
        "",
    ),
    Tracking.VOUCHER: ("123456789012", "LOT-A-0001", "31/12/2027"),
}


@dataclass
class ParsedRow:
    number: int  # as seen in the spreadsheet (the header is row 1)
    data: dict[str, Any]
    key: str = ""  # what identifies the item in stock (serial, IMEI or code fingerprint)
    problems: list[tuple[str, str]] = field(default_factory=list)
    duplicate_of: int | None = None


@dataclass
class ParsedFile:
    kind: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""
    ignored_columns: list[str] = field(default_factory=list)
    rows: list[ParsedRow] = field(default_factory=list)


def _text(value: Any) -> str:
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value or "").split())


def parse_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    for pattern, order in ((DATE_FR, (3, 2, 1)), (DATE_ISO, (1, 2, 3))):
        match = pattern.match(text)
        if match:
            try:
                return datetime.date(*(int(match[i]) for i in order))
            except ValueError:
                return None
    return None


def _number(value: str, column: str, maximum: int, problems: list) -> int | None:
    if not value:
        return None
    cleaned = value.lower().replace("go", "").replace("gb", "").strip()
    if not cleaned.isdigit() or not 0 < int(cleaned) <= maximum:
        problems.append(
            (
                column,
                _("Écrivez un nombre entier de Go, par exemple 8 (%(value)s).")
                % {"value": value[:20]},
            )
        )
        return None
    return int(cleaned)


def _choice(value: str, choices, column: str, problems: list) -> str:
    if not value:
        return ""
    by_key = {str(code).lower(): code for code, _label in choices}
    by_key.update({str(label).lower(): code for code, label in choices})
    found = by_key.get(value.lower())
    if found is None:
        problems.append(
            (
                column,
                _("Valeur inconnue « %(value)s » : écrivez l'une de %(allowed)s.")
                % {"value": value[:30], "allowed": ", ".join(code for code, _label in choices)},
            )
        )
        return ""
    return str(found)


def device_row(cells: dict[str, Any], number: int) -> tuple[DeviceIn, list[tuple[str, str]]]:
    problems: list[tuple[str, str]] = []
    text = {name: _text(cells.get(name)) for name in DEVICE_COLUMNS}
    for name, limit in (
        ("numero_serie", 64),
        ("marque", 60),
        ("modele", 120),
        ("processeur", 120),
        ("version_systeme", 40),
        ("notes", 300),
    ):
        if len(text[name]) > limit:
            problems.append((name, _("Trop long : %(max)s caractères au plus.") % {"max": limit}))
            text[name] = text[name][:limit]
    item = DeviceIn(
        row=number,
        serial_number=normalize_serial(text["numero_serie"]),
        imei=normalize_imei(text["imei"]),
        brand=text["marque"],
        model_name=text["modele"],
        grade=_choice(text["grade"].upper(), Grade.choices, "grade", problems),
        processor=text["processeur"],
        memory_gb=_number(text["memoire_go"], "memoire_go", 1024, problems),
        storage_gb=_number(text["stockage_go"], "stockage_go", 100_000, problems),
        storage_kind=_choice(text["type_stockage"], StorageKind.choices, "type_stockage", problems),
        operating_system=_choice(text["systeme"], OperatingSystem.choices, "systeme", problems),
        os_version=text["version_systeme"],
        notes=text["notes"],
    )
    return item, problems


def voucher_row(cells: dict[str, Any], number: int) -> tuple[VoucherIn, list[tuple[str, str]]]:
    problems: list[tuple[str, str]] = []
    expires_on = None
    raw_date = cells.get("date_expiration")
    if _text(raw_date):
        expires_on = parse_date(raw_date)
        if expires_on is None:
            problems.append(
                (
                    "date_expiration",
                    _(
                        "Date illisible « %(value)s » : écrivez-la jj/mm/aaaa, par exemple 31/12/2027."
                    )
                    % {"value": _text(raw_date)[:30]},
                )
            )
    item = VoucherIn(
        row=number,
        code=normalize_code(_text(cells.get("code"))),
        serial=_text(cells.get("numero_serie")),
        expires_on=expires_on,
    )
    return item, problems


def row_key(kind: str, item) -> str:
    """The identity of a row in stock: the IMEI or brand + serial of a device, the code's
    fingerprint of a voucher (never the code itself)."""
    if kind == Tracking.VOUCHER:
        return code_fingerprint(item.code) if item.code else ""
    if item.imei:
        return f"imei:{item.imei}"
    return f"serial:{item.brand.upper()}:{item.serial_number}" if item.serial_number else ""


def parse_file(content: bytes, *, kind: str, offer) -> tuple[ParsedFile, list]:
    """Read and check every row of ``content``. Returns the parsed file and the receipt items
    (``DeviceIn`` / ``VoucherIn``, one per row, same order). Writes nothing."""
    opened = open_records(content)
    records = iter(opened.records)
    header = next(records, None)
    if header is None:
        raise ImportFileError(_("Le fichier est vide."))
    positions, ignored = columns(
        header, aliases=ALIASES[kind], required=REQUIRED[kind], expected=COLUMNS[kind]
    )
    parsed = ParsedFile(
        kind=opened.kind,
        encoding=opened.encoding,
        delimiter=opened.delimiter,
        ignored_columns=ignored,
    )
    items = []
    make_row = device_row if kind == Tracking.DEVICE else voucher_row
    for index, record in enumerate(records, start=2):
        if not any(_text(cell) for cell in record):
            continue
        if len(parsed.rows) >= MAX_ROWS:
            raise ImportFileError(
                _("Le fichier compte plus de %(max)s lignes : découpez-le.") % {"max": MAX_ROWS}
            )
        cells = {name: record[pos] if pos < len(record) else "" for name, pos in positions.items()}
        item, problems = make_row(cells, index)
        items.append(item)
        parsed.rows.append(ParsedRow(number=index, data={}, problems=problems))
    if not parsed.rows:
        raise ImportFileError(_("Le fichier ne contient aucune ligne après celle des colonnes."))
    # Rules of the receipt itself (IMEI, grade, required serial…), without the stock check:
    # rows already in stock are not problems, they are skipped (see services.preview).
    if kind == Tracking.DEVICE:
        from tisser.offers.receipts import DEVICE_TYPE_BY_FAMILY

        found = device_problems(
            items, offer=offer, device_type=DEVICE_TYPE_BY_FAMILY[offer.family], check_stock=False
        )
    else:
        found = voucher_problems(items, check_stock=False)
    by_row = {row.number: row for row in parsed.rows}
    first_of: dict[str, int] = {}
    for item, row in zip(items, parsed.rows, strict=True):
        row.key = row_key(kind, item)
        if row.key and row.key in first_of:
            row.duplicate_of = first_of[row.key]
        elif row.key:
            first_of[row.key] = row.number
    for number, column, message in found:
        row = by_row[number]
        if row.duplicate_of is not None and column in {"numero_serie", "imei", "code"}:
            continue  # a repeated row is shown as such, not as a problem
        if (column, message) not in row.problems:
            row.problems.append((column, message))
    return parsed, items
