"""The beneficiaries app's periodic jobs (discovered by tisser/core/scheduler.py)."""

from datetime import datetime

from tisser.beneficiaries.services import accompaniment_periods_close_idle
from tisser.core.scheduler import DailyAt, job


# 03:30 in Paris, away from the working day: closes periods without contact for six months.
@job("beneficiaries.close_idle_periods", DailyAt(3, 30))
def close_idle_periods(*, now: datetime) -> dict[str, int]:
    return {"closed": accompaniment_periods_close_idle(now=now)}
