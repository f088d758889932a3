"""The learning app's periodic jobs (discovered by tisser/core/scheduler.py)."""

from datetime import datetime

from tisser.core.scheduler import DailyAt, job
from tisser.learning.nudges import send_module_nudges


# 10:30 in Paris: a decent hour to hear that a module waits (after the sales reminders).
@job("learning.module_nudges", DailyAt(10, 30))
def module_nudges(*, now: datetime) -> dict[str, int]:
    return send_module_nudges(now)
