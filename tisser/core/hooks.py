"""Domain hooks: a lower app announces what happened, higher apps subscribe.

A lower app never calls a higher one. When something happens that a higher app must act
on (a referral is consumed and the offers app opens an access right, a period closes and
the reporting app rolls up), the lower app declares the hook once and announces it::

    # tisser/referrals/hooks.py
    REFERRAL_CONSUMED = hooks.declare("referral.consumed", "The person came: ...")
    # tisser/referrals/transitions.py, inside the transition's transaction
    hooks.announce(REFERRAL_CONSUMED, actor=actor, referral=referral)

and a higher app subscribes in its ``<app>/subscriptions.py`` module, discovered once for
every installed app (like the timeline's ``timeline_events`` modules)::

    @hooks.subscribe("referral.consumed")
    def open_access_right(*, actor, referral): ...

Subscribers run synchronously, in the announcer's transaction and in the order of
``INSTALLED_APPS``: if one raises, the whole change rolls back, so a subscriber is written
and tested like a service. This is deliberately not Django signals on model saves: a hook
is a domain event, named, declared and announced by one service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from django.core.signals import setting_changed
from django.db import connection
from django.dispatch import receiver
from django.utils.module_loading import autodiscover_modules

# An app declares its hooks in ``<app>/hooks.py`` and subscribes in ``<app>/subscriptions.py``.
DECLARATIONS_MODULE = "hooks"
SUBSCRIPTIONS_MODULE = "subscriptions"

Subscriber = Callable[..., None]


class HookError(RuntimeError):
    """A programming error: an unknown hook, or an announce outside a transaction."""


@dataclass
class Hook:
    name: str
    description: str
    subscribers: list[Subscriber] = field(default_factory=list)


_hooks: dict[str, Hook] = {}


def declare(name: str, description: str) -> str:
    """Declare a hook (idempotent); returns its name, to be used as a constant."""
    _hooks.setdefault(name, Hook(name=name, description=description))
    return name


def declared() -> dict[str, str]:
    """Every declared hook and what it means (for docs/architecture.md and tests)."""
    _discover()
    return {name: hook.description for name, hook in sorted(_hooks.items())}


def subscribe(name: str) -> Callable[[Subscriber], Subscriber]:
    """Register the decorated function for the hook ``name``."""

    def decorator(function: Subscriber) -> Subscriber:
        hook = _require(name)
        if function not in hook.subscribers:
            hook.subscribers.append(function)
        return function

    return decorator


def unsubscribe(name: str, function: Subscriber) -> None:
    """Remove a subscriber (tests that register one for a single case)."""
    hook = _require(name)
    if function in hook.subscribers:
        hook.subscribers.remove(function)


def subscribers(name: str) -> tuple[Subscriber, ...]:
    _discover()
    return tuple(_require(name).subscribers)


def announce(name: str, **payload) -> None:
    """Tell every subscriber of ``name``, inside the caller's open transaction."""
    if not connection.in_atomic_block:
        raise HookError(f"announce({name!r}) must run inside transaction.atomic().")
    for subscriber in subscribers(name):
        subscriber(**payload)


def _require(name: str) -> Hook:
    try:
        return _hooks[name]
    except KeyError:
        raise HookError(f"Unknown hook {name!r}: declare it in the announcing app.") from None


@cache
def _discover() -> None:
    """Import every installed app's ``hooks`` then ``subscriptions`` module, once."""
    autodiscover_modules(DECLARATIONS_MODULE)
    autodiscover_modules(SUBSCRIPTIONS_MODULE)


@receiver(setting_changed)
def _forget_discovery(*, setting, **kwargs):
    if setting == "INSTALLED_APPS":
        _discover.cache_clear()
