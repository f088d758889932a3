"""The parsed rows of a stock file, kept one day for the preview (referral imports' pattern).

Written under ``var/imports/stock/`` (readable by the server's user only, replaced
atomically), reread by the preview and the confirmation, removed after the confirmation or
when stale (``purge_stale_files`` runs at every new upload). Voucher codes are stored
encrypted (the same Fernet keys as in the database), never in clear.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from tisser.core import clock
from tisser.core.errors import DomainError
from tisser.offers.enums import Tracking
from tisser.offers.models import StockImport
from tisser.offers.receipts import DeviceIn, VoucherIn
from tisser.offers.vouchers import code_decrypt, code_encrypt

STORED_FOR = datetime.timedelta(days=1)
STORE_VERSION = 1


def imports_dir() -> Path:
    return Path(getattr(settings, "IMPORTS_DIR", settings.VAR_DIR / "imports")) / "stock"


def stored_path(stock_import: StockImport) -> Path:
    return (
        imports_dir() / f"{stock_import.site_id}-{stock_import.pk}-{stock_import.file_sha256}.json"
    )


def _write(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, ensure_ascii=False, separators=(",", ":"))
    os.replace(temporary, path)


def _item_to_json(kind: str, item) -> dict:
    data = dataclasses.asdict(item)
    if kind == Tracking.VOUCHER:
        data["code"] = code_encrypt(item.code)
        data["expires_on"] = item.expires_on.isoformat() if item.expires_on else None
    return data


def _item_from_json(kind: str, data: dict):
    if kind == Tracking.VOUCHER:
        data = {**data, "code": code_decrypt(data["code"])}
        if data.get("expires_on"):
            data["expires_on"] = datetime.date.fromisoformat(data["expires_on"])
        return VoucherIn(**data)
    return DeviceIn(**data)


def save(stock_import: StockImport, parsed, items) -> None:
    kind = stock_import.kind
    _write(
        stored_path(stock_import),
        {
            "version": STORE_VERSION,
            "import": stock_import.pk,
            "kind": parsed.kind,
            "encoding": parsed.encoding,
            "delimiter": parsed.delimiter,
            "ignored_columns": parsed.ignored_columns,
            "rows": [
                {
                    "n": row.number,
                    "key": row.key,
                    "problems": row.problems,
                    "dup": row.duplicate_of,
                    "item": _item_to_json(kind, item),
                }
                for row, item in zip(parsed.rows, items, strict=True)
            ],
        },
    )


def load(stock_import: StockImport) -> dict:
    """The stored payload, with each row's receipt item rebuilt (``row["item"]``)."""
    expired = DomainError(_("Cet aperçu a expiré (plus d'un jour) : déposez le fichier à nouveau."))
    if clock.now() - stock_import.updated_at > STORED_FOR:
        raise expired
    try:
        with stored_path(stock_import).open(encoding="utf-8") as handle:
            payload = json.load(handle)
    except FileNotFoundError as exc:
        raise expired from exc
    if payload.get("version") != STORE_VERSION or payload.get("import") != stock_import.pk:
        raise expired
    for row in payload["rows"]:
        row["item"] = _item_from_json(stock_import.kind, row["item"])
        row["problems"] = [tuple(problem) for problem in row["problems"]]
    return payload


def discard(stock_import: StockImport) -> None:
    stored_path(stock_import).unlink(missing_ok=True)


def purge_stale_files(*, now: datetime.datetime | None = None) -> int:
    now = now or clock.now()
    directory = imports_dir()
    if not directory.exists():
        return 0
    limit = (now - STORED_FOR).timestamp()
    removed = 0
    for path in directory.iterdir():
        if path.suffix in {".json", ".tmp"} and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
