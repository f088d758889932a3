"""The periodic job scheduler (tisser/core/scheduler.py) and ``manage.py run_due_jobs``."""

import datetime
import threading
import time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from tests.accounts.factories import MembershipFactory
from tests.referrals.factories import ReferralFactory
from tisser.accounts.enums import Role
from tisser.core import scheduler
from tisser.core.models import JobStatus, JournalEntry, ScheduledJob
from tisser.notifications.models import Notification
from tisser.referrals.enums import ReferralStatus
from tisser.referrals.models import Referral, ReferralEvent

PARIS = ZoneInfo("Europe/Paris")
UTC = datetime.UTC
DAY = datetime.timedelta(days=1)


def paris(*args):
    return datetime.datetime(*args, tzinfo=PARIS)


def run_command(now: datetime.datetime) -> str:
    out = StringIO()
    call_command("run_due_jobs", now=now.isoformat(), stdout=out, stderr=out)
    return out.getvalue()


class Calls:
    """A job body that remembers the ``now`` of each run."""

    def __init__(self, result=None, error=None):
        self.nows: list[datetime.datetime] = []
        self.result, self.error = result, error

    def __call__(self, *, now):
        self.nows.append(now)
        if self.error is not None:
            raise self.error
        return self.result


def make_job(name, schedule, function):
    return scheduler.Job(name=name, schedule=schedule, function=function)


# --- the registry ---------------------------------------------------------------------------


def test_apps_register_their_jobs_in_a_jobs_module():
    jobs = {job.name: job for job in scheduler.registered_jobs()}
    housekeeping = jobs["referrals.housekeeping"]
    assert housekeeping.schedule == scheduler.DailyAt(8, 0)
    assert jobs["referrals.imports_purge"].schedule == scheduler.EveryMinutes(60)
    assert list(jobs) == sorted(jobs)


def test_two_jobs_under_one_name_are_a_configuration_error():
    def first(*, now):
        return None

    def second(*, now):
        return None

    scheduler.register("tests.twice", scheduler.EveryMinutes(5), first)
    try:
        scheduler.register("tests.twice", scheduler.EveryMinutes(5), first)  # re-import: fine
        with pytest.raises(ImproperlyConfigured, match=r"tests\.twice"):
            scheduler.register("tests.twice", scheduler.EveryMinutes(5), second)
    finally:
        scheduler.unregister("tests.twice")


@pytest.mark.parametrize(
    "build", [lambda: scheduler.EveryMinutes(0), lambda: scheduler.DailyAt(24, 0)]
)
def test_impossible_schedules_are_refused(build):
    with pytest.raises(ImproperlyConfigured):
        build()


# --- due computation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "now", "slot"),
    [
        (15, datetime.datetime(2026, 11, 29, 10, 37, 12, tzinfo=UTC), (10, 30)),
        (15, datetime.datetime(2026, 11, 29, 10, 45, tzinfo=UTC), (10, 45)),
        (60, datetime.datetime(2026, 11, 29, 10, 59, 59, tzinfo=UTC), (10, 0)),
        (1, datetime.datetime(2026, 11, 29, 10, 59, 59, tzinfo=UTC), (10, 59)),
    ],
)
def test_every_n_minutes_falls_on_round_times(minutes, now, slot):
    expected = datetime.datetime(2026, 11, 29, *slot, tzinfo=UTC)
    assert scheduler.EveryMinutes(minutes).latest_slot(now) == expected


@pytest.mark.parametrize(
    ("now", "slot"),
    [
        (paris(2026, 11, 29, 7, 59), paris(2026, 11, 28, 8, 0)),  # not yet today: yesterday's
        (paris(2026, 11, 29, 8, 0), paris(2026, 11, 29, 8, 0)),
        (paris(2026, 11, 29, 23, 30), paris(2026, 11, 29, 8, 0)),
        (paris(2026, 7, 1, 9, 0), paris(2026, 7, 1, 8, 0)),  # summer time: 06:00 UTC
        (paris(2026, 3, 29, 8, 30), paris(2026, 3, 29, 8, 0)),  # the day clocks go forward
    ],
)
def test_daily_at_is_wall_clock_time_in_paris(now, slot):
    assert scheduler.DailyAt(8, 0).latest_slot(now) == slot


def test_daily_slots_follow_summer_time():
    daily = scheduler.DailyAt(8, 0)
    winter = daily.latest_slot(datetime.datetime(2026, 1, 15, 12, tzinfo=UTC))
    summer = daily.latest_slot(datetime.datetime(2026, 7, 15, 12, tzinfo=UTC))
    assert (winter.astimezone(UTC).hour, summer.astimezone(UTC).hour) == (7, 6)


