import re

from django import template
from django.utils.translation import gettext, ngettext

from tisser.accounts.enums import Weekday
from tisser.core import clock, dates
from tisser.website import plain_words

register = template.Library()


@register.filter
def tel_href(phone: str) -> str:
    """A phone number as written by people ("03 88 12 34 56") turned into a tel: target."""
    return "tel:" + re.sub(r"[^\d+]", "", phone or "")


@register.simple_tag
def today_weekday() -> int:
    """Today's weekday in the site's time zone, Monday = 0 (as in accounts.enums.Weekday)."""
    return clock.localdate().weekday()


@register.simple_tag
def opening_days(slots, all_days=False):
    """Opening slots grouped by weekday: [(weekday label, weekday number, [slots])].

    With ``all_days`` every day of the week is listed, closed days with no slot.
    """
    by_day: dict[int, list] = {}
    for slot in slots:
        by_day.setdefault(slot.weekday, []).append(slot)
    days = []
    for weekday, label in Weekday.choices:
        if weekday in by_day or all_days:
            slots_of_day = sorted(by_day.get(weekday, []), key=lambda slot: slot.opens_at)
            days.append((label, weekday, slots_of_day))
    return days


@register.filter(name="plain_service")
def plain_service_filter(code: str) -> str:
    return plain_words.plain_service(code)


@register.simple_tag
def distance_words(distance_km: float) -> str:
    """ "À environ 12 km" — rounded, since the points are approximate (decision 0032)."""
    if distance_km < 1:
        return gettext("À moins d'un kilomètre")
    kilometres = round(distance_km)
    return ngettext("À environ %(km)s km", "À environ %(km)s km", kilometres) % {"km": kilometres}


@register.filter
def french_day(day) -> str:
    """``25 décembre 2026``, ``1er mai 2027`` (core.dates)."""
    return dates.format_day(day)
