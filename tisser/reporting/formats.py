"""Figures written the French way, for the dashboards, their charts and their downloads:
``37 000`` (a narrow no-break space between thousands), ``12,5 h``, ``93,1 %``,
``1 234,56 €``; « moins de 10 » and « — » come from ``tisser.core.small_counts``."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils.dates import MONTHS, MONTHS_AP
from django.utils.translation import gettext as _

from tisser.core.money import NBSP, format_euros
from tisser.reporting.enums import Unit

THOUSANDS = "\u202f"
MINUS = "\u2212"


def number(value, places: int = 0) -> str:
    """``12 345`` or ``12 345,6``: a number with French separators."""
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    text = f"{abs(rounded):,.{places}f}".replace(",", THOUSANDS).replace(".", ",")
    return (MINUS if rounded < 0 else "") + text


def _places(value) -> int:
    """No decimals for a whole number, one otherwise."""
    return 0 if Decimal(value) == Decimal(value).to_integral_value() else 1


def figure(value, unit: str) -> str:
    """A figure's value in words of its unit (``value`` is never None here)."""
    if unit == Unit.RATE:
        return f"{number(Decimal(value) * 100, 1)}{NBSP}%"
    if unit == Unit.EUROS:
        if Decimal(value) == Decimal(value).to_integral_value():
            return f"{number(value)}{NBSP}€"
        return format_euros(value)
    if unit == Unit.HOURS:
        return f"{number(value, _places(value))}{NBSP}h"
    if unit == Unit.DAYS:
        return _("%(days)s j") % {"days": number(value, _places(value))}
    return number(value, _places(value))


def month(day: datetime.date, *, short: bool = False) -> str:
    """``janvier 2026`` (``janv. 2026`` when ``short``)."""
    name = MONTHS_AP[day.month] if short else MONTHS[day.month]
    return f"{name} {day.year}"