# --- running --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_slot_runs_once_and_the_next_slot_runs_again():
    calls = Calls(result={"done": 3})
    job = make_job("tests.quarter", scheduler.EveryMinutes(15), calls)
    now = datetime.datetime(2026, 11, 29, 10, 37, tzinfo=UTC)

    [first] = scheduler.run_due_jobs(now=now, jobs=[job])
    [again] = scheduler.run_due_jobs(now=now, jobs=[job])
    [same_slot] = scheduler.run_due_jobs(now=now + datetime.timedelta(minutes=7), jobs=[job])
    [next_slot] = scheduler.run_due_jobs(now=now + datetime.timedelta(minutes=8), jobs=[job])

    assert [r.outcome for r in (first, again, same_slot, next_slot)] == [
        "succeeded",
        "not_due",
        "not_due",
        "succeeded",
    ]
    assert calls.nows == [now, now + datetime.timedelta(minutes=8)]  # the explicit clock
    state = ScheduledJob.objects.get(name="tests.quarter")
    assert state.last_slot == datetime.datetime(2026, 11, 29, 10, 45, tzinfo=UTC)
    assert (state.status, state.summary, state.error) == (JobStatus.SUCCEEDED, "done=3", "")
    assert state.finished_at is not None and state.duration_ms is not None


@pytest.mark.django_db
def test_an_earlier_moment_never_reruns_a_done_slot():
    calls = Calls()
    job = make_job("tests.daily", scheduler.DailyAt(8, 0), calls)
    scheduler.run_due_jobs(now=paris(2026, 11, 29, 9, 0), jobs=[job])
    [result] = scheduler.run_due_jobs(now=paris(2026, 11, 28, 9, 0), jobs=[job])
    assert result.outcome == "not_due"
    assert len(calls.nows) == 1


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_the_others_still_run():
    # The message may quote a row's values (personal data): only the kind of error is kept.
    broken = Calls(error=RuntimeError("Key (phone)=(+33612345678) already exists"))
    healthy = Calls(result="ok")
    jobs = [
        make_job("tests.a_broken", scheduler.EveryMinutes(5), broken),
        make_job("tests.b_healthy", scheduler.EveryMinutes(5), healthy),
    ]
    now = datetime.datetime(2026, 11, 29, 10, 2, tzinfo=UTC)

    results = scheduler.run_due_jobs(now=now, jobs=jobs)

    assert [r.outcome for r in results] == ["failed", "succeeded"]
    assert results[0].error == "builtins.RuntimeError"
    failed = ScheduledJob.objects.get(name="tests.a_broken")
    assert failed.status == JobStatus.FAILED
    assert failed.error.startswith("builtins.RuntimeError")
    assert "test_scheduler.py" in failed.error  # where it happened
    assert "+3361" not in failed.error
    assert failed.finished_at is not None
    assert ScheduledJob.objects.get(name="tests.b_healthy").status == JobStatus.SUCCEEDED
    # The failed slot is not retried in a loop; the next slot tries again.
    assert [r.outcome for r in scheduler.run_due_jobs(now=now, jobs=jobs)] == ["not_due"] * 2
    later = now + datetime.timedelta(minutes=5)
    assert [r.outcome for r in scheduler.run_due_jobs(now=later, jobs=jobs)] == [
        "failed",
        "succeeded",
    ]
    assert len(broken.nows) == len(healthy.nows) == 2


@pytest.mark.django_db
def test_a_job_still_running_is_not_started_twice_until_its_lease_expires():
    calls = Calls()
    job = make_job("tests.slow", scheduler.EveryMinutes(1), calls)
    ScheduledJob.objects.create(
        name="tests.slow",
        status=JobStatus.RUNNING,
        started_at=datetime.datetime.now(UTC) - datetime.timedelta(minutes=5),
        last_slot=datetime.datetime(2026, 1, 1, tzinfo=UTC),
    )
    [result] = scheduler.run_due_jobs(now=datetime.datetime(2026, 11, 29, tzinfo=UTC), jobs=[job])
    assert result.outcome == "busy"
    assert calls.nows == []

    ScheduledJob.objects.filter(name="tests.slow").update(
        started_at=datetime.datetime.now(UTC) - scheduler.DEFAULT_LEASE - datetime.timedelta(1)
    )  # the process that held it is taken for dead
    [result] = scheduler.run_due_jobs(now=datetime.datetime(2026, 11, 29, tzinfo=UTC), jobs=[job])
    assert result.outcome == "succeeded"


# --- the command and the referral housekeeping job ------------------------------------------


