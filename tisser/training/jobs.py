"""The training app's periodic jobs (discovered by tisser/core/scheduler.py).

Each helper appends its jobs in its own block.
"""

from datetime import datetime

from tisser.core.scheduler import DailyAt, job

# Workshops (helper W) ---------------------------------------------------------------------
from tisser.training.workshops import send_workshop_reminders


# 17:30 in Paris: the people registered for tomorrow's workshops are reminded the evening
# before; one message per registration and date (the event key is unique).
@job("training.workshop_reminders", DailyAt(17, 30))
def workshop_reminders(*, now: datetime) -> dict[str, int]:
    return send_workshop_reminders(now)
