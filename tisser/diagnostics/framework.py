"""The skills framework and the two forms, read from ``content/skills/`` (decision 0052).

The smallest reading the results, the figures and the demo need (the framework part of
issue 13 owns this module and its schema checks): the domains with their label and
pictogram, the five levels with their plain-French title, and each form's items.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

from tisser.diagnostics.adaptive import BankItem, ItemBank
from tisser.exercises.content import Item, get_item

KINDS = ("entry", "exit")


@dataclass(frozen=True)
class Domain:
    code: str
    label: str
    description: str
    pictogram: str
    jobseekers_only: bool = False


@dataclass(frozen=True)
class Level:
    level: int
    title: str
    description: str


def content_dir() -> Path:
    return Path(getattr(settings, "SKILLS_CONTENT_DIR", settings.BASE_DIR / "content" / "skills"))


@cache
def _framework(root: str) -> dict:
    return json.loads((Path(root) / "framework.json").read_text(encoding="utf-8"))


@cache
def _forms(root: str) -> tuple[dict, ...]:
    return tuple(
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((Path(root) / "forms").glob("*.json"))
    )


def clear_cache() -> None:
    _framework.cache_clear()
    _forms.cache_clear()
    pictogram_svg.cache_clear()


def domains() -> list[Domain]:
    return [
        Domain(
            code=row["code"],
            label=row["label"],
            description=row["description"],
            pictogram=row["pictogram"],
            jobseekers_only=row.get("jobseekers_only", False),
        )
        for row in _framework(str(content_dir()))["domains"]
    ]


def domain(code: str) -> Domain | None:
    return next((row for row in domains() if row.code == code), None)


def levels() -> list[Level]:
    return [
        Level(level=row["level"], title=row["title"], description=row["description"])
        for row in _framework(str(content_dir()))["levels"]
    ]


@cache
def pictogram_svg(name: str) -> str:
    """The pictogram's SVG markup (a file of ``content/skills/pictures/``), inline."""
    return (content_dir() / "pictures" / name).read_text(encoding="utf-8")


def guess_rate(item: Item) -> float:
    if item.type in ("typing", "form"):
        return 0.0
    if item.type == "yes_no":
        return 0.5
    return 1 / max(item.choices, 1)


def _cells(kind: str):
    order = {row.code: index for index, row in enumerate(domains())}
    forms = sorted(_forms(str(content_dir())), key=lambda form: order.get(form["domain"], 99))
    for form in forms:
        for level, keys in sorted(form.get(kind, {}).items()):
            for key in keys:
                yield form["domain"], int(level), key


def form_items(kind: str) -> list[Item]:
    return [item for _d, _l, key in _cells(kind) if (item := get_item(key)) is not None]


def form_bank(kind: str) -> ItemBank:
    return ItemBank(
        BankItem(key=key, domain=code, level=level, guess_rate=guess_rate(item))
        for code, level, key in _cells(kind)
        if (item := get_item(key)) is not None
    )


def form_version(kind: str) -> str:
    canonical = json.dumps(
        [[code, level, key] for code, level, key in _cells(kind)], separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()
