"""The temporary file of a prepared list: the parsed rows, kept one day for the preview.

Written under ``var/imports/`` (readable by the server's user only, replaced atomically),
reread by the preview and the confirmation, removed after the confirmation or by the hourly
sweep (``purge_stale_files``, the periodic job ``referrals.imports_purge``).
"""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from tisser.core import clock
from tisser.core.errors import DomainError
from tisser.referrals.imports.rows import ParsedFile
from tisser.referrals.models import ImportBatch

STORED_FOR = datetime.timedelta(days=1)
STORE_VERSION = 1


def imports_dir() -> Path:
    return Path(getattr(settings, "IMPORTS_DIR", settings.VAR_DIR / "imports"))


def stored_path(batch: ImportBatch) -> Path:
    sender = f"-{batch.on_behalf_of_id}" if batch.on_behalf_of_id else ""
    return imports_dir() / f"{batch.organisation_id}{sender}-{batch.file_sha256}.json"


def write(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, ensure_ascii=False, separators=(",", ":"))
    os.replace(temporary, path)


def load(batch: ImportBatch) -> dict:
    path = stored_path(batch)
    expired = DomainError(_("Cet aperçu a expiré (plus d'un jour) : déposez le fichier à nouveau."))
    if clock.now() - batch.updated_at > STORED_FOR:
        raise expired
    try:
        with path.open(encoding="utf-8") as handle:
            payload = json.load(handle)
    except FileNotFoundError as exc:
        raise expired from exc
    if payload.get("version") != STORE_VERSION or payload.get("batch") != batch.pk:
        raise expired
    return payload


def discard(path: Path) -> None:
    path.unlink(missing_ok=True)


def purge_stale_files(*, now: datetime.datetime | None = None) -> int:
    """Remove the parsed lists left unconfirmed for more than a day. Returns how many."""
    now = now or clock.now()
    directory = imports_dir()
    if not directory.exists():
        return 0
    removed = 0
    limit = (now - STORED_FOR).timestamp()
    for path in directory.iterdir():
        if path.suffix in {".json", ".tmp"} and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def save(batch: ImportBatch, parsed: ParsedFile, *, single_site_id: int | None) -> None:
    """Write the parsed rows of ``batch`` (called inside the service's transaction)."""
    write(
        stored_path(batch),
        {
            "version": STORE_VERSION,
            "batch": batch.pk,
            "kind": parsed.kind,
            "encoding": parsed.encoding,
            "delimiter": parsed.delimiter,
            "ignored_columns": parsed.ignored_columns,
            "single_site": single_site_id,
            "rows": [
                {
                    "n": row.number,
                    "data": row.data,
                    "key": row.import_key,
                    "site": row.site_id,
                    "problems": row.problems,
                    "dup": row.duplicate_of,
                }
                for row in parsed.rows
            ],
        },
    )