@pytest.fixture
def overdue_and_waiting(site, partner):
    """Seen on 29 November 2026 at 09:00: one referral 30 days unanswered (expires), one 10
    days unanswered (its site is reminded)."""
    now = paris(2026, 11, 29, 9, 0)
    MembershipFactory(organisation=site, role=Role.SITE_MANAGER)
    referrer = MembershipFactory(organisation=partner, role=Role.PARTNER_REFERRER).user
    overdue, waiting = (
        ReferralFactory(
            site=site,
            partner=partner,
            referrer=referrer,
            status=ReferralStatus.SUBMITTED,
            submitted_at=now - days * DAY,
            status_changed_at=now - days * DAY,
        )
        for days in (31, 10)
    )
    return now, overdue, waiting


def snapshot():
    return {
        "notifications": sorted(Notification.objects.values_list("event_key", flat=True)),
        "journal": sorted(JournalEntry.objects.values_list("action", "object_id")),
        "events": ReferralEvent.objects.count(),
        "referrals": list(
            Referral.objects.order_by("pk").values_list("status", "last_reminder_at", "updated_at")
        ),
        "jobs": list(ScheduledJob.objects.order_by("name").values()),
    }


@pytest.mark.django_db
def test_running_twice_at_the_same_now_sends_and_writes_nothing_twice(overdue_and_waiting):
    now, overdue, waiting = overdue_and_waiting

    output = run_command(now)

    assert "referrals.housekeeping" in output
    overdue.refresh_from_db()
    waiting.refresh_from_db()
    assert overdue.status == ReferralStatus.EXPIRED
    assert waiting.last_reminder_at == now
    first = snapshot()
    assert first["notifications"] == [
        f"referral:{overdue.pk}:expired:referrer",
        f"referral:{waiting.pk}:reminder:1:site_team",
    ]
    assert ("referral.expired", str(overdue.pk)) in first["journal"]
    assert ("referral.reminded", str(waiting.pk)) in first["journal"]
    housekeeping = ScheduledJob.objects.get(name="referrals.housekeeping")
    assert housekeeping.last_slot == paris(2026, 11, 29, 8, 0)
    assert housekeeping.summary == "expired=1, reminded=1, skipped=0"

    run_command(now)

    assert snapshot() == first


@pytest.mark.django_db
def test_the_next_day_the_job_runs_again_and_its_body_repeats_nothing(overdue_and_waiting):
    now, _overdue, _waiting = overdue_and_waiting
    run_command(now)
    before = snapshot()
    run_command(now + DAY)
    after = snapshot()
    assert ScheduledJob.objects.get(name="referrals.housekeeping").last_slot == paris(
        2026, 11, 30, 8, 0
    )
    assert after["notifications"] == before["notifications"]
    assert after["journal"] == before["journal"]
    assert after["referrals"] == before["referrals"]


@pytest.mark.django_db
def test_the_command_reports_a_failed_job_after_running_the_others(monkeypatch):
    healthy = Calls(result="ok")
    jobs = [
        make_job("tests.broken", scheduler.EveryMinutes(5), Calls(error=ValueError("boom"))),
        make_job("tests.healthy", scheduler.EveryMinutes(5), healthy),
    ]
    monkeypatch.setattr(scheduler, "registered_jobs", lambda: jobs)
    with pytest.raises(CommandError, match=r"1 tâche\(s\) en échec : tests\.broken"):
        run_command(datetime.datetime(2026, 11, 29, 10, tzinfo=UTC))
    assert len(healthy.nows) == 1


@pytest.mark.django_db
def test_the_command_refuses_an_unreadable_date_in_french():
    with pytest.raises(CommandError, match="date invalide"):
        call_command("run_due_jobs", now="demain matin")


# --- two schedulers at once (PostgreSQL) ----------------------------------------------------


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks (PostgreSQL pass)")
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_run_the_job_body_once():
    calls = []
    lock = threading.Lock()

    def body(*, now):
        with lock:
            calls.append(now)
        time.sleep(0.3)  # long enough for the other scheduler to try meanwhile
        return "ok"

    job = make_job("tests.concurrent", scheduler.EveryMinutes(5), body)
    now = datetime.datetime(2026, 11, 29, 10, 2, tzinfo=UTC)
    ScheduledJob.objects.create(name="tests.concurrent")
    barrier = threading.Barrier(2)
    outcomes = []

    def scheduler_process():
        try:
            barrier.wait(timeout=5)
            outcomes.extend(r.outcome for r in scheduler.run_due_jobs(now=now, jobs=[job]))
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler_process) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert len(calls) == 1
    assert sorted(outcomes) in (["busy", "succeeded"], ["not_due", "succeeded"])
    assert ScheduledJob.objects.get(name="tests.concurrent").status == JobStatus.SUCCEEDED
