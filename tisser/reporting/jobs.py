"""The reporting app's periodic jobs (discovered by tisser/core/scheduler.py)."""

from datetime import datetime, timedelta

from tisser.core.scheduler import DailyAt, EveryMinutes, job
from tisser.reporting import rollups
from tisser.reporting.public import refresh_public_snapshot


# Every 5 minutes: the figures of what was written since are recomputed (the marks of
# core.StaleFigure); a run that finds nothing marked writes nothing.
@job("reporting.refresh_rollups", EveryMinutes(5), lease=timedelta(minutes=30))
def refresh_rollups(*, now: datetime) -> dict[str, int]:
    return {"pieces": rollups.refresh_stale(now=now)}


@job("reporting.public_figures", DailyAt(6, 15))
def refresh_public_figures(*, now: datetime) -> dict[str, int]:
    """The public figures page's snapshot, once a day, from the roll-ups."""
    return {"networks": refresh_public_snapshot(now)}
