"""Learning modules as data: one JSON file per module under ``content/modules/``.

A module (``<id>.json``) has an id equal to its file name, a version, a title, a plain-French
objective, a domain and level of the skills framework, minutes, a device fit, prerequisites
and steps: explanation cards, exercises (a whole exercise item inline, in the engine's
envelope, named ``<module>--<step>``), and one recap at the end.

Every file is checked by ``schemas/module.json``, then by the rules a schema cannot say
(``check_modules``): unique step ids, the inline items valid for the exercise engine (its
own checks, ``exercises.content.check_item``), the domain a framework code, prerequisites
that exist and make no cycle, safe pictures, at least one exercise and one recap last.
Each problem names the file and the field:
``content/modules/mails-envoyer.json: steps[3].item.content.correct[0]: …``.
``manage.py check_content`` runs it with the exercises (apps.py registers it), the server's
system check refuses to start on a problem (checks.py), and the loader reads the modules
once per process, raising ``ContentError`` when anything is wrong.
See docs/decisions/0053-learning-modules.md.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from jsonschema import Draft202012Validator

from tisser.diagnostics import framework
from tisser.exercises import content as exercises
from tisser.exercises.content import MODULE_ITEM_SEPARATOR, ContentError, Item, Report
from tisser.learning.enums import DeviceFit, StepKind

SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "module.json"
# Plain French (FALC): one idea per sentence, short sentences. A longer one is refused.
SENTENCE_MAX_WORDS = 20
_SENTENCES = re.compile(r"(?<=[.!?…])\s+|\n+")


@dataclass(frozen=True)
class Step:
    """One step of a module; the fields of the other kinds stay empty."""

    key: str
    kind: StepKind
    # card
    title: str = ""
    text: str = ""
    picture: str = ""
    # exercise
    item: Item | None = None
    hint: str = ""
    success: str = ""
    # recap
    points: tuple[str, ...] = ()

    @property
    def lines(self) -> tuple[str, ...]:
        """A card's text, one idea per line (the file separates them with line breaks)."""
        return tuple(line.strip() for line in self.text.splitlines() if line.strip())


@dataclass(frozen=True)
class Module:
    key: str
    version: int
    title: str
    objective: str
    domain: str
    level: int
    minutes: int
    device: DeviceFit
    prerequisites: tuple[str, ...]
    steps: tuple[Step, ...]
    source: str = ""

    def step(self, key: str) -> Step | None:
        return next((step for step in self.steps if step.key == key), None)

    @property
    def step_keys(self) -> tuple[str, ...]:
        return tuple(step.key for step in self.steps)

    def exercise_item(self, step_key: str) -> Item:
        """The engine item of an exercise step; KeyError for any other step."""
        step = self.step(step_key)
        if step is None or step.item is None:
            raise KeyError(f"{self.key}: {step_key!r} is not an exercise step")
        return step.item


# --- Reading and checking --------------------------------------------------------------


def content_dir() -> Path:
    return Path(settings.LEARNING_CONTENT_DIR)


@cache
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def item_key(module_key: str, step_key: str) -> str:
    """The id of an exercise step's item: ``<module>--<step>``."""
    return f"{module_key}{MODULE_ITEM_SEPARATOR}{step_key}"


def _label(path: Path) -> str:
    try:
        return str(path.relative_to(Path(settings.BASE_DIR)))
    except ValueError:
        return str(path)


def _long_sentences(text: str) -> list[str]:
    return [
        sentence
        for sentence in _SENTENCES.split(text)
        if len(sentence.split()) > SENTENCE_MAX_WORDS
    ]


def _plain_french(where: str, text: str) -> list[str]:
    return [
        f"{where}: phrase de plus de {SENTENCE_MAX_WORDS} mots (une idée par phrase) : "
        f"« {sentence[:60]}… »"
        for sentence in _long_sentences(text)
    ]


