"""When a site is open: weekly opening hours, exceptional closures and public holidays.

One question for every booking: may something take place at this site from ``starts_at``
to ``ends_at``? ``closed_message`` answers with None, or with the French sentence that
explains why not and names the hours ("L'espace est fermé le dimanche. Horaires : …").

A site that has not declared any opening hours yet is bound by its closures and the
public holidays only (docs/decisions/0025-booking-rules.md).
"""

from __future__ import annotations

import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tisser.accounts.enums import Weekday
from tisser.accounts.models import Closure, OpeningHours, Site
from tisser.core.holidays import holiday_name


def _hour(moment: datetime.time) -> str:
    return f"{moment.hour} h" if moment.minute == 0 else f"{moment.hour} h {moment.minute:02d}"


def _slot_text(slot: OpeningHours) -> str:
    return f"{_hour(slot.opens_at)}–{_hour(slot.closes_at)}"


def site_slots(site: Site) -> list[OpeningHours]:
    """The site's weekly slots in order (uses a prefetched ``opening_hours`` if there is one)."""
    return sorted(site.opening_hours.all(), key=lambda slot: (slot.weekday, slot.opens_at))


def hours_text(slots: list[OpeningHours]) -> str:
    """``lundi 9 h–12 h, 14 h–17 h ; mardi 9 h–12 h`` — the week in one line."""
    days: dict[int, list[str]] = {}
    for slot in slots:
        days.setdefault(slot.weekday, []).append(_slot_text(slot))
    return " ; ".join(
        f"{str(Weekday(weekday).label).lower()} {', '.join(texts)}"
        for weekday, texts in sorted(days.items())
    )


def _day(day: datetime.date) -> str:
    return formats.date_format(day, "l j F Y")


def closed_day_message(site: Site, day: datetime.date, closures: list[Closure]) -> str | None:
    """Why the site is closed all day on ``day`` (holiday, closure), or None."""
    slots = site_slots(site)
    hours = hours_text(slots)
    suffix = (" " + _("Horaires : %(hours)s.") % {"hours": hours}) if hours else ""
    holiday = holiday_name(day, postal_code=site.postal_code)
    if holiday:
        return (
            _("L'espace est fermé le %(day)s (%(holiday)s, jour férié).")
            % {"day": _day(day), "holiday": holiday}
            + suffix
        )
    for closure in closures:
        if closure.starts_on <= day <= closure.ends_on:
            return (
                _("L'espace est fermé du %(start)s au %(end)s (%(reason)s).")
                % {
                    "start": _day(closure.starts_on),
                    "end": _day(closure.ends_on),
                    "reason": closure.get_reason_display().lower(),
                }
                + suffix
            )
    if slots and not any(slot.weekday == day.weekday() for slot in slots):
        return (
            _("L'espace est fermé le %(weekday)s.")
            % {"weekday": str(Weekday(day.weekday()).label).lower()}
            + suffix
        )
    return None


def closed_message(
    site: Site, starts_at: datetime.datetime, ends_at: datetime.datetime
) -> str | None:
    """None when the site is open the whole time from ``starts_at`` to ``ends_at``."""
    start = timezone.localtime(starts_at)
    end = timezone.localtime(ends_at)
    day = start.date()
    closures = list(Closure.objects.filter(site=site).overlapping(day, day))
    message = closed_day_message(site, day, closures)
    if message:
        return message
    slots = [slot for slot in site_slots(site) if slot.weekday == day.weekday()]
    if not slots:
        return None  # no declared hours: only closures and holidays bind (see the docstring)
    fits = end.date() == day and any(
        slot.opens_at <= start.time() and end.time() <= slot.closes_at for slot in slots
    )
    if fits:
        return None
    return _(
        "Le rendez-vous doit tenir dans les horaires d'ouverture du %(weekday)s : %(hours)s."
    ) % {
        "weekday": str(Weekday(day.weekday()).label).lower(),
        "hours": ", ".join(_slot_text(slot) for slot in slots),
    }
