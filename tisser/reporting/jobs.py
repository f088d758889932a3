"""The reporting app's periodic jobs (discovered by tisser/core/scheduler.py).

Shared by the helpers of issue 16: each appends its own block.
"""

from datetime import datetime, timedelta

from tisser.core.scheduler import EveryMinutes, job
from tisser.reporting import rollups

# --- Roll-ups (helper ENGINE) -------------------------------------------------------------


# Every 5 minutes: the figures of what was written since are recomputed (the marks of
# core.StaleFigure); a run that finds nothing marked writes nothing.
@job("reporting.refresh_rollups", EveryMinutes(5), lease=timedelta(minutes=30))
def refresh_rollups(*, now: datetime) -> dict[str, int]:
    return {"pieces": rollups.refresh_stale(now=now)}


# --- end Roll-ups (helper ENGINE) ---------------------------------------------------------