def _step_problems(data: dict, items: Mapping[str, Item], exercises_root: Path) -> list[str]:
    """The rules of one module's steps a schema cannot say, each as ``field: message``."""
    problems: list[str] = []
    path = exercises.field_path
    seen: set[str] = set()
    for index, step in enumerate(data["steps"]):
        where = ["steps", index]
        if step["id"] in seen:
            problems.append(f"{path([*where, 'id'])}: l'étape {step['id']!r} est en double")
        seen.add(step["id"])
        kind = step["kind"]
        if kind == StepKind.CARD:
            problems += _plain_french(path([*where, "text"]), step["text"])
            if step.get("picture"):
                problems += [
                    f"{path([*where, 'picture'])}: {message}"
                    for message in exercises.picture_problems(step["picture"], exercises_root)
                ]
        elif kind in (StepKind.EXERCISE, StepKind.SIMULATION):
            problems += _plain_french(path([*where, "hint"]), step["hint"])
            problems += _item_problems(data, step, where, items, exercises_root)
            # A simulation step plays a simulation item, and only it does (decision 0053).
            if (step["item"].get("type") == "simulation") != (kind == StepKind.SIMULATION):
                problems.append(
                    f"{path([*where, 'item', 'type'])}: une étape « simulation » joue un "
                    "exercice de type simulation, et seulement elle"
                )
        elif kind == StepKind.RECAP:
            for number, point in enumerate(step["points"]):
                problems += _plain_french(path([*where, "points", number]), point)
    kinds = [step["kind"] for step in data["steps"]]
    if StepKind.EXERCISE not in kinds:
        problems.append("steps: il faut au moins une étape « exercise »")
    recaps = [index for index, kind in enumerate(kinds) if kind == StepKind.RECAP]
    if len(recaps) != 1:
        problems.append(f"steps: {len(recaps)} étape(s) « recap », il en faut une, à la fin")
    elif recaps[0] != len(kinds) - 1:
        problems.append(f"steps[{recaps[0]}].kind: le récapitulatif doit être la dernière étape")
    return problems


def _item_problems(
    data: dict, step: dict, where: list, items: Mapping[str, Item], exercises_root: Path
) -> list[str]:
    entry = step["item"]
    item_where = [*where, "item"]
    found = exercises.check_item(entry, where=item_where, root=exercises_root)
    if found:
        return found
    path = exercises.field_path
    problems = []
    expected = item_key(data["id"], step["id"])
    if entry["id"] != expected:
        problems.append(f"{path([*item_where, 'id'])}: {entry['id']!r} au lieu de {expected!r}")
    elif entry["id"] in items:
        problems.append(
            f"{path([*item_where, 'id'])}: {entry['id']!r} est déjà un exercice de "
            f"{items[entry['id']].source or 'content/exercises/'}"
        )
    if entry.get("domain") != data["domain"]:
        problems.append(
            f"{path([*item_where, 'domain'])}: {entry.get('domain', '(aucun)')!r}, alors que "
            f"le module est du domaine {data['domain']!r}"
        )
    if entry["level"] != data["level"]:
        problems.append(
            f"{path([*item_where, 'level'])}: niveau {entry['level']}, alors que le module "
            f"est de niveau {data['level']}"
        )
    return problems


def _framework_codes() -> tuple[str, ...] | None:
    try:
        return tuple(domain.code for domain in framework.domains())
    except ContentError:
        return None  # the skills checker names the framework's problems


def _cycles(prerequisites: dict[str, list[str]]) -> set[str]:
    """The modules that are, through their prerequisites, their own prerequisite."""
    looped: set[str] = set()
    for start in prerequisites:
        stack, visited = list(prerequisites[start]), set()
        while stack:
            key = stack.pop()
            if key == start:
                looped.add(start)
                break
            if key in visited or key not in prerequisites:
                continue
            visited.add(key)
            stack.extend(prerequisites[key])
    return looped


