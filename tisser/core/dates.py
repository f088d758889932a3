"""Dates written out in French for people: one helper for messages and pages alike."""

import datetime

from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.dates import MONTHS

from tisser.core import clock


def format_when(moment: datetime.datetime, *, today: datetime.date | None = None) -> str:
    """``mardi 5 janvier à 14 h 30``, with the year when it is not the current one
    (``mardi 5 janvier 2027 à 14 h 30``); ``1er`` for the first day, ``9 h`` on the hour.

    ``moment`` is shown in the French time zone; ``today`` (default: today there) says which
    year is the current one.
    """
    local = timezone.localtime(moment)
    today = today or clock.localdate()
    with translation.override("fr"):
        weekday = date_format(local, "l")
        month = date_format(local, "F")
    day = "1er" if local.day == 1 else str(local.day)
    year = "" if local.year == today.year else f" {local.year}"
    hour = f"{local.hour} h" if local.minute == 0 else f"{local.hour} h {local.minute:02d}"
    return f"{weekday} {day} {month}{year} à {hour}"


def format_day(value: datetime.date | datetime.datetime) -> str:
    """``29 novembre 2026``, ``1er décembre 2026``: a day in a list, in the French time zone
    for a moment. Written out directly: a list page draws one per row."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month]} {value.year}"
