"""The referral app's periodic jobs (discovered by tisser/core/scheduler.py)."""

from datetime import datetime, timedelta

from tisser.core.scheduler import DailyAt, EveryMinutes, job
from tisser.referrals.housekeeping import run_housekeeping
from tisser.referrals.imports.store import purge_stale_files
from tisser.referrals.reminders import send_appointment_reminders
from tisser.referrals.services import help_requests_remind_overdue


# 08:00 in Paris: the reminders reach the site teams as their day starts.
@job("referrals.housekeeping", DailyAt(8, 0))
def housekeeping(*, now: datetime) -> dict[str, int]:
    return run_housekeeping(now)


# Uploaded lists are kept a day for their preview; the hourly sweep removes the rest.
@job("referrals.imports_purge", EveryMinutes(60), lease=timedelta(minutes=30))
def imports_purge(*, now: datetime) -> dict[str, int]:
    return {"removed": purge_stale_files(now=now)}


# 17:00 in Paris: tomorrow's people are reminded the evening before, at a decent hour.
@job("referrals.appointment_reminders", DailyAt(17, 0))
def appointment_reminders(*, now: datetime) -> dict[str, int]:
    return send_appointment_reminders(now)


# 08:30 in Paris: the managers of a space learn, as their day starts, which public help
# requests passed their two working days without an answer (once per request).
@job("referrals.help_requests_overdue", DailyAt(8, 30))
def help_requests_overdue(*, now: datetime) -> dict[str, int]:
    return help_requests_remind_overdue(now)