def check_modules(
    items: Mapping[str, Item] | None = None,
    root: Path | None = None,
    exercises_root: Path | None = None,
) -> Report:
    """Every problem of the module files, each naming its file and field.

    ``items`` are the checked exercise items by id (an inline item may not reuse one).
    """
    root = root or content_dir()
    exercises_root = exercises_root or exercises.content_dir()
    items = items if items is not None else {}
    report = Report()
    codes = _framework_codes()
    checked: dict[str, tuple[str, dict]] = {}
    for path in sorted(root.glob("*.json")):
        report.files += 1
        label = _label(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            report.problems.append(f"{label}: JSON illisible: {error}")
            continue
        schema = [
            f"{label}: {exercises.field_path(error.absolute_path)}: {error.message}"
            for error in sorted(validator().iter_errors(data), key=lambda e: list(e.path))
        ]
        if schema:
            report.problems += schema
            continue
        problems = []
        if data["id"] != path.stem:
            problems.append(
                f"id: {data['id']!r}, alors que le fichier s'appelle {path.name} "
                f"(attendu {path.stem!r})"
            )
        elif data["id"] in checked:
            problems.append(f"id: {data['id']!r} est déjà le module de {checked[data['id']][0]}")
        if codes is not None and data["domain"] not in codes:
            problems.append(
                f"domain: {data['domain']!r} n'est pas un domaine du référentiel "
                f"({', '.join(codes)})"
            )
        if data["id"] in data["prerequisites"]:
            problems.append("prerequisites: un module ne peut pas être son propre prérequis")
        problems += _plain_french("objective", data["objective"])
        problems += _step_problems(data, items, exercises_root)
        report.problems += [f"{label}: {problem}" for problem in problems]
        if not problems:
            checked[data["id"]] = (label, data)

    # Across the files: every prerequisite is a module, and no loop.
    for label, data in checked.values():
        for index, other in enumerate(data["prerequisites"]):
            if other not in checked and not (root / f"{other}.json").is_file():
                report.problems.append(
                    f"{label}: prerequisites[{index}]: le module {other!r} n'existe pas"
                )
    graph = {key: data["prerequisites"] for key, (_where, data) in checked.items()}
    for key in sorted(_cycles(graph)):
        report.problems.append(
            f"{checked[key][0]}: prerequisites: ce module dépend de lui-même par ses prérequis"
        )
    report.items = [
        Item.from_definition(step["item"], source=label)
        for label, data in checked.values()
        for step in data["steps"]
        if step["kind"] in (StepKind.EXERCISE, StepKind.SIMULATION)
    ]
    return report


def check_with_items(exercise_report: Report) -> Report:
    """The checker registered with ``manage.py check_content`` (apps.py)."""
    return check_modules({item.key: item for item in exercise_report.items})


# --- The loader --------------------------------------------------------------------------


def _step(data: dict, source: str) -> Step:
    kind = StepKind(data["kind"])
    if kind == StepKind.CARD:
        return Step(
            key=data["id"],
            kind=kind,
            title=data["title"],
            text=data["text"],
            picture=data.get("picture", ""),
        )
    if kind in (StepKind.EXERCISE, StepKind.SIMULATION):
        return Step(
            key=data["id"],
            kind=kind,
            item=Item.from_definition(data["item"], source=source),
            hint=data["hint"],
            success=data.get("success", ""),
        )
    return Step(key=data["id"], kind=kind, points=tuple(data["points"]))


def _module(data: dict[str, Any], source: str) -> Module:
    return Module(
        key=data["id"],
        version=data["version"],
        title=data["title"],
        objective=data["objective"],
        domain=data["domain"],
        level=data["level"],
        minutes=data["minutes"],
        device=DeviceFit(data["device"]),
        prerequisites=tuple(data["prerequisites"]),
        steps=tuple(_step(step, source) for step in data["steps"]),
        source=source,
    )


def _depth(key: str, by_key: Mapping[str, Module], memo: dict[str, int]) -> int:
    if key not in memo:
        memo[key] = 1 + max(
            (_depth(other, by_key, memo) for other in by_key[key].prerequisites), default=-1
        )
    return memo[key]


@cache
def _modules(root: str, exercises_root: str) -> dict[str, Module]:
    report = check_modules(exercises.catalogue(), Path(root), Path(exercises_root))
    if report.problems:
        raise ContentError("\n".join(report.problems))
    by_key = {}
    for path in sorted(Path(root).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        by_key[data["id"]] = _module(data, _label(path))
    # The framework's order of domains, then levels, then prerequisites before the modules
    # needing them, then ids: the order of every list of modules.
    order = {code: index for index, code in enumerate(d.code for d in framework.domains())}
    memo: dict[str, int] = {}
    ranked = sorted(
        by_key.values(),
        key=lambda m: (order[m.domain], m.level, _depth(m.key, by_key, memo), m.key),
    )
    return {module.key: module for module in ranked}


def catalogue() -> dict[str, Module]:
    """Every module by its id, in the order of lists (read and checked once per process)."""
    return _modules(str(content_dir()), str(exercises.content_dir()))


def clear_cache() -> None:
    _modules.cache_clear()


def modules() -> tuple[Module, ...]:
    """Every module: by domain (the framework's order), level, prerequisites first."""
    return tuple(catalogue().values())


def module(key: str) -> Module | None:
    return catalogue().get(key)


def modules_for(domain: str, level: int | None = None) -> tuple[Module, ...]:
    """The modules of one domain, of one level or (``None``) all of them, in order."""
    return tuple(
        entry
        for entry in catalogue().values()
        if entry.domain == domain and (level is None or entry.level == level)
    )
