"""Periodic jobs: a registry, explicit schedules, and a runner safe with two schedulers.

An app declares its jobs in a module ``<app>/jobs.py``, discovered once like the timeline
providers (``autodiscover_modules``)::

    from tisser.core.scheduler import DailyAt, job

    @job("referrals.housekeeping", DailyAt(8, 0))
    def housekeeping(*, now):
        ...

``manage.py run_due_jobs [--now ISO]`` runs every job whose latest schedule slot has passed
and was not run yet (``make run`` calls it every minute; production runs it from cron or a
systemd timer). A job function receives the ``now`` it is run for — an explicit clock; it
runs inside ``clock.frozen_at(now)``, so the services it calls stamp their writes with that
moment — and must be idempotent: the runner guarantees one run per slot, the job guarantees that a run
for a later slot does not redo what an earlier one did.

The lock per job is a lease on its :class:`~tisser.core.models.ScheduledJob` row: one
conditional UPDATE claims the slot (only if it is newer than the last one claimed and no
unexpired run holds the job). On PostgreSQL the second of two concurrent UPDATEs waits for
the first, re-reads the row and no longer matches; on SQLite writes are serialised. The job
body then runs outside any transaction, so each of its own transactions commits (and sends
its messages) on its own. See docs/decisions/0011-job-scheduler.md.
"""

from __future__ import annotations

import datetime
import logging
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from tisser.core import clock
from tisser.core.models import JobStatus, ScheduledJob

logger = logging.getLogger(__name__)

MODULE_NAME = "jobs"
PARIS = ZoneInfo("Europe/Paris")
EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
# A run that has not finished after this long is taken for a crashed process.
DEFAULT_LEASE = datetime.timedelta(hours=1)


class Schedule(Protocol):
    def latest_slot(self, now: datetime.datetime) -> datetime.datetime:
        """The most recent slot at or before ``now`` (aware, UTC)."""
        ...


