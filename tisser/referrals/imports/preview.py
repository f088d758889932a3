"""What confirming a prepared list would do, row by row. Reads; writes nothing.

Each row is to be created, already imported (its ``import_key`` exists), a duplicate of an
earlier row of the file, or a problem (row number, column, French message).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from tisser.accounts.models import Site
from tisser.core.errors import DomainError
from tisser.referrals.imports import store
from tisser.referrals.models import ImportBatch, Referral

CHUNK_SIZE = 1000


@dataclass
class PreviewRow:
    number: int
    data: dict[str, Any]
    site_id: int | None
    problems: list[tuple[str, str]]
    state: str  # "create", "problem", "duplicate", "already"
    import_key: str = ""
    duplicate_of: int | None = None
    site_name: str = ""


@dataclass
class Preview:
    batch: ImportBatch
    kind: str
    encoding: str
    delimiter: str
    ignored_columns: list[str]
    rows: list[PreviewRow]
    sites: dict[int, str]

    @property
    def counts(self) -> Counter:
        return Counter(row.state for row in self.rows)

    @property
    def problem_rows(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.state == "problem"]

    @property
    def problems(self) -> list[tuple[int, str, str]]:
        return [
            (row.number, column, message)
            for row in self.problem_rows
            for column, message in row.problems
        ]

    @property
    def to_create(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.state == "create"]

    @property
    def per_site(self) -> list[tuple[str, int]]:
        counter = Counter(row.site_id for row in self.to_create if row.site_id is not None)
        return sorted(
            ((self.sites.get(pk, "?"), n) for pk, n in counter.items()),
            key=lambda item: (-item[1], item[0]),
        )


def _existing_keys(keys: list[str]) -> set[str]:
    existing: set[str] = set()
    for start in range(0, len(keys), CHUNK_SIZE):
        chunk = keys[start : start + CHUNK_SIZE]
        existing.update(
            Referral.objects.filter(import_key__in=chunk).values_list("import_key", flat=True)
        )
    return existing


def import_preview(*, batch: ImportBatch) -> Preview:
    """What confirming would do, row by row (reads the temporary file; writes nothing)."""
    if batch.confirmed_at is not None:
        raise DomainError(_("Cette liste est déjà importée."))
    payload = store.load(batch)
    stored = payload["rows"]
    existing = _existing_keys([row["key"] for row in stored if row["key"]])
    site_ids = {row["site"] for row in stored if row["site"]}
    sites = dict(Site.objects.filter(pk__in=site_ids, is_active=True).values_list("pk", "name"))
    rows = []
    for row in stored:
        problems = [tuple(problem) for problem in row["problems"]]
        if row["site"] and row["site"] not in sites and not problems:
            problems.append(("code_postal", _("L'espace choisi pour cette ligne est fermé.")))
        if problems:
            state = "problem"
        elif row["key"] in existing:
            state = "already"
        elif row["dup"]:
            state = "duplicate"
        else:
            state = "create"
        rows.append(
            PreviewRow(
                number=row["n"],
                data=row["data"],
                site_id=row["site"],
                problems=problems,
                state=state,
                import_key=row["key"],
                duplicate_of=row["dup"],
                site_name=sites.get(row["site"], ""),
            )
        )
    return Preview(
        batch=batch,
        kind=payload["kind"],
        encoding=payload["encoding"],
        delimiter=payload["delimiter"],
        ignored_columns=payload["ignored_columns"],
        rows=rows,
        sites=sites,
    )
