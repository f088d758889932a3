"""The skills framework and the diagnostic's two forms, as data (``content/skills/``).

``framework.json`` holds the six domains (label, plain-French description, pictogram, the
Pix competences, DigComp and UK Essential Digital Skills areas they cover, whether only
jobseekers take them), the levels 0–4 and the context questions asked with the mediator;
``forms/<domain>.json`` holds, for the entry and the exit form, the exercise item ids per
level. The items themselves are ordinary exercise items (``content/exercises/diag-*.json``).

Everything is checked (``check_skills``): by ``manage.py check_content`` and the server's
system check, with the file and the field of each problem named, and when the loader
first reads it — once per process, like the exercises. The domains, levels and context
questions need only a right ``framework.json``; the forms need the whole content right:
a domain listed without its forms, or a cell with fewer items than the others, never
reaches a sitting (``ContentError``).
See docs/decisions/0052-skills-diagnostic.md.
"""

import hashlib
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from jsonschema import Draft202012Validator

from tisser.diagnostics.adaptive import BankItem, ItemBank
from tisser.diagnostics.enums import AUTONOMY_LEVEL, LEVEL_MAX, LEVEL_MIN
from tisser.exercises import content as exercises
from tisser.exercises.content import PICTURE_MAX_BYTES, UNSAFE_SVG, ContentError, Item, Report

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
KINDS = ("entry", "exit")
LEVELS = tuple(range(LEVEL_MIN, LEVEL_MAX + 1))
MIN_PER_CELL = 2
# A gesture item is always « right » when done blind (its guess rate is 1): the adaptive
# rules could not tell a level from it.
TYPES_NOT_IN_FORMS = frozenset({"pointer"})
# Blind-guess rate 0: nothing to pick from (issue 13's simulator parameters).
TYPES_WITHOUT_GUESS = frozenset({"typing", "form"})


@dataclass(frozen=True)
class Domain:
    code: str
    label: str
    description: str
    picture: str
    pix: tuple[str, ...]
    digcomp: tuple[str, ...]
    uk_eds: tuple[str, ...]
    jobseekers_only: bool


@dataclass(frozen=True)
class Level:
    number: int
    title: str
    description: str

    @property
    def autonomous(self) -> bool:
        return self.number >= AUTONOMY_LEVEL


@dataclass(frozen=True)
class Option:
    code: str
    label: str


@dataclass(frozen=True)
class ContextQuestion:
    code: str
    question: str
    options: tuple[Option, ...]

    def option(self, code: str) -> Option | None:
        return next((option for option in self.options if option.code == code), None)


# One form: {domain code: {level: (item ids, in the form's order)}}.
Cells = dict[str, dict[int, tuple[str, ...]]]


@dataclass(frozen=True)
class Framework:
    domains: tuple[Domain, ...]
    levels: tuple[Level, ...]
    context_questions: tuple[ContextQuestion, ...]


# --- Reading and checking --------------------------------------------------------------


def content_dir() -> Path:
    return Path(settings.SKILLS_CONTENT_DIR)


@cache
def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _label(path: Path) -> str:
    try:
        return str(path.relative_to(Path(settings.BASE_DIR)))
    except ValueError:
        return str(path)


def _read(path: Path, report: Report) -> Any:
    report.files += 1
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        report.problems.append(f"{_label(path)}: fichier absent")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        report.problems.append(f"{_label(path)}: JSON illisible: {error}")
    return None


def _schema_problems(name: str, data: Any, label: str) -> list[str]:
    return [
        f"{label}: {exercises.field_path(error.absolute_path)}: {error.message}"
        for error in sorted(validator(name).iter_errors(data), key=lambda e: list(e.path))
    ]


def _duplicates(entries: list[dict], key: str, where: str, label: str) -> list[str]:
    seen: set[str] = set()
    problems = []
    for index, entry in enumerate(entries):
        if entry[key] in seen:
            problems.append(f"{label}: {where}[{index}].{key}: {entry[key]!r} en double")
        seen.add(entry[key])
    return problems


