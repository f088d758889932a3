"""The sales app's periodic jobs (discovered by tisser/core/scheduler.py)."""

from datetime import datetime, timedelta

from tisser.core.scheduler import DailyAt, EveryMinutes, job
from tisser.sales import counter
from tisser.sales.reminders import send_access_right_reminders


# 10:00 in Paris: the person learns at a decent hour that their right ends soon.
@job("sales.access_right_reminders", DailyAt(10, 0))
def access_right_reminders(*, now: datetime) -> dict[str, int]:
    return send_access_right_reminders(now)


# Every 5 minutes: a confirmed cart whose hold ran out gives its stock and its quota back
# soon after (a sale being paid right now is locked and left to the next run).
@job("sales.sales_expire", EveryMinutes(5), lease=timedelta(minutes=10))
def sales_expire(*, now: datetime) -> dict[str, int]:
    return {"expired": counter.sales_expire(now=now)}
