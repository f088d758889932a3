"""The modules, read from ``content/modules/<id>.json`` (decision 0053).

The smallest loader with the contract's names, enough for the helper's pages, the figures
and the demo: ``modules()``, ``module(key)``, ``Module.steps``, ``Module.step(id)``,
``Module.exercise_item(step_id)``, ``modules_for(domain, level)``; loaded once per process
from ``settings.LEARNING_CONTENT_DIR``. The checked loader of the format's part replaces it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from tisser.exercises.content import Item
from tisser.learning.enums import StepKind


@dataclass(frozen=True)
class Step:
    id: str
    kind: str
    data: dict[str, Any] = field(compare=False)

    @property
    def title(self) -> str:
        if self.kind == StepKind.EXERCISE:
            return self.data["item"]["instruction"]
        if self.kind == StepKind.RECAP:
            return str(StepKind.RECAP.label)
        return self.data.get("title", "")


@dataclass(frozen=True)
class Module:
    id: str
    version: int
    title: str
    objective: str
    domain: str
    level: int
    minutes: int
    device: str
    prerequisites: tuple[str, ...]
    steps: tuple[Step, ...]

    @property
    def key(self) -> str:
        return self.id

    def step(self, step_id: str) -> Step | None:
        return next((step for step in self.steps if step.id == step_id), None)

    def exercise_item(self, step_id: str) -> Item | None:
        step = self.step(step_id)
        if step is None or step.kind != StepKind.EXERCISE:
            return None
        data = {"domain": self.domain, "level": self.level, **step.data["item"]}
        return Item.from_definition(data, source=f"modules/{self.id}.json")

    @classmethod
    def from_file(cls, data: dict[str, Any]) -> Module:
        return cls(
            id=data["id"],
            version=data["version"],
            title=data["title"],
            objective=data.get("objective", ""),
            domain=data["domain"],
            level=data["level"],
            minutes=data["minutes"],
            device=data["device"],
            prerequisites=tuple(data.get("prerequisites", ())),
            steps=tuple(
                Step(id=step["id"], kind=step["kind"], data=step) for step in data["steps"]
            ),
        )


def content_dir() -> Path:
    return Path(settings.LEARNING_CONTENT_DIR)


@cache
def _catalogue(root: str) -> dict[str, Module]:
    folder = Path(root)
    if not folder.is_dir():
        return {}
    found = [
        Module.from_file(json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(folder.glob("*.json"))
    ]
    found.sort(key=lambda m: (m.domain, m.level, m.title))
    return {row.id: row for row in found}


def clear_cache() -> None:
    _catalogue.cache_clear()


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting == "LEARNING_CONTENT_DIR":
        clear_cache()


def modules() -> tuple[Module, ...]:
    return tuple(_catalogue(str(content_dir())).values())


def module(key: str) -> Module | None:
    return _catalogue(str(content_dir())).get(key)


def modules_for(domain: str, level: int) -> tuple[Module, ...]:
    return tuple(row for row in modules() if row.domain == domain and row.level == level)