def _framework_problems(data: dict, root: Path, label: str) -> list[str]:
    problems = _duplicates(data["domains"], "code", "domains", label)
    problems += _duplicates(data["context_questions"], "code", "context_questions", label)
    for index, question in enumerate(data["context_questions"]):
        problems += _duplicates(
            question["options"], "code", f"context_questions[{index}].options", label
        )
    numbers = [level["level"] for level in data["levels"]]
    if numbers != list(LEVELS):
        problems.append(f"{label}: levels: les niveaux doivent être 0, 1, 2, 3, 4 dans l'ordre")
    for index, entry in enumerate(data["domains"]):
        where = f"{label}: domains[{index}].picture"
        file = root / "pictures" / entry["picture"]
        if not file.is_file():
            problems.append(f"{where}: l'image {entry['picture']!r} n'existe pas dans pictures/")
            continue
        raw = file.read_bytes()
        if len(raw) > PICTURE_MAX_BYTES:
            problems.append(
                f"{where}: l'image {entry['picture']!r} pèse {len(raw)} octets "
                f"(au plus {PICTURE_MAX_BYTES})"
            )
        if UNSAFE_SVG.search(raw.decode("utf-8", "replace")):
            problems.append(
                f"{where}: l'image {entry['picture']!r} contient un script, un style ou un lien externe"
            )
    return problems


def _form_problems(
    data: dict, label: str, items: Mapping[str, Item], placed: dict[str, str]
) -> list[str]:
    """One domain's forms against the items; ``placed`` remembers where each id was seen."""
    problems = []
    for kind in KINDS:
        for level in LEVELS:
            for index, key in enumerate(data[kind][str(level)]):
                where = f"{label}: {kind}.{level}[{index}]"
                if key in placed:
                    problems.append(f"{where}: {key!r} est déjà dans {placed[key]}")
                    continue
                placed[key] = f"{label} ({kind}.{level})"
                item = items.get(key)
                if item is None:
                    problems.append(f"{where}: {key!r} n'est pas un exercice de content/exercises/")
                    continue
                if item.type in TYPES_NOT_IN_FORMS:
                    problems.append(
                        f"{where}: {key!r} est un geste ({item.type}) : réussi même au hasard, "
                        "il ne dit rien du niveau"
                    )
                if item.domain != data["domain"]:
                    problems.append(
                        f"{where}: l'exercice {key!r} a pour domaine {item.domain or '(aucun)'!r}, "
                        f"pas {data['domain']!r}"
                    )
                if item.level != level:
                    problems.append(
                        f"{where}: l'exercice {key!r} est de niveau {item.level}, pas {level}"
                    )
    return problems


def _count_problems(forms: dict[str, tuple[str, dict]]) -> list[str]:
    """At least two ids per cell, and the same count in every cell of every form."""
    counts = Counter(
        len(data[kind][str(level)])
        for _label, data in forms.values()
        for kind in KINDS
        for level in LEVELS
    )
    if not counts:
        return []
    expected = max(counts.most_common(), key=lambda pair: (pair[1], pair[0]))[0]
    expected = max(expected, MIN_PER_CELL)
    problems = []
    for label, data in forms.values():
        for kind in KINDS:
            for level in LEVELS:
                count = len(data[kind][str(level)])
                if count != expected:
                    problems.append(
                        f"{label}: {kind}.{level}: {count} exercice(s), il en faut {expected} "
                        "comme dans chaque case"
                    )
    return problems


def _check_framework(root: Path, report: Report) -> dict | None:
    """framework.json read and checked alone; None when it cannot be used."""
    path = root / "framework.json"
    label = _label(path)
    data = _read(path, report)
    if data is None:
        return None
    schema = _schema_problems("framework", data, label)
    if schema:
        report.problems += schema
        return None
    problems = _framework_problems(data, root, label)
    report.problems += problems
    return None if problems else data


def check_skills(items: Mapping[str, Item], root: Path | None = None) -> Report:
    """Every problem of the skills content, each naming its file and field.

    ``items`` are the checked exercise items by id (``exercises.content.check_directory``).
    """
    root = root or content_dir()
    report = Report()
    listed = _check_framework(root, report)
    label = _label(root / "framework.json")

    forms: dict[str, tuple[str, dict]] = {}
    placed: dict[str, str] = {}
    for path in sorted((root / "forms").glob("*.json")):
        form_label = _label(path)
        data = _read(path, report)
        if data is None:
            continue
        schema = _schema_problems("form", data, form_label)
        if schema:
            report.problems += schema
            continue
        if data["domain"] != path.stem:
            report.problems.append(
                f"{form_label}: domain: {data['domain']!r}, alors que le fichier s'appelle "
                f"{path.name} (attendu {path.stem!r})"
            )
            continue
        report.problems += _form_problems(data, form_label, items, placed)
        forms[data["domain"]] = (form_label, data)
    report.problems += _count_problems(forms)

    if listed is not None:
        codes = [entry["code"] for entry in listed["domains"]]
        for index, code in enumerate(codes):
            if code not in forms:
                report.problems.append(
                    f"{label}: domains[{index}].code: le domaine {code!r} n'a pas de "
                    f"questionnaire (forms/{code}.json)"
                )
        for code, (form_label, _data) in forms.items():
            if code not in codes:
                report.problems.append(
                    f"{form_label}: domain: {code!r} n'est pas un domaine de framework.json"
                )
    return report


