"""The training app's periodic jobs (discovered by tisser/core/scheduler.py).

Shared by the helpers of issue 15: each appends its own block.
"""

from datetime import datetime

from tisser.core.scheduler import DailyAt, job

# --- Enrolment (helper E) -------------------------------------------------------------------
from tisser.training.reminders import send_session_reminders


# 17:00 in Paris: tomorrow's learners are reminded the evening before, at a decent hour.
@job("training.session_reminders", DailyAt(17, 0))
def session_reminders(*, now: datetime) -> dict[str, int]:
    return send_session_reminders(now)


# --- end Enrolment (helper E) ---------------------------------------------------------------
