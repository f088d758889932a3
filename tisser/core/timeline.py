"""The timeline of a person's file, fed by every app without editing this module (a core registry).

An app adds events by shipping a module ``<app>/timeline_events.py`` with a function::

    def timeline_events(beneficiary) -> Iterable[TimelineEvent]: ...

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


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    kind: str  # a short code, e.g. "referral.accepted", used for styling and tests
    title: str  # plain French, shown as the line's heading
    detail: str = ""
    url: str = ""


Provider = Callable[[object], Iterable[TimelineEvent]]


def discover_providers(app_configs=None) -> list[Provider]:
    """The ``timeline_events`` function of every app that has a ``timeline_events`` module."""
    if app_configs is None:
        autodiscover_modules(MODULE_NAME)
        app_configs = apps.get_app_configs()
    providers = []
    for app_config in app_configs:
        if not module_has_submodule(app_config.module, MODULE_NAME):
            continue
        module = importlib.import_module(f"{app_config.name}.{MODULE_NAME}")
        provider = getattr(module, PROVIDER_NAME, None)
        if callable(provider):
            providers.append(provider)
    return providers


@cache
def providers() -> tuple[Provider, ...]:
    return tuple(discover_providers())


@receiver(setting_changed)
def _forget_providers(*, setting, **kwargs):
    if setting == "INSTALLED_APPS":
        providers.cache_clear()


def beneficiary_timeline(beneficiary) -> list[TimelineEvent]:
    """Every event of every provider for one file, newest first."""
    events: list[TimelineEvent] = []
    for provider in providers():
        events.extend(provider(beneficiary))
    events.sort(key=lambda event: event.at, reverse=True)
    return events
