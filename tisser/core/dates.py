"""Dates written out in French for people: one helper for messages and pages alike."""

import datetime

from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.dates import MONTHS
from django.utils.translation import gettext, ngettext

from tisser.core import clock


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` in the project's time zone (Paris), aware."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


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


def format_day_month(value: datetime.date | datetime.datetime) -> str:
    """``1er décembre``: a day of the current year, or the first day of a range whose last
    day carries the year (``du 30 novembre au 6 décembre 2026``)."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month]}"


def format_weekday(value: datetime.date | datetime.datetime, *, year: bool = False) -> str:
    """``mardi 1er décembre`` (``mardi 1er décembre 2026`` with ``year``): a day people
    plan by, its weekday first."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    with translation.override("fr"):
        weekday = date_format(value, "l")
    text = f"{weekday} {format_day_month(value)}"
    return f"{text} {value.year}" if year else text


def format_hour(value: datetime.time | datetime.datetime) -> str:
    """``9 h``, ``14 h 30``: the French way of writing a time of day (in the French time
    zone for a moment)."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return f"{value.hour} h" if value.minute == 0 else f"{value.hour} h {value.minute:02d}"


def format_ago(moment: datetime.datetime, *, now: datetime.datetime | None = None) -> str:
    """How long ago ``moment`` was, as people say it, so that it reads after a verb
    (« envoyé il y a 5 min »): ``à l'instant``, ``il y a 5 min``, ``il y a 3 h`` (the same
    day), ``hier à 14 h 30``, ``il y a 4 jours``, ``il y a 3 semaines``, then the day
    itself (``le mardi 5 janvier 2027 à 14 h 30``). A moment to come is written in full."""
    now = now or clock.now()
    seconds = (now - moment).total_seconds()
    if seconds < 0:
        return gettext("le %(day)s") % {"day": format_when(moment)}
    if seconds < 60:
        return gettext("à l'instant")
    if seconds < 3600:
        return gettext("il y a %(minutes)d min") % {"minutes": seconds // 60}
    local, local_now = timezone.localtime(moment), timezone.localtime(now)
    days = (local_now.date() - local.date()).days
    if days == 0:
        return gettext("il y a %(hours)d h") % {"hours": seconds // 3600}
    if days == 1:
        return gettext("hier à %(hour)s") % {"hour": format_hour(local)}
    if days < 7:
        return gettext("il y a %(days)d jours") % {"days": days}
    if days < 8 * 7:
        weeks = days // 7
        return ngettext("il y a %(weeks)d semaine", "il y a %(weeks)d semaines", weeks) % {
            "weeks": weeks
        }
    return gettext("le %(day)s") % {"day": format_when(moment, today=local_now.date())}
