"""Exercise items as data: JSON files under ``content/exercises/``, checked by JSON schemas.

A file holds one item (an object) or a small set (a list of objects). Every item is first
checked against ``schemas/item.json`` (what every type shares), then its ``content`` against
``schemas/<type>.json``, then by the few rules a schema cannot say (a right answer that is
one of the options, a picture that exists…). Every problem names the file and the field:
``content/exercises/choice.json: [1].content.correct[0]: 'z' is not an option``.

An item's identity is its ``id``; ``version`` says when its meaning changed, and the hash
of its canonical JSON pins exactly what a learner answered (``ItemVersion`` keeps it).
"""

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from jsonschema import Draft202012Validator

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
TYPES = ("choice", "yes_no", "zone", "order", "form", "mailbox", "typing", "pointer", "simulation")
PICTURE_MAX_BYTES = 12 * 1024
# The items written inside a learning module are named ``<module>--<step>``
# (docs/decisions/0053-learning-modules.md); items of this directory never use it.
MODULE_ITEM_SEPARATOR = "--"
# Played screen by screen inside a learning module's step only (decision 0053, « Simulations »):
# the practice pages of this app do not play them, so this directory has none.
MODULE_ONLY_TYPES = ("simulation",)
# Pictures are inlined in the page: they must be plain drawings, nothing that runs or styles.
UNSAFE_SVG = re.compile(
    r"<script|<style|\son\w+\s*=|style\s*=|<foreignObject|href\s*=\s*[\"']?(?:https?:|javascript:|data:)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Item:
    """One exercise item as the engine uses it (read from its file, never from a form)."""

    key: str
    version: int
    type: str
    instruction: str
    choices: int
    level: int
    domain: str
    content: dict[str, Any]
    source: str = field(compare=False, default="")

    @property
    def definition(self) -> dict[str, Any]:
        """What scoring and rendering need: the item as written, without its file name."""
        data = {
            "id": self.key,
            "version": self.version,
            "type": self.type,
            "instruction": self.instruction,
            "choices": self.choices,
            "level": self.level,
            "content": self.content,
        }
        if self.domain:
            data["domain"] = self.domain
        return data

    @property
    def content_hash(self) -> str:
        return definition_hash(self.definition)

    @classmethod
    def from_definition(cls, data: dict[str, Any], *, source: str = "") -> "Item":
        return cls(
            key=data["id"],
            version=data["version"],
            type=data["type"],
            instruction=data["instruction"],
            choices=data["choices"],
            level=data["level"],
            domain=data.get("domain", ""),
            content=data["content"],
            source=source,
        )


def definition_hash(definition: dict[str, Any]) -> str:
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@cache
def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def field_path(parts) -> str:
    """``[1].content.options[2].text`` from jsonschema's path of keys and indexes."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(racine)"


@dataclass
class Report:
    items: list[Item] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    files: int = 0


# Content that a higher app builds on the items (the skills diagnostic's forms) is checked
# with them by ``manage.py check_content``: that app registers a checker in its
# ``AppConfig.ready()``, so this module never imports it (layers, pyproject.toml). A checker
# receives the report of the exercise items and returns its own report.
ContentChecker = Callable[[Report], Report]
_CHECKERS: dict[str, ContentChecker] = {}


def register_content_checker(name: str, checker: ContentChecker) -> None:
    """Check more content with the items; ``name`` says what, in the command's summary."""
    _CHECKERS[name] = checker


def content_checkers() -> dict[str, ContentChecker]:
    return dict(_CHECKERS)


def content_dir() -> Path:
    return Path(settings.EXERCISES_CONTENT_DIR)


def pictures_dir(root: Path | None = None) -> Path:
    return (root or content_dir()) / "pictures"


def check_directory(root: Path | None = None) -> Report:
    """Read and check every ``*.json`` file of the content directory (not the pictures)."""
    root = root or content_dir()
    report = Report()
    seen: dict[str, str] = {}
    for path in sorted(root.glob("*.json")):
        report.files += 1
        label = _label(path, root)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            report.problems.append(f"{label}: JSON illisible: {error}")
            continue
        entries = data if isinstance(data, list) else [data]
        prefix = isinstance(data, list)
        for index, entry in enumerate(entries):
            where = [index] if prefix else []
            problems = check_item(entry, where=where, root=root)
            report.problems.extend(f"{label}: {problem}" for problem in problems)
            if problems:
                continue
            item = Item.from_definition(entry, source=label)
            if MODULE_ITEM_SEPARATOR in item.key:
                report.problems.append(
                    f"{label}: {field_path([*where, 'id'])}: « {MODULE_ITEM_SEPARATOR} » est "
                    "réservé aux exercices des modules (<module>--<étape>)"
                )
                continue
            if item.type in MODULE_ONLY_TYPES:
                report.problems.append(
                    f"{label}: {field_path([*where, 'type'])}: une simulation se joue dans un "
                    "module (content/modules/)"
                )
                continue
            if item.key in seen:
                report.problems.append(
                    f"{label}: {field_path([*where, 'id'])}: l'identifiant {item.key!r} est "
                    f"déjà celui d'un exercice de {seen[item.key]}"
                )
                continue
            seen[item.key] = label
            report.items.append(item)
    return report


def _label(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(Path(settings.BASE_DIR)))
    except ValueError:
        return str(path)


def check_item(entry: Any, *, where: list, root: Path) -> list[str]:
    """The problems of one item, each as ``field: message``."""
    problems = [
        f"{field_path([*where, *error.absolute_path])}: {error.message}"
        for error in sorted(validator("item").iter_errors(entry), key=lambda e: list(e.path))
    ]
    if problems:
        return problems
    content_where = [*where, "content"]
    problems = [
        f"{field_path([*content_where, *error.absolute_path])}: {error.message}"
        for error in sorted(
            validator(entry["type"]).iter_errors(entry["content"]), key=lambda e: list(e.path)
        )
    ]
    if problems:
        return problems
    return [
        f"{field_path([*where, *path])}: {message}" for path, message in RULES[entry["type"]](entry)
    ] + [
        f"{field_path([*where, *path])}: {message}"
        for path, message in _picture_problems(entry, root)
    ]


def _picture_problems(entry, root: Path):
    content = entry["content"]
    named: list[tuple[tuple, str]] = []
    if content.get("picture"):
        named.append((("content", "picture"), content["picture"]))
    for index, option in enumerate(content.get("options", [])):
        if option.get("picture"):
            named.append((("content", "options", index, "picture"), option["picture"]))
    for path, name in named:
        for message in picture_problems(name, root):
            yield path, message


def picture_problems(name: str, root: Path | None = None) -> list[str]:
    """What is wrong with a picture of ``pictures/``: absent, too heavy, or not a plain drawing.

    Other content inlining these pictures (the learning modules' cards) checks them here.
    """
    file = pictures_dir(root) / name
    if not file.is_file():
        return [f"l'image {name!r} n'existe pas dans {pictures_dir(root).name}/"]
    data = file.read_bytes()
    problems = []
    if len(data) > PICTURE_MAX_BYTES:
        problems.append(f"l'image {name!r} pèse {len(data)} octets (au plus {PICTURE_MAX_BYTES})")
    if UNSAFE_SVG.search(data.decode("utf-8", "replace")):
        problems.append(f"l'image {name!r} contient un script, un style ou un lien externe")
    return problems


def _ids_unique(items, path):
    seen = set()
    for index, entry in enumerate(items):
        if entry["id"] in seen:
            yield (*path, index, "id"), f"identifiant {entry['id']!r} en double"
        seen.add(entry["id"])


def _choice_rules(entry):
    content = entry["content"]
    yield from _ids_unique(content["options"], ("content", "options"))
    ids = {option["id"] for option in content["options"]}
    for index, right in enumerate(content["correct"]):
        if right not in ids:
            yield ("content", "correct", index), f"{right!r} n'est pas une des réponses proposées"
    if not content.get("multiple") and len(content["correct"]) != 1:
        yield ("content", "correct"), "une seule bonne réponse attendue (sinon « multiple »: true)"
    expected = 2 ** len(ids) - 1 if content.get("multiple") else len(ids)
    if entry["choices"] != expected:
        yield ("choices",), f"{entry['choices']} au lieu de {expected} réponses possibles"


def _yes_no_rules(entry):
    if entry["choices"] != 2:
        yield ("choices",), "un oui / non a 2 réponses possibles"
    if entry["content"].get("picture") and not entry["content"].get("picture_alt"):
        yield ("content", "picture_alt"), "une image demande sa description"


def _zone_rules(entry):
    content = entry["content"]
    yield from _ids_unique(content["zones"], ("content", "zones"))
    for index, zone in enumerate(content["zones"]):
        if zone["x"] + zone["w"] > content["width"] or zone["y"] + zone["h"] > content["height"]:
            yield ("content", "zones", index), "la zone dépasse de l'image"
        if min(zone["w"], zone["h"]) < 24:
            yield ("content", "zones", index), "zone trop petite pour un doigt (24 au moins)"
    if content["correct"] not in {zone["id"] for zone in content["zones"]}:
        yield ("content", "correct"), f"{content['correct']!r} n'est pas une des zones"
    if entry["choices"] != len(content["zones"]):
        yield ("choices",), f"{len(content['zones'])} zones : autant de réponses possibles"


def _order_rules(entry):
    content = entry["content"]
    yield from _ids_unique(content["steps"], ("content", "steps"))
    ids = [step["id"] for step in content["steps"]]
    if sorted(content["shown"]) != sorted(ids):
        yield ("content", "shown"), "doit reprendre chaque étape une fois"
    elif content["shown"] == ids:
        yield ("content", "shown"), "les étapes ne doivent pas être montrées déjà dans l'ordre"
    expected = _factorial(len(ids))
    if entry["choices"] != expected:
        yield ("choices",), f"{len(ids)} étapes : {expected} ordres possibles"


def _factorial(n: int) -> int:
    result = 1
    for k in range(2, n + 1):
        result *= k
    return result


def _form_rules(entry):
    fields = entry["content"]["fields"]
    seen = set()
    for index, spec in enumerate(fields):
        if spec["name"] in seen:
            yield ("content", "fields", index, "name"), f"champ {spec['name']!r} en double"
        seen.add(spec["name"])
        rule = spec["rule"]
        if rule["kind"] == "pattern":
            try:
                re.compile(rule["value"])
            except re.error as error:
                yield ("content", "fields", index, "rule", "value"), f"motif invalide : {error}"
        if spec["input"] == "select":
            if not spec.get("options"):
                yield ("content", "fields", index, "options"), "une liste demande ses choix"
            elif rule["kind"] == "exact" and rule["value"] not in spec["options"]:
                yield ("content", "fields", index, "rule", "value"), "pas dans les choix"
    if entry["choices"] != 1:
        yield ("choices",), "un formulaire se remplit, rien à deviner : 1"


def _mailbox_rules(entry):
    content = entry["content"]
    yield from _ids_unique(content["messages"], ("content", "messages"))
    by_id = {message["id"]: message for message in content["messages"]}
    target = by_id.get(content["target"])
    if target is None:
        yield ("content", "target"), f"{content['target']!r} n'est pas un des messages"
    elif content["task"] == "attachment" and not target.get("attachment"):
        yield ("content", "target"), "le message à trouver n'a pas de pièce jointe"
    if content["task"] == "attachment":
        expected = sum(1 for message in content["messages"] if message.get("attachment"))
    else:
        expected = len(content["messages"])
    if entry["choices"] != expected:
        yield ("choices",), f"{expected} réponses possibles"


def _typing_rules(entry):
    if entry["choices"] != 1:
        yield ("choices",), "une saisie n'a rien à deviner : 1"


def _pointer_rules(entry):
    content = entry["content"]
    if content["action"] == "drag" and not content.get("drop"):
        yield ("content", "drop"), "un glisser-déposer dit où déposer"
    if entry["choices"] != 1:
        yield ("choices",), "un geste n'a rien à deviner : 1"


def _simulation_rules(entry):
    content = entry["content"]
    screens = {screen["id"] for screen in content["screens"]}
    if len(screens) != len(content["screens"]):
        yield ("content", "screens"), "deux écrans ont le même id"
    if content["start"] not in screens:
        yield ("content", "start"), f"{content['start']!r} n'est pas un écran"
    actions, names, ends = set(), set(), 0
    texts_only = {
        screen["id"]
        for screen in content["screens"]
        if all(element["kind"] == "text" for element in screen["elements"])
    }
    for s_index, screen in enumerate(content["screens"]):
        for e_index, element in enumerate(screen["elements"]):
            where = ("content", "screens", s_index, "elements", e_index)
            if element["kind"] == "action":
                if element["id"] in actions:
                    yield (*where, "id"), f"action {element['id']!r} en double"
                actions.add(element["id"])
                ends += bool(element.get("end"))
                if element.get("go") and element["go"] not in screens:
                    yield (*where, "go"), f"{element['go']!r} n'est pas un écran"
                elif element.get("end") and element.get("go") not in (None, *texts_only):
                    # The service's answer to the ending tap is shown with the feedback:
                    # nothing on it can be tapped.
                    yield (
                        (*where, "go"),
                        (
                            f"l'écran {element['go']!r} suit une action de fin : "
                            "il n'a que des textes"
                        ),
                    )
            elif element["kind"] == "field":
                if element["name"] in names:
                    yield (*where, "name"), f"champ {element['name']!r} en double"
                names.add(element["name"])
                if element["rule"]["kind"] == "pattern":
                    try:
                        re.compile(element["rule"]["value"])
                    except re.error as error:
                        yield (*where, "rule", "value"), f"motif invalide : {error}"
    if not ends:
        yield ("content", "screens"), "aucune action ne termine la simulation (end)"
    for key in ("required", "forbidden"):
        for index, action in enumerate(content.get(key, [])):
            if action not in actions:
                yield ("content", key, index), f"{action!r} n'est pas une action"
    if set(content["required"]) & set(content.get("forbidden", [])):
        yield ("content", "forbidden"), "une action ne peut être demandée et interdite"
    if entry["choices"] != 1:
        yield ("choices",), "une simulation se fait, rien à deviner : 1"


RULES = {
    "choice": _choice_rules,
    "yes_no": _yes_no_rules,
    "zone": _zone_rules,
    "order": _order_rules,
    "form": _form_rules,
    "mailbox": _mailbox_rules,
    "typing": _typing_rules,
    "pointer": _pointer_rules,
    "simulation": _simulation_rules,
}


class ContentError(Exception):
    pass


@cache
def _catalogue(root: str) -> dict[str, Item]:
    report = check_directory(Path(root))
    if report.problems:
        raise ContentError("\n".join(report.problems))
    return {item.key: item for item in report.items}


def catalogue() -> dict[str, Item]:
    """Every item of the content directory by its id (read once per process)."""
    return _catalogue(str(content_dir()))


def clear_cache() -> None:
    _catalogue.cache_clear()
    _picture.cache_clear()


def get_item(key: str) -> Item | None:
    return catalogue().get(key)


@cache
def _picture(root: str, name: str) -> str:
    return (Path(root) / "pictures" / name).read_text(encoding="utf-8")


def picture_svg(name: str) -> str:
    """The SVG text of a picture, checked by ``check_directory`` (inlined in the page)."""
    return _picture(str(content_dir()), name)