@dataclass(frozen=True)
class EveryMinutes:
    """Every ``minutes`` minutes, on slots aligned to round times (UTC)."""

    minutes: int

    def __post_init__(self):
        if not 1 <= self.minutes <= 24 * 60:
            raise ImproperlyConfigured("EveryMinutes takes between 1 and 1440 minutes.")

    def latest_slot(self, now: datetime.datetime) -> datetime.datetime:
        step = datetime.timedelta(minutes=self.minutes)
        return EPOCH + ((now - EPOCH) // step) * step

    def __str__(self):
        return f"toutes les {self.minutes} min"


@dataclass(frozen=True)
class DailyAt:
    """Every day at ``hour``:``minute``, wall-clock time in Europe/Paris (DST included)."""

    hour: int
    minute: int = 0
    zone: ZoneInfo = field(default=PARIS)

    def __post_init__(self):
        if not (0 <= self.hour <= 23 and 0 <= self.minute <= 59):
            raise ImproperlyConfigured("DailyAt takes an hour 0-23 and a minute 0-59.")

    def _at(self, day: datetime.date) -> datetime.datetime:
        wall = datetime.datetime.combine(day, datetime.time(self.hour, self.minute))
        return wall.replace(tzinfo=self.zone).astimezone(datetime.UTC)

    def latest_slot(self, now: datetime.datetime) -> datetime.datetime:
        today = now.astimezone(self.zone).date()
        slot = self._at(today)
        return slot if slot <= now else self._at(today - datetime.timedelta(days=1))

    def __str__(self):
        return f"chaque jour à {self.hour:02d}:{self.minute:02d}"


JobFunction = Callable[..., Any]


@dataclass(frozen=True)
class Job:
    name: str
    schedule: Schedule
    function: JobFunction
    lease: datetime.timedelta = DEFAULT_LEASE


_registry: dict[str, Job] = {}


def register(
    name: str,
    schedule: Schedule,
    function: JobFunction,
    *,
    lease: datetime.timedelta = DEFAULT_LEASE,
) -> Job:
    """Add a job to the registry; a second job under the same name is a configuration error."""
    new = Job(name=name, schedule=schedule, function=function, lease=lease)
    known = _registry.get(name)
    if known is not None and known.function is not function:
        raise ImproperlyConfigured(f"Two periodic jobs are named {name!r}.")
    _registry[name] = new
    return new


def unregister(name: str) -> None:
    _registry.pop(name, None)


def job(name: str, schedule: Schedule, *, lease: datetime.timedelta = DEFAULT_LEASE):
    """Decorator form of :func:`register`; the function is returned unchanged."""

    def decorate(function: JobFunction) -> JobFunction:
        register(name, schedule, function, lease=lease)
        return function

    return decorate


@cache
def _discover() -> None:
    autodiscover_modules(MODULE_NAME)


@receiver(setting_changed)
def _forget_discovery(*, setting, **kwargs):
    if setting == "INSTALLED_APPS":
        _discover.cache_clear()


def registered_jobs() -> list[Job]:
    """Every job of every installed app's ``jobs`` module, by name."""
    _discover()
    return [_registry[name] for name in sorted(_registry)]


# --- running --------------------------------------------------------------------------------


@dataclass
class RunResult:
    name: str
    slot: datetime.datetime
    outcome: str  # "succeeded", "failed", "not_due", "busy"
    summary: str = ""
    error: str = ""


def _states(names: Iterable[str]) -> dict[str, ScheduledJob]:
    names = list(names)
    ScheduledJob.objects.bulk_create(
        [ScheduledJob(name=name) for name in names], ignore_conflicts=True
    )
    return {state.name: state for state in ScheduledJob.objects.filter(name__in=names)}


def is_due(state: ScheduledJob, slot: datetime.datetime) -> bool:
    return state.last_slot is None or state.last_slot < slot


def _claim(job_: Job, slot: datetime.datetime) -> bool:
    """Take the job's lease for ``slot``; False when the slot is done or another run holds it.

    One UPDATE with the whole condition in its WHERE clause: whichever of two schedulers
    writes second finds the row changed and updates nothing.
    """
    started = clock.now()
    claimed = (
        ScheduledJob.objects.filter(name=job_.name)
        .filter(Q(last_slot__isnull=True) | Q(last_slot__lt=slot))
        .exclude(status=JobStatus.RUNNING, started_at__gt=started - job_.lease)
        .update(
            last_slot=slot,
            status=JobStatus.RUNNING,
            started_at=started,
            finished_at=None,
            duration_ms=None,
            summary="",
            error="",
        )
    )
    return claimed == 1


def _summary(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        value = ", ".join(f"{key}={item}" for key, item in value.items())
    return str(value)[:500]


def run_job(job_: Job, *, now: datetime.datetime, slot: datetime.datetime) -> RunResult:
    """Run one claimed job and record how it ended. A failure is recorded, never raised."""
    started = time.monotonic()
    try:
        # The body and every service it calls read the same moment (journal, timestamps).
        with clock.frozen_at(now):
            returned = job_.function(now=now)
    except Exception as exc:  # recorded on the job's row and logged; the other jobs still run
        # The kind of error and where it happened, never its message: a database error's
        # message can quote the row's values (a phone number, a name).
        error = f"{type(exc).__module__}.{type(exc).__qualname__}"
        stack = "".join(traceback.format_tb(exc.__traceback__))
        logger.error(
            "Periodic job %s failed for slot %s: %s\n%s", job_.name, slot.isoformat(), error, stack
        )
        status, summary = JobStatus.FAILED, ""
        detail = f"{error}\n\n{stack}"[-5000:]
    else:
        status, summary, error, detail = JobStatus.SUCCEEDED, _summary(returned), "", ""
    ScheduledJob.objects.filter(name=job_.name, last_slot=slot).update(
        status=status,
        finished_at=clock.now(),
        duration_ms=int((time.monotonic() - started) * 1000),
        summary=summary,
        error=detail,
    )
    return RunResult(name=job_.name, slot=slot, outcome=status, summary=summary, error=error)


def run_due_jobs(
    *, now: datetime.datetime | None = None, jobs: Iterable[Job] | None = None
) -> list[RunResult]:
    """Run every due job once for its latest slot at ``now``; return what happened to each."""
    now = now or clock.now()
    if timezone.is_naive(now):
        raise ValueError("run_due_jobs needs an aware datetime.")
    jobs = list(registered_jobs() if jobs is None else jobs)
    states = _states(job_.name for job_ in jobs)
    results = []
    for job_ in jobs:
        slot = job_.schedule.latest_slot(now)
        if not is_due(states[job_.name], slot):
            results.append(RunResult(name=job_.name, slot=slot, outcome="not_due"))
        elif not _claim(job_, slot):
            results.append(RunResult(name=job_.name, slot=slot, outcome="busy"))
        else:
            results.append(run_job(job_, now=now, slot=slot))
    return results


def parse_now(value: str | None) -> datetime.datetime:
    """An ISO date-time from the command line (naive means French local time)."""
    if not value:
        return clock.now()
    moment = datetime.datetime.fromisoformat(value)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment
