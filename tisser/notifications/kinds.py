"""The registry of message kinds: each app registers the messages it sends.

Notifications know no domain model. An app ships a module ``<app>/notification_kinds.py``
(discovered once, like the timeline's ``timeline_events`` modules) that calls
``register_kind`` for each message it sends:

- ``code``: the kind's code, stored on the Notification (its ``template`` field);
- ``label``: a short French label for histories and timelines ("Rendez-vous proposé");
- ``recipient_kind``: person, referrer, site team or invitee;
- ``subject_type``: the label of the model the message is about ("referrals.referral");
- ``template``: the path of its texts without extension: ``<template>.subject.txt``,
  ``<template>.email.txt`` and, for messages to the person, ``<template>.sms.txt``;
- ``context``: ``context(subject) -> dict``, every fact the texts may show, read at send time;
- ``contact``: ``contact(subject) -> Contact``, whom to write to, read at send time.

An app below notifications (accounts) cannot import it: notifications registers that
app's kinds in its own ``notification_kinds`` module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import autodiscover_modules

from tisser.notifications.models import RecipientKind

MODULE_NAME = "notification_kinds"


@dataclass(frozen=True)
class Contact:
    """How to reach the recipients of a message about one subject, read when it is sent."""

    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    email: str = ""
    # "sms", "email", "call" (the site calls, no message) or "referrer" (through them).
    preferred_channel: str = ""
    # The e-mail of an active referrer who may pass messages on, else "".
    referrer_email: str = ""


@dataclass(frozen=True)
class MessageKind:
    code: str
    label: Any
    recipient_kind: str
    subject_type: str
    template: str
    context: Callable[[Any], dict[str, Any]]
    contact: Callable[[Any], Contact]

    @property
    def has_sms(self) -> bool:
        """Only messages to the person have an SMS version; everyone else gets e-mail."""
        return self.recipient_kind == RecipientKind.PERSON

    def load_subject(self, subject_id: int | None):
        """The subject as it is now, or None when it no longer exists."""
        if subject_id is None:
            return None
        model = apps.get_model(self.subject_type)
        return model._default_manager.filter(pk=subject_id).first()


_kinds: dict[str, MessageKind] = {}
_discovered = False


def register_kind(
    code: str,
    *,
    label: Any,
    recipient_kind: str,
    subject_type: str,
    template: str,
    context: Callable[[Any], dict[str, Any]],
    contact: Callable[[Any], Contact],
) -> MessageKind:
    if recipient_kind not in RecipientKind.values:
        raise ImproperlyConfigured(f"Unknown recipient kind {recipient_kind!r} for {code!r}")
    kind = MessageKind(
        code=code,
        label=label,
        recipient_kind=str(RecipientKind(recipient_kind).value),
        subject_type=subject_type.lower(),
        template=template,
        context=context,
        contact=contact,
    )
    if code in _kinds and _kinds[code] != kind:
        raise ImproperlyConfigured(f"Message kind {code!r} is registered twice")
    _kinds[code] = kind
    return kind


def discover() -> None:
    """Import every app's ``notification_kinds`` module once (AppConfig.ready calls it)."""
    global _discovered
    if not _discovered:
        autodiscover_modules(MODULE_NAME)
        _discovered = True


def get_kind(code: str) -> MessageKind | None:
    discover()
    return _kinds.get(code)


def all_kinds() -> dict[str, MessageKind]:
    discover()
    return dict(_kinds)


def kind_label(code: str) -> str:
    """The French label of a kind, or its code when it is unknown (a removed kind)."""
    kind = get_kind(code)
    return str(kind.label) if kind else code
