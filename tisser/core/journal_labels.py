"""How the audit journal reads in plain French, declared by the apps that write it (a core registry).

Core knows no domain, so each app that writes journal entries ships a module
``<app>/journal_labels.py`` with any of::

    ACTION_LABELS = {"referral.accepted": _("Bon d'orientation accepté"), ...}
    OBJECT_KINDS = [ObjectKind("referrals.referral", _("Bon d'orientation"), resolve_names)]
    DETAIL_FIELDS = {"referral.": {"from": DetailField(_("de"), ReferralStatus.choices)}}

- an action code gets its French label (a test fails on any written code without one);
- an object kind (``app_label.model``, as the journal stores it) gets a French name and a
  resolver that, given the acting membership and a batch of ids, answers with one query
  ``{id: ObjectName(text, url)}``: a page of 50 entries costs one query per kind shown;
- a payload key gets a French label and, for codes (statuses, roles), the codes' labels,
  for the actions whose code starts with the given prefix.

Every installed app's module is discovered once (``autodiscover_modules``), like the
timeline providers, and the registry is rebuilt when ``INSTALLED_APPS`` changes.
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.apps import apps
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import autodiscover_modules, module_has_submodule
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

MODULE_NAME = "journal_labels"


@dataclass(frozen=True)
class ObjectName:
    """A readable name for a journaled object and, when the reader may open it, its page."""

    text: str
    url: str = ""


Resolver = Callable[[Any, list[str]], Mapping[str, ObjectName]]


@dataclass(frozen=True)
class ObjectKind:
    object_type: str  # ``app_label.model`` as stored in ``JournalEntry.object_type``
    label: str
    resolve: Resolver | None = None


@dataclass(frozen=True)
class DetailField:
    label: str
    choices: Iterable[tuple[str, Any]] = ()


# Core's own entries (this module is also core's ``journal_labels``, found like any app's).
ACTION_LABELS = {"journal.purged": _lazy("Anciennes entrées du journal supprimées")}
DETAIL_FIELDS = {
    "journal.purged": {
        "removed": DetailField(_lazy("entrées supprimées")),
        "retention_days": DetailField(_lazy("durée de conservation (jours)")),
    }
}


@dataclass(frozen=True)
class Registry:
    actions: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, ObjectKind] = field(default_factory=dict)
    # action prefix -> payload key -> field, longest prefix first when looked up
    details: dict[str, dict[str, DetailField]] = field(default_factory=dict)


def discover(app_configs=None) -> Registry:
    if app_configs is None:
        autodiscover_modules(MODULE_NAME)
        app_configs = apps.get_app_configs()
    registry = Registry()
    for app_config in app_configs:
        if not module_has_submodule(app_config.module, MODULE_NAME):
            continue
        module = importlib.import_module(f"{app_config.name}.{MODULE_NAME}")
        for code, label in getattr(module, "ACTION_LABELS", {}).items():
            if code in registry.actions:
                raise ImproperlyConfiguredLabels(f"Journal action {code!r} is labelled twice")
            registry.actions[code] = label
        for kind in getattr(module, "OBJECT_KINDS", ()):
            registry.kinds[kind.object_type] = kind
        for prefix, fields in getattr(module, "DETAIL_FIELDS", {}).items():
            registry.details.setdefault(prefix, {}).update(fields)
    return registry


class ImproperlyConfiguredLabels(Exception):
    pass


@cache
def registry() -> Registry:
    return discover()


@receiver(setting_changed)
def _forget_registry(*, setting, **kwargs):
    if setting == "INSTALLED_APPS":
        registry.cache_clear()


def action_label(code: str) -> str:
    """The French label of an action; an unknown code (an old entry) is shown as it is."""
    label = registry().actions.get(code)
    return str(label) if label is not None else code


def action_choices() -> list[tuple[str, str]]:
    """Every labelled action, alphabetically by its French label (for a select)."""
    labelled = [(code, str(label)) for code, label in registry().actions.items()]
    return sorted(labelled, key=lambda pair: pair[1].lower())


def kind_label(object_type: str) -> str:
    kind = registry().kinds.get(object_type)
    return str(kind.label) if kind is not None else object_type


def kind_choices() -> list[tuple[str, str]]:
    labelled = [(kind.object_type, str(kind.label)) for kind in registry().kinds.values()]
    return sorted(labelled, key=lambda pair: pair[1].lower())


def _detail_fields(action: str) -> dict[str, DetailField]:
    """The payload fields declared for every prefix of ``action`` (the longest wins)."""
    fields: dict[str, DetailField] = {}
    for prefix in sorted(registry().details, key=len):
        if action.startswith(prefix):
            fields.update(registry().details[prefix])
    return fields


def _value_text(value: Any, choices: Mapping[str, Any]) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_value_text(item, choices) for item in value)
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if value is None or value == "":
        return "—"
    label = choices.get(str(value))
    if label is None:
        return str(value)
    label = str(label)
    return label[:1].lower() + label[1:]  # inside a sentence: « de : brouillon »


def details(action: str, payload: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The payload as (French label, French value) pairs; codes become their labels.

    A key no app declared is shown with its raw name: nothing in the journal is hidden.
    """
    fields = _detail_fields(action)
    lines = []
    if "from" in fields and "to" in fields and "from" in payload and "to" in payload:
        # A change of status reads as one line: « de : brouillon → à : envoyé ».
        payload = dict(payload)
        before, after = payload.pop("from"), payload.pop("to")
        lines.append(
            (
                _("changement"),
                f"{fields['from'].label} : {_value_text(before, dict(fields['from'].choices))}"
                f" → {fields['to'].label} : {_value_text(after, dict(fields['to'].choices))}",
            )
        )
    for key, value in payload.items():
        declared = fields.get(key)
        if declared is None:
            lines.append((key, _value_text(value, {})))
        else:
            lines.append((str(declared.label), _value_text(value, dict(declared.choices))))
    return lines


def resolve_objects(membership, entries: Iterable[Any]) -> dict[tuple[str, str], ObjectName]:
    """Readable names for the objects of ``entries``: one query per object kind present.

    An object that no longer exists (or is out of the reader's scope) is named by its kind
    and number, without a link.
    """
    wanted: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        if entry.object_type:
            wanted[entry.object_type].add(entry.object_id)
    names: dict[tuple[str, str], ObjectName] = {}
    for object_type, ids in wanted.items():
        kind = registry().kinds.get(object_type)
        found: Mapping[str, ObjectName] = {}
        if kind is not None and kind.resolve is not None:
            found = kind.resolve(membership, sorted(ids))
        for object_id in ids:
            names[(object_type, object_id)] = found.get(object_id) or ObjectName(
                _("%(kind)s n° %(id)s") % {"kind": kind_label(object_type), "id": object_id}
            )
    return names


def integer_ids(ids: Iterable[str]) -> list[int]:
    """The ids that are numbers (a resolver's ``pk__in``); anything else is skipped."""
    return [int(value) for value in ids if value.isdigit() and len(value) < 19]


def page_url(membership, url_name: str, pk) -> str:
    """The object's page if the reader's role may open it, else "" (no dead link, no 403)."""
    from django.urls import resolve, reverse

    url = reverse(url_name, kwargs={"pk": pk})
    allowed = getattr(resolve(url).func, "allowed_roles", ())
    return url if membership is not None and membership.role in allowed else ""
