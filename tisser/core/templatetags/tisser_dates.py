"""``{% load tisser_dates %}``: dates, times and numbers written the French way
(see core/dates.py; amounts with ``euros``, core/money.py). Use these rather than ``|date``, ``|time`` and ``|timesince``, whose
formats give abbreviated months, ``14:30`` or English-shaped ages."""

from django import template

from tisser.core.dates import (
    format_ago,
    format_day,
    format_day_month,
    format_hour,
    format_weekday,
    format_when,
)
from tisser.core.money import format_euros

register = template.Library()


@register.filter
def when(moment):
    """``mardi 5 janvier à 14 h 30`` (the year only when it is not the current one)."""
    if not moment:
        return ""
    return format_when(moment)


@register.filter
def day(value):
    """``1er décembre 2026``: a date (or the day of a moment)."""
    if not value:
        return ""
    return format_day(value)


@register.filter
def day_month(value):
    """``1er décembre``: a date without its year."""
    if not value:
        return ""
    return format_day_month(value)


@register.filter
def weekday(value):
    """``mardi 1er décembre``: a date with its weekday, without its year."""
    if not value:
        return ""
    return format_weekday(value)


@register.filter
def weekday_year(value):
    """``mardi 1er décembre 2026``: a date with its weekday and its year."""
    if not value:
        return ""
    return format_weekday(value, year=True)


@register.filter
def hour(value):
    """``9 h``, ``14 h 30``: a time (or the time of a moment)."""
    if value is None or value == "":
        return ""
    return format_hour(value)


@register.filter
def ago(moment):
    """``à l'instant``, ``il y a 5 min``, ``hier à 14 h 30``, then the day in full."""
    if not moment:
        return ""
    return format_ago(moment)


@register.filter
def number(value):
    """``12 345``: a whole number with the French thousands separator (a narrow no-break
    space), without turning every number of the site (ids in links) into one."""
    if value is None or value == "":
        return ""
    return f"{int(value):,}".replace(",", "\u202f")


@register.filter
def euros(value):
    """``1 234,56 €``: a Decimal amount in French (core/money.py); empty stays empty."""
    if value is None or value == "":
        return ""
    return format_euros(value)
