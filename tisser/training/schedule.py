"""A cohort's dates, computed from its programme's plan (pure functions, no database).

One dated session per plan session, in the plan's order, on the cohort's weekdays from its
first day at its start time. A day is skipped when it is a public holiday where the site
lies (``tisser.core.holidays``: Alsace-Moselle by postal code) or inside one of the site's
closures (``accounts.Closure``). A session can then be moved by hand (``check_move``): to a
day that is neither a holiday nor closed, without overlapping another session of the
cohort or of the same room, and still between the sessions before and after it (the entry
diagnostic stays at the first session, the exit one at the last).

The services (``cohorts.py``) read the closures and the other sessions and call these
functions; the functions hold every rule of the calendar, so they are tested on their own.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.core.dates import format_day, format_hour, format_weekday
from tisser.core.errors import DomainError
from tisser.core.holidays import holiday_name

# A schedule that does not fit in this many days from the first day is refused (a cohort
# on one weekday a week with a long plan fits easily; a mistake does not run for ever).
HORIZON_DAYS = 2 * 366
# A session is moved at most this far from today (bounded input).
MOVE_HORIZON_DAYS = 2 * 366


@dataclass(frozen=True)
class ClosedDays:
    """A closure of the site, whole days from ``starts_on`` to ``ends_on`` (its reason)."""

    starts_on: datetime.date
    ends_on: datetime.date
    reason: str


@dataclass(frozen=True)
class Slot:
    """A dated session: the plan's position, its start and end (aware datetimes)."""

    position: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime


@dataclass(frozen=True)
class Busy:
    """A time already taken: another session of the cohort or of the same room."""

    starts_at: datetime.datetime
    ends_at: datetime.datetime
    label: str


def closed_reason(
    day: datetime.date, *, postal_code: str, closures: Iterable[ClosedDays]
) -> str | None:
    """Why the site is closed on ``day`` (the holiday's name or the closure's reason)."""
    name = holiday_name(day, postal_code=postal_code)
    if name is not None:
        return name
    for closure in closures:
        if closure.starts_on <= day <= closure.ends_on:
            return closure.reason
    return None


def at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """``day`` at ``time`` in the site's time zone (the project's)."""
    return timezone.make_aware(datetime.datetime.combine(day, time))


def check_fits_the_day(start_time: datetime.time, durations: Sequence[int]) -> None:
    """Every session starts and ends on the same day."""
    longest = max(durations, default=0)
    start = datetime.datetime.combine(datetime.date(2000, 1, 3), start_time)
    if (start + datetime.timedelta(minutes=longest)).date() != start.date():
        raise DomainError(
            _(
                "À %(time)s, la plus longue séance (%(minutes)s minutes) finirait après minuit : "
                "choisissez une heure de début plus tôt."
            )
            % {"time": format_hour(start_time), "minutes": longest}
        )


def generate(
    *,
    durations: Sequence[int],
    starts_on: datetime.date,
    weekdays: Iterable[int],
    start_time: datetime.time,
    postal_code: str,
    closures: Iterable[ClosedDays] = (),
) -> list[Slot]:
    """One slot per duration (the plan in order), on the next open day of ``weekdays``.

    Raises ``DomainError`` (in French) when the weekdays are empty or wrong, when a session
    would end after midnight, or when the plan does not fit within ``HORIZON_DAYS``.
    """
    days = sorted(set(weekdays))
    if not days or any(not isinstance(d, int) or not 0 <= d <= 6 for d in days):
        raise DomainError(_("Choisissez au moins un jour de la semaine pour les séances."))
    if not durations:
        raise DomainError(_("Le programme n'a encore aucune séance."))
    check_fits_the_day(start_time, durations)
    closures = list(closures)
    slots: list[Slot] = []
    day = starts_on
    last = starts_on + datetime.timedelta(days=HORIZON_DAYS)
    while len(slots) < len(durations):
        if day > last:
            raise DomainError(
                _(
                    "Les %(count)s séances ne tiennent pas en deux ans à partir du %(day)s "
                    "(jours fériés et fermetures compris) : ajoutez des jours de séance."
                )
                % {"count": len(durations), "day": format_day(starts_on)}
            )
        if day.weekday() in days and not closed_reason(
            day, postal_code=postal_code, closures=closures
        ):
            starts_at = at(day, start_time)
            minutes = durations[len(slots)]
            slots.append(
                Slot(
                    position=len(slots) + 1,
                    starts_at=starts_at,
                    ends_at=starts_at + datetime.timedelta(minutes=minutes),
                )
            )
        day += datetime.timedelta(days=1)
    return slots


def _when(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return _("%(day)s à %(time)s") % {
        "day": format_weekday(local, year=True),
        "time": format_hour(local),
    }


def check_move(
    *,
    new_start: datetime.datetime,
    minutes: int,
    postal_code: str,
    closures: Iterable[ClosedDays],
    busy: Iterable[Busy],
    after: datetime.datetime | None,
    before: datetime.datetime | None,
    today: datetime.date,
) -> datetime.datetime:
    """The new end of a session moved to ``new_start`` (keeping its ``minutes``), or a
    ``DomainError`` saying in French why not.

    ``after``: the end of the session before it in the plan (None for the first);
    ``before``: the start of the session after it (None for the last); ``busy``: the other
    sessions of the cohort and of the same room.
    """
    local = timezone.localtime(new_start)
    day = local.date()
    if abs((day - today).days) > MOVE_HORIZON_DAYS:
        raise DomainError(_("Choisissez une date dans les deux ans qui viennent."))
    new_end = new_start + datetime.timedelta(minutes=minutes)
    if timezone.localtime(new_end).date() != day:
        raise DomainError(
            _("La séance dure %(minutes)s minutes : elle finirait après minuit.")
            % {"minutes": minutes}
        )
    reason = closed_reason(day, postal_code=postal_code, closures=closures)
    if reason:
        raise DomainError(
            _("L'espace est fermé le %(day)s (%(reason)s) : choisissez un autre jour.")
            % {"day": format_day(day), "reason": reason}
        )
    if after is not None and new_start < after:
        raise DomainError(
            _(
                "La séance précédente du programme finit le %(when)s : la séance doit venir "
                "après elle."
            )
            % {"when": _when(after)}
        )
    if before is not None and new_end > before:
        raise DomainError(
            _(
                "La séance suivante du programme commence le %(when)s : la séance doit "
                "finir avant elle."
            )
            % {"when": _when(before)}
        )
    for other in busy:
        if other.starts_at < new_end and new_start < other.ends_at:
            raise DomainError(
                _("Ce créneau chevauche « %(other)s » du %(when)s : choisissez une autre heure.")
                % {"other": other.label, "when": _when(other.starts_at)}
            )
    return new_end
