"""French public holidays, computed offline (no calendar service, no yearly data file).

The eleven national days (Code du travail, art. L3133-1), the movable ones derived from
Easter Sunday; Alsace-Moselle (departments 57, 67, 68) adds Good Friday and 26 December
(art. L3134-13). The department is read from a postal code: its first two digits.
"""

from __future__ import annotations

import datetime
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext_lazy as _

ALSACE_MOSELLE_DEPARTMENTS = frozenset({"57", "67", "68"})


def easter_sunday(year: int) -> datetime.date:
    """Easter Sunday of the Gregorian calendar (the anonymous algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


def is_alsace_moselle(postal_code: str) -> bool:
    return (postal_code or "")[:2] in ALSACE_MOSELLE_DEPARTMENTS


@lru_cache(maxsize=64)
def _holidays(year: int, alsace_moselle: bool) -> dict[datetime.date, Any]:
    easter = easter_sunday(year)
    days = {
        datetime.date(year, 1, 1): _("Jour de l'an"),
        easter + datetime.timedelta(days=1): _("Lundi de Pâques"),
        datetime.date(year, 5, 1): _("Fête du Travail"),
        datetime.date(year, 5, 8): _("Victoire 1945"),
        easter + datetime.timedelta(days=39): _("Ascension"),
        easter + datetime.timedelta(days=50): _("Lundi de Pentecôte"),
        datetime.date(year, 7, 14): _("Fête nationale"),
        datetime.date(year, 8, 15): _("Assomption"),
        datetime.date(year, 11, 1): _("Toussaint"),
        datetime.date(year, 11, 11): _("Armistice 1918"),
        datetime.date(year, 12, 25): _("Noël"),
    }
    if alsace_moselle:
        days[easter - datetime.timedelta(days=2)] = _("Vendredi saint")
        days[datetime.date(year, 12, 26)] = _("Saint-Étienne")
    return days


def public_holidays(year: int, *, postal_code: str = "") -> dict[datetime.date, str]:
    """Every public holiday of ``year`` (date -> French name) where ``postal_code`` lies."""
    return {day: str(name) for day, name in _holidays(year, is_alsace_moselle(postal_code)).items()}


def holiday_name(day: datetime.date, *, postal_code: str = "") -> str | None:
    """The French name of the public holiday on ``day``, or None on a working day."""
    name = _holidays(day.year, is_alsace_moselle(postal_code)).get(day)
    return str(name) if name is not None else None
