"""What the site's team has on its plate: the day's appointments on the home page, and the
agenda (a day or a week) with the closures and public holidays.

The staff home and the agenda compose several domains (appointments of referrals and
files, closures of the site, the sessions of training cohorts and the workshops), so they
live here, in the app whose question they answer: "what happens at my site, and when?".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from tisser.accounts.models import Closure, Membership, Site
from tisser.activities import selectors as activity_selectors
from tisser.core import clock
from tisser.core.dates import start_of_day
from tisser.core.holidays import holiday_name
from tisser.referrals import selectors as referral_selectors
from tisser.referrals.models import Appointment
from tisser.training.selectors import CollectiveSession

HOME_ROWS = referral_selectors.HOME_SECTION_SIZE
# A referral unanswered this long is late (the site gets its first reminder then).
LATE_ANSWER_DAYS = 10


@dataclass
class Section:
    """The first HOME_ROWS rows of a list, and whether there are more (one query: the rows
    and one more, so the home's cost does not grow with the lists)."""

    rows: list
    has_more: bool


def _section(queryset: QuerySet, *, size: int = HOME_ROWS) -> Section:
    rows = list(queryset[: size + 1])
    return Section(rows=rows[:size], has_more=len(rows) > size)


@dataclass
class TeamHome:
    today: datetime.date
    tomorrow: datetime.date
    now: datetime.datetime
    today_appointments: Section
    tomorrow_appointments: Section
    overdue_appointments: Section
    awaiting_answer: Section
    late_before: datetime.datetime
    my_recent_files: list


def team_home(*, membership: Membership) -> TeamHome:
    """The site team's home: today, tomorrow, what is overdue, the referrals waiting."""
    now = clock.now()
    today = timezone.localdate(now)
    tomorrow = today + datetime.timedelta(days=1)

    today_appointments, tomorrow_appointments = _two_days(membership, today)
    awaiting = _section(referral_selectors.referrals_awaiting_answer(membership=membership))
    for referral in awaiting.rows:
        referral.age_days = (now - referral.submitted_at).days if referral.submitted_at else 0
    home = TeamHome(
        today=today,
        tomorrow=tomorrow,
        now=now,
        today_appointments=today_appointments,
        tomorrow_appointments=tomorrow_appointments,
        overdue_appointments=_section(
            referral_selectors.appointments_overdue(
                membership=membership, before=start_of_day(today)
            )
        ),
        awaiting_answer=awaiting,
        late_before=now - datetime.timedelta(days=LATE_ANSWER_DAYS),
        my_recent_files=activity_selectors.my_recent_files(membership=membership, limit=HOME_ROWS),
    )
    mark_recorded([*home.today_appointments.rows, *home.overdue_appointments.rows])
    return home


def _two_days(membership: Membership, first: datetime.date) -> tuple[Section, Section]:
    """The sections of ``first`` and of the day after, in one query on most days: the
    appointments of both days in time order, as many as two sections can show. When the
    first day alone fills that read (a busy day), the second day is read on its own: the
    home runs one query more, never a section cut short (decision 0018, fourth round)."""
    second = first + datetime.timedelta(days=1)

    def between(start: datetime.date, days: int) -> QuerySet[Appointment]:
        return referral_selectors.appointments_between(
            membership=membership,
            start=start_of_day(start),
            end=start_of_day(start + datetime.timedelta(days=days)),
        )

    read = 2 * (HOME_ROWS + 1)
    rows = list(between(first, 2)[:read])
    of_first = [a for a in rows if timezone.localdate(a.starts_at) == first]
    of_second = [a for a in rows if timezone.localdate(a.starts_at) == second]
    if len(rows) == read and len(of_second) <= HOME_ROWS:
        of_second = list(between(second, 1)[: HOME_ROWS + 1])
    return (
        Section(rows=of_first[:HOME_ROWS], has_more=len(of_first) > HOME_ROWS),
        Section(rows=of_second[:HOME_ROWS], has_more=len(of_second) > HOME_ROWS),
    )


def mark_recorded(appointments: list[Appointment]) -> None:
    """Set ``activity_recorded`` on each appointment: whether what was done at it is already
    recorded (one query for the list). The card offers to record it when not."""
    recorded = activity_selectors.recorded_appointment_ids(a.pk for a in appointments)
    for appointment in appointments:
        appointment.activity_recorded = appointment.pk in recorded


# --- the agenda -------------------------------------------------------------------------------


@dataclass
class AgendaDay:
    day: datetime.date
    closed: str = ""  # the public holiday's name, or the closure's reason
    appointments: list[Appointment] = field(default_factory=list)
    # Cohort sessions and workshops of the site that day (training.selectors).
    collective: list[CollectiveSession] = field(default_factory=list)


def agenda_range(day: datetime.date, view: str) -> tuple[datetime.date, int]:
    """The first day shown and how many days: the day itself, or its Monday-to-Sunday week."""
    if view == "week":
        return day - datetime.timedelta(days=day.weekday()), 7
    return day, 1


def agenda_days(
    *,
    site: Site,
    first: datetime.date,
    count: int,
    appointments: list[Appointment],
    collective: list[CollectiveSession] = (),  # type: ignore[assignment]
) -> list[AgendaDay]:
    """Group a page of appointments, and the cohort sessions and workshops, by day, with
    each day's closure or holiday."""
    last = first + datetime.timedelta(days=count - 1)
    closures = list(Closure.objects.filter(site=site).overlapping(first, last))
    days = []
    for offset in range(count):
        day = first + datetime.timedelta(days=offset)
        closed = holiday_name(day, postal_code=site.postal_code) or next(
            (
                str(closure.get_reason_display())
                for closure in closures
                if closure.starts_on <= day <= closure.ends_on
            ),
            "",
        )
        days.append(AgendaDay(day=day, closed=closed))
    by_day = {entry.day: entry for entry in days}
    for appointment in appointments:
        entry = by_day.get(timezone.localdate(appointment.starts_at))
        if entry is not None:
            entry.appointments.append(appointment)
    for row in collective:
        entry = by_day.get(timezone.localdate(row.starts_at))
        if entry is not None:
            entry.collective.append(row)
    return days
