"""The skills framework and the diagnostic's two forms, read from ``content/skills/``.

- ``framework.json``: the domains (code, label, plain description, pictogram file,
  ``jobseekers_only``), the levels 0–4 (title, plain description) and the context questions
  (code, question, options of code and label);
- ``forms/<domain>.json``: ``{"domain": code, "entry": {"0": [item ids], …}, "exit": {…}}``;
- the items themselves are ordinary exercise items (``content/exercises/diag-<domain>.json``).

Read once per content directory (the settings ``SKILLS_CONTENT_DIR`` and
``EXERCISES_CONTENT_DIR``). See docs/decisions/0052-skills-diagnostic.md.
"""

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

from tisser.diagnostics.adaptive import BankItem, ItemBank
from tisser.exercises import content
from tisser.exercises.content import Item

KINDS = ("entry", "exit")


@dataclass(frozen=True)
class Domain:
    code: str
    label: str
    description: str
    picture: str
    jobseekers_only: bool = False


@dataclass(frozen=True)
class Level:
    number: int
    title: str
    description: str


@dataclass(frozen=True)
class Option:
    code: str
    label: str


@dataclass(frozen=True)
class ContextQuestion:
    code: str
    question: str
    options: tuple[Option, ...]


def content_dir() -> Path:
    return Path(settings.SKILLS_CONTENT_DIR)


@cache
def _framework(root: str) -> dict:
    return json.loads((Path(root) / "framework.json").read_text(encoding="utf-8"))


@cache
def _forms(root: str) -> tuple[dict, ...]:
    data = _framework(root)
    forms = []
    for domain in data["domains"]:
        path = Path(root) / "forms" / f"{domain['code']}.json"
        forms.append(json.loads(path.read_text(encoding="utf-8")))
    return tuple(forms)


def _data() -> dict:
    return _framework(str(content_dir()))


def clear_cache() -> None:
    _framework.cache_clear()
    _forms.cache_clear()
    _picture.cache_clear()


def domains() -> list[Domain]:
    return [
        Domain(
            code=row["code"],
            label=row["label"],
            description=row["description"],
            picture=row["picture"],
            jobseekers_only=row.get("jobseekers_only", False),
        )
        for row in _data()["domains"]
    ]


def domain(code: str) -> Domain:
    """One domain by its code; KeyError for an unknown code."""
    for row in domains():
        if row.code == code:
            return row
    raise KeyError(code)


def levels() -> list[Level]:
    return [
        Level(number=int(row["level"]), title=row["title"], description=row["description"])
        for row in _data()["levels"]
    ]


def context_questions() -> list[ContextQuestion]:
    return [
        ContextQuestion(
            code=row["code"],
            question=row["question"],
            options=tuple(Option(code=o["code"], label=o["label"]) for o in row["options"]),
        )
        for row in _data()["context_questions"]
    ]


def form_items(kind: str) -> list[Item]:
    """The items of one form (``entry`` or ``exit``), domain by domain, level by level."""
    if kind not in KINDS:
        raise ValueError(f"unknown form {kind!r}")
    catalogue = content.catalogue()
    items = []
    for form in _forms(str(content_dir())):
        for level in sorted(form[kind], key=int):
            items.extend(catalogue[key] for key in form[kind][level])
    return items


def guess_rate(item: Item) -> float:
    """How often a blind guess is right: 1/k for k choices, ½ for yes/no, 0 when typed."""
    if item.type in ("typing", "form"):
        return 0.0
    if item.type == "yes_no":
        return 0.5
    return 1 / item.choices if item.choices else 0.0


def form_bank(kind: str) -> ItemBank:
    return ItemBank(
        BankItem(key=item.key, domain=item.domain, level=item.level, guess_rate=guess_rate(item))
        for item in form_items(kind)
    )


def form_version(kind: str) -> str:
    """The sha256 of the form's canonical JSON: results compare within one version."""
    if kind not in KINDS:
        raise ValueError(f"unknown form {kind!r}")
    forms = [{"domain": form["domain"], kind: form[kind]} for form in _forms(str(content_dir()))]
    canonical = json.dumps(forms, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@cache
def _picture(root: str, name: str) -> str:
    return (Path(root) / "pictures" / name).read_text(encoding="utf-8")


def picture_svg(code: str) -> str:
    """The SVG text of a domain's pictogram (plain drawings, inlined in the page)."""
    return _picture(str(content_dir()), domain(code).picture)
