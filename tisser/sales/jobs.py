"""The sales app's periodic jobs (discovered by tisser/core/scheduler.py)."""

from datetime import datetime

from tisser.core.scheduler import DailyAt, job
from tisser.sales.reminders import send_access_right_reminders


# 10:00 in Paris: the person learns at a decent hour that their right ends soon.
@job("sales.access_right_reminders", DailyAt(10, 0))
def access_right_reminders(*, now: datetime) -> dict[str, int]:
    return send_access_right_reminders(now)
