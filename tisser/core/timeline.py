"""The timeline of a person's file, fed by every app without editing this module (a core registry).

An app adds events by shipping a module ``<app>/timeline_events.py`` with a function::

    def timeline_events(beneficiary) -> Iterable[TimelineEvent]: ...

and, in the same module, may offer what can be done from the file (a button on its page)::

    def file_actions(beneficiary, membership) -> Iterable[FileAction]: ...

Every installed app's module is discovered once (``autodiscover_modules``) and the list is
rebuilt when ``INSTALLED_APPS`` changes (tests). A provider runs a constant number of
queries for one file; the events are shown newest first.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.apps import apps
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import autodiscover_modules, module_has_submodule

MODULE_NAME = "timeline_events"
PROVIDER_NAME = "timeline_events"
ACTIONS_NAME = "file_actions"


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    kind: str  # a short code, e.g. "referral.accepted", used for styling and tests
    title: str  # plain French, shown as the line's heading
    detail: str = ""
    url: str = ""


@dataclass(frozen=True)
class FileAction:
    label: str  # plain French, a verb: « Noter une activité »
    url: str


Provider = Callable[..., Iterable]


def discover_providers(app_configs=None, *, name: str = PROVIDER_NAME) -> list[Provider]:
    """The function ``name`` of every app that has a ``timeline_events`` module."""
    if app_configs is None:
        autodiscover_modules(MODULE_NAME)
        app_configs = apps.get_app_configs()
    providers = []
    for app_config in app_configs:
        if not module_has_submodule(app_config.module, MODULE_NAME):
            continue
        module = importlib.import_module(f"{app_config.name}.{MODULE_NAME}")
        provider = getattr(module, name, None)
        if callable(provider):
            providers.append(provider)
    return providers


@cache
def providers() -> tuple[Provider, ...]:
    return tuple(discover_providers())


@cache
def action_providers() -> tuple[Provider, ...]:
    return tuple(discover_providers(name=ACTIONS_NAME))


@receiver(setting_changed)
def _forget_providers(*, setting, **kwargs):
    if setting == "INSTALLED_APPS":
        providers.cache_clear()
        action_providers.cache_clear()


def beneficiary_timeline(beneficiary) -> list[TimelineEvent]:
    """Every event of every provider for one file, newest first."""
    events: list[TimelineEvent] = []
    for provider in providers():
        events.extend(provider(beneficiary))
    events.sort(key=lambda event: event.at, reverse=True)
    return events


def beneficiary_actions(beneficiary, membership) -> list[FileAction]:
    """What this member can start from the file, offered by every app (no query of its own:
    a provider decides from the file and the membership)."""
    actions: list[FileAction] = []
    for provider in action_providers():
        actions.extend(provider(beneficiary, membership))
    return actions
