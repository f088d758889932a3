"""Modules as data: one JSON file per module under ``content/modules/`` (decision 0053).

The smallest reader of the contract's names (``modules()``, ``module(key)``,
``Module.steps``, ``Module.step(id)``, ``Module.exercise_item(step_id)``,
``modules_for(domain, level)``); the full schema checks come with the content part.
Read once per process; ``LEARNING_CONTENT_DIR`` names the directory.
"""

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

from tisser.exercises.content import Item


@dataclass(frozen=True)
class Module:
    key: str
    version: int
    title: str
    objective: str
    domain: str
    level: int
    minutes: int
    device: str
    prerequisites: tuple[str, ...] = ()
    steps: tuple[dict[str, Any], ...] = field(default=(), compare=False)

    def step(self, step_id: str) -> dict[str, Any] | None:
        return next((step for step in self.steps if step["id"] == step_id), None)

    def exercise_item(self, step_id: str) -> Item | None:
        step = self.step(step_id)
        if step is None or step.get("kind") != "exercise":
            return None
        definition = {"domain": self.domain, "level": self.level, **step["item"]}
        return Item.from_definition(definition, source=f"{self.key}.json")

    @property
    def step_ids(self) -> tuple[str, ...]:
        return tuple(step["id"] for step in self.steps)


def content_dir() -> Path:
    return Path(settings.LEARNING_CONTENT_DIR)


@cache
def _modules(root: str) -> dict[str, Module]:
    found = {}
    for path in sorted(Path(root).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        found[data["id"]] = Module(
            key=data["id"],
            version=data["version"],
            title=data["title"],
            objective=data["objective"],
            domain=data["domain"],
            level=data["level"],
            minutes=data["minutes"],
            device=data["device"],
            prerequisites=tuple(data.get("prerequisites", ())),
            steps=tuple(data["steps"]),
        )
    return found


def modules() -> dict[str, Module]:
    """Every module by its id (read once per process)."""
    return _modules(str(content_dir()))


def module(key: str) -> Module | None:
    return modules().get(key)


def modules_for(domain: str, level: int) -> list[Module]:
    """The modules of a domain at one level, by title."""
    found = [m for m in modules().values() if m.domain == domain and m.level == level]
    return sorted(found, key=lambda m: (m.title, m.key))


def clear_cache() -> None:
    _modules.cache_clear()
