"""What a signed-in learner can do, listed on their home page (``/apprendre/accueil/``).

A core registry, like the file's timeline: an app that has something for learners
(exercises now, diagnostics and modules later) ships ``<app>/learner_sections.py`` with::

    def learner_sections(learner) -> Iterable[LearnerSection]: ...

``learner`` is the person's file (``request.learner``). Modules are discovered once and the
list is rebuilt when ``INSTALLED_APPS`` changes (tests). A provider runs a constant number
of queries; sections are shown by ``order``, then title.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import autodiscover_modules, module_has_submodule

MODULE_NAME = "learner_sections"
PROVIDER_NAME = "learner_sections"


@dataclass(frozen=True)
class LearnerSection:
    title: str  # plain French, short: « M'entraîner »
    url: str
    description: str = ""  # one plain sentence under the title
    # A light inline-able SVG file under static/ (e.g. "exercises/practice.svg"), or "".
    icon: str = ""
    order: int = 100
    # A count or a short state shown beside the title (« 3 nouveaux »), or "".
    badge: str = ""


Provider = Callable[[object], Iterable[LearnerSection]]


def discover_providers(app_configs=None) -> list[Provider]:
    if app_configs is None:
        autodiscover_modules(MODULE_NAME)
        app_configs = apps.get_app_configs()
    found = []
    for app_config in app_configs:
        if not module_has_submodule(app_config.module, MODULE_NAME):
            continue
        module = importlib.import_module(f"{app_config.name}.{MODULE_NAME}")
        provider = getattr(module, PROVIDER_NAME, None)
        if callable(provider):
            found.append(provider)
    return found


@cache
def providers() -> tuple[Provider, ...]:
    return tuple(discover_providers())


@receiver(setting_changed)
def _forget_providers(*, setting, **kwargs):
    if setting == "INSTALLED_APPS":
        providers.cache_clear()


def sections_for(learner) -> list[LearnerSection]:
    sections: list[LearnerSection] = []
    for provider in providers():
        sections.extend(provider(learner))
    sections.sort(key=lambda section: (section.order, section.title))
    return sections
