"""The skills framework and the two forms, read from ``content/skills/`` (decision 0052).

The smallest reading the results, the figures and the demo need, with the names of the
framework part of issue 13 (which owns this module, its schemas and its checks): the
domains with their label and picture, the five levels with their plain-French title, each
form's items and bank, and the domain pictograms.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

from tisser.diagnostics.adaptive import BankItem, ItemBank
from tisser.diagnostics.enums import AUTONOMY_LEVEL, LEVEL_MAX, LEVEL_MIN
from tisser.exercises import content as exercises
from tisser.exercises.content import Item

KINDS = ("entry", "exit")
LEVELS = tuple(range(LEVEL_MIN, LEVEL_MAX + 1))
TYPES_WITHOUT_GUESS = frozenset({"typing", "form"})


@dataclass(frozen=True)
class Domain:
    code: str
    label: str
    description: str
    picture: str
    jobseekers_only: bool


@dataclass(frozen=True)
class Level:
    number: int
    title: str
    description: str

    @property
    def autonomous(self) -> bool:
        return self.number >= AUTONOMY_LEVEL


def content_dir() -> Path:
    return Path(getattr(settings, "SKILLS_CONTENT_DIR", settings.BASE_DIR / "content" / "skills"))


@cache
def _framework(root: str) -> dict:
    return json.loads((Path(root) / "framework.json").read_text(encoding="utf-8"))


@cache
def _forms(root: str) -> dict[str, dict[str, dict[int, tuple[str, ...]]]]:
    """{kind: {domain: {level: item ids}}}, the domains in the framework's order."""
    forms: dict[str, dict[str, dict[int, tuple[str, ...]]]] = {kind: {} for kind in KINDS}
    for entry in _framework(root)["domains"]:
        path = Path(root) / "forms" / f"{entry['code']}.json"
        if not path.exists():
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        for kind in KINDS:
            forms[kind][entry["code"]] = {
                int(level): tuple(ids) for level, ids in data.get(kind, {}).items()
            }
    return forms


def clear_cache() -> None:
    _framework.cache_clear()
    _forms.cache_clear()
    _picture.cache_clear()


def domains() -> tuple[Domain, ...]:
    """The six domains, in the framework's order (the order of a sitting and of results)."""
    return tuple(
        Domain(
            code=entry["code"],
            label=entry["label"],
            description=entry["description"],
            picture=entry["picture"],
            jobseekers_only=entry.get("jobseekers_only", False),
        )
        for entry in _framework(str(content_dir()))["domains"]
    )


def domain(code: str) -> Domain:
    """One domain by its code; KeyError for an unknown code."""
    for entry in domains():
        if entry.code == code:
            return entry
    raise KeyError(code)


def levels() -> tuple[Level, ...]:
    return tuple(
        Level(number=entry["level"], title=entry["title"], description=entry["description"])
        for entry in _framework(str(content_dir()))["levels"]
    )


def form_items(kind: str) -> list[Item]:
    """The items of one form, by domain (framework's order), level, then the form's order."""
    catalogue = exercises.catalogue()
    return [
        catalogue[key]
        for cells in _forms(str(content_dir()))[kind].values()
        for level in LEVELS
        for key in cells.get(level, ())
    ]


def guess_rate(item: Item) -> float:
    """How often a blind answer is right: 1/choices (½ for yes/no), 0 for typing and forms."""
    if item.type in TYPES_WITHOUT_GUESS:
        return 0.0
    return 1 / item.choices


def form_bank(kind: str) -> ItemBank:
    return ItemBank(
        BankItem(key=item.key, domain=item.domain, level=item.level, guess_rate=guess_rate(item))
        for item in form_items(kind)
    )


def form_version(kind: str) -> str:
    """sha256 of the form's canonical JSON: results compare within one version."""
    cells = {
        code: {str(level): list(ids) for level, ids in by_level.items()}
        for code, by_level in _forms(str(content_dir()))[kind].items()
    }
    canonical = json.dumps(
        {"kind": kind, "domains": cells}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@cache
def _picture(root: str, name: str) -> str:
    return (Path(root) / "pictures" / name).read_text(encoding="utf-8")


def picture_svg(code: str) -> str:
    """The SVG text of a domain's pictogram."""
    return _picture(str(content_dir()), domain(code).picture)
