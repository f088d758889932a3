"""The offers app's periodic jobs (discovered by tisser/core/scheduler.py)."""

from datetime import datetime, timedelta

from tisser.core.scheduler import EveryMinutes, job
from tisser.offers.reservations import reservations_expire as expire_reservations


# Every 5 minutes: a reservation past its end frees its stock for the next person soon
# after, and a counter that sells at the last minute still finds it held (skipped if locked).
@job("offers.reservations_expire", EveryMinutes(5), lease=timedelta(minutes=10))
def reservations_expire(*, now: datetime) -> dict[str, int]:
    return {"expired": expire_reservations(now=now)}
