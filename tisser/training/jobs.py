"""The training app's periodic jobs (discovered by tisser/core/scheduler.py).

Shared by the helpers of issue 15: each appends its own block.
"""

from datetime import datetime

from tisser.core.scheduler import DailyAt, job
from tisser.training.outcomes import send_outcome_invitations
from tisser.training.reminders import send_session_reminders
from tisser.training.survey_services import send_cohort_invitations
from tisser.training.workshops import send_workshop_reminders

# --- Enrolment (helper E) -------------------------------------------------------------------


# 17:00 in Paris: tomorrow's learners are reminded the evening before, at a decent hour.
@job("training.session_reminders", DailyAt(17, 0))
def session_reminders(*, now: datetime) -> dict[str, int]:
    return send_session_reminders(now)


# --- end Enrolment (helper E) ---------------------------------------------------------------


# --- Surveys (helper S) ---------------------------------------------------------------------


# 10:00 in Paris: the closed cohorts whose close did not invite everyone (a close written
# by hand, a failed hook) get their satisfaction invitations, once per enrolment.
@job("training.survey_invitations", DailyAt(10, 0))
def survey_invitations(*, now: datetime) -> dict[str, int]:
    return send_cohort_invitations(now)


# 10:30 in Paris: six months after a cohort or a period ended, the three outcome questions.
@job("training.outcome_invitations", DailyAt(10, 30))
def outcome_invitations(*, now: datetime) -> dict[str, int]:
    return send_outcome_invitations(now)


# --- end Surveys (helper S) -----------------------------------------------------------------


# Workshops (helper W) ---------------------------------------------------------------------


# 17:30 in Paris: the people registered for tomorrow's workshops are reminded the evening
# before; one message per registration and date (the event key is unique).
@job("training.workshop_reminders", DailyAt(17, 30))
def workshop_reminders(*, now: datetime) -> dict[str, int]:
    return send_workshop_reminders(now)