def check_with_items(exercise_report: Report) -> Report:
    """The checker registered with ``manage.py check_content`` (apps.py)."""
    return check_skills({item.key: item for item in exercise_report.items})


# --- The loader --------------------------------------------------------------------------


@cache
def _framework(root: str) -> Framework:
    report = Report()
    data = _check_framework(Path(root), report)
    if data is None:
        raise ContentError("\n".join(report.problems))
    return Framework(
        domains=tuple(
            Domain(
                code=entry["code"],
                label=entry["label"],
                description=entry["description"],
                picture=entry["picture"],
                pix=tuple(entry["pix"]),
                digcomp=tuple(entry["digcomp"]),
                uk_eds=tuple(entry["uk_eds"]),
                jobseekers_only=entry["jobseekers_only"],
            )
            for entry in data["domains"]
        ),
        levels=tuple(
            Level(number=entry["level"], title=entry["title"], description=entry["description"])
            for entry in data["levels"]
        ),
        context_questions=tuple(
            ContextQuestion(
                code=entry["code"],
                question=entry["question"],
                options=tuple(Option(code=o["code"], label=o["label"]) for o in entry["options"]),
            )
            for entry in data["context_questions"]
        ),
    )


@cache
def _forms(root: str, exercises_root: str) -> dict[str, Cells]:
    # Forms are used only when the whole skills content is right (every domain has its
    # forms, every cell the same count): a sitting never meets a half-made form.
    report = check_skills(exercises.catalogue(), Path(root))
    if report.problems:
        raise ContentError("\n".join(report.problems))
    forms: dict[str, Cells] = {kind: {} for kind in KINDS}
    for entry in _framework(root).domains:
        path = Path(root) / "forms" / f"{entry.code}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        for kind in KINDS:
            forms[kind][entry.code] = {level: tuple(data[kind][str(level)]) for level in LEVELS}
    return forms


def framework() -> Framework:
    """The checked domains, levels and context questions (read once per process)."""
    return _framework(str(content_dir()))


def clear_cache() -> None:
    _framework.cache_clear()
    _forms.cache_clear()
    _picture.cache_clear()


def domains() -> tuple[Domain, ...]:
    """The six domains, in the framework's order (the order of a sitting and of results)."""
    return framework().domains


def domain_labels() -> dict[str, str]:
    """Each domain's French label by its code."""
    return {row.code: row.label for row in domains()}


def domain(code: str) -> Domain:
    """One domain by its code; KeyError for an unknown code."""
    for entry in framework().domains:
        if entry.code == code:
            return entry
    raise KeyError(code)


def levels() -> tuple[Level, ...]:
    return framework().levels


def level(number: int) -> Level:
    return framework().levels[number]


def context_questions() -> tuple[ContextQuestion, ...]:
    return framework().context_questions


def _kind(kind: str) -> Cells:
    if kind not in KINDS:
        raise ValueError(f"unknown form kind {kind!r}: entry or exit")
    return _forms(str(content_dir()), str(exercises.content_dir()))[kind]


def form_items(kind: str) -> list[Item]:
    """The items of one form, by domain (framework's order), level, then the form's order."""
    catalogue = exercises.catalogue()
    return [
        catalogue[key]
        for cells in _kind(kind).values()
        for level_ in LEVELS
        for key in cells[level_]
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
        code: {str(level_): list(ids) for level_, ids in by_level.items()}
        for code, by_level in _kind(kind).items()
    }
    canonical = json.dumps(
        {"kind": kind, "domains": cells}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@cache
def _picture(root: str, name: str) -> str:
    return (Path(root) / "pictures" / name).read_text(encoding="utf-8")


def picture_svg(code: str) -> str:
    """The SVG text of a domain's pictogram (checked: small, no script, style or link)."""
    return _picture(str(content_dir()), domain(code).picture)
