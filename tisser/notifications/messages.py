"""Rendering messages: the shared helpers and the context every text may use.

The texts belong to the app that registers the message kind (see notifications.kinds):
``<template>.{sms,subject,email}.txt``, in plain, short French: one idea per sentence, the
date written out ("jeudi 3 décembre à 14 h 30", the year added when it is not the current
one: ``tisser.core.dates.format_when``), the address, what to bring. They are rendered at
send time from the subject as it is then; the text itself is never stored.
"""

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch
from django.utils import translation

from tisser.core.phones import display_phone
from tisser.notifications.kinds import Contact, MessageKind


def short_name(first_name: str, last_name: str) -> str:
    """First name and initial ("Awa D."): enough for a referrer, less personal data in mail."""
    initial = f" {last_name.strip()[0].upper()}." if last_name.strip() else ""
    return f"{first_name.strip()}{initial}"


def absolute_url(obj) -> str:
    """Link to a page of Tisser, or "" while the page does not exist."""
    try:
        path = obj.get_absolute_url()
    except NoReverseMatch:
        return ""
    return (settings.PUBLIC_BASE_URL or "").rstrip("/") + path


def site_context(site) -> dict[str, str]:
    if site is None:
        return {"site_name": "", "site_address": "", "site_phone": ""}
    address = ", ".join(
        part for part in (site.address, f"{site.postal_code} {site.city}".strip()) if part
    )
    return {
        "site_name": site.name,
        "site_address": address,
        "site_phone": display_phone(site.phone) if site.phone.startswith("+") else site.phone,
    }


def build_context(
    *, kind: MessageKind, subject, contact: Contact, site, via_referrer: bool
) -> dict[str, Any]:
    """Everything a text may show, rebuilt from the database at send time."""
    context: dict[str, Any] = {
        "first_name": contact.first_name,
        "via_referrer": via_referrer,
    }
    if contact.first_name or contact.last_name:
        context["person_short"] = short_name(contact.first_name, contact.last_name)
    context.update(site_context(site))
    context.update(kind.context(subject))
    return context


def _tidy(text: str) -> str:
    """Strip each line and keep at most one blank line between paragraphs."""
    lines: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line and (not lines or not lines[-1]):
            continue
        lines.append(line)
    return "\n".join(lines).strip()


def render_sms(template: str, context: dict[str, Any]) -> str:
    with translation.override("fr"):
        return _tidy(render_to_string(f"{template}.sms.txt", context))


def render_email(template: str, context: dict[str, Any]) -> tuple[str, str]:
    with translation.override("fr"):
        subject = render_to_string(f"{template}.subject.txt", context)
        body = render_to_string(f"{template}.email.txt", context)
    return " ".join(subject.split()), _tidy(body) + "\n"
