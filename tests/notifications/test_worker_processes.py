"""Several `db_worker` processes on one PostgreSQL queue never send a message twice.

Two real worker processes (`manage.py db_worker`, as `make serve` and the systemd units run
them) share a queue of N messages, each enqueued twice (as a retry or the stalled-message
sweep may do). `_claim` marks a message SENDING under SELECT … FOR UPDATE before anything
leaves, so every message is written exactly once to the SMS directory, whichever worker
runs which task (docs/decisions/0017-scaling-out.md).
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from tisser.notifications.models import DeliveryStatus, Notification, RecipientKind
from tisser.notifications.tasks import send_notification

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 30
DEADLINE_SECONDS = 90

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks (runs in the PostgreSQL pass)"
    ),
]


def database_url() -> str:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


def start_worker(sms_dir: Path, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": database_url(),
        "SMS_BACKEND": "tests.notifications.backends.SlowFileSmsBackend",
        "SMS_FILE_PATH": str(sms_dir),
    }
    env.pop("REDIS_URL", None)
    with log.open("w") as out:
        return subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.1"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def wait_until(condition, what: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def stop(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)


@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_send_each_queued_sms_exactly_once(team, tmp_path):
    from django_tasks_db.models import DBTaskResult

    referral = team.accepted_referral()
    sms_dir = tmp_path / "sms"
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    deadline = time.monotonic() + DEADLINE_SECONDS
    workers = [start_worker(sms_dir, log) for log in logs]
    try:
        wait_until(
            lambda: all("Starting worker" in log.read_text() for log in logs),
            "both workers to start",
            deadline,
        )
        notifications = Notification.objects.bulk_create(
            Notification(
                event_key=f"scale-out-{i}",
                template="referral_accepted_person",
                recipient_kind=RecipientKind.PERSON,
                channel="sms",
                site=team.site,
                subject_type="referrals.referral",
                subject_id=referral.pk,
            )
            for i in range(MESSAGES)
        )
        queue = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        with override_settings(TASKS=queue):
            for _round in range(2):
                for notification in notifications:
                    send_notification.enqueue(notification.pk)
        wait_until(
            lambda: not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists(),
            "the queue to drain",
            deadline,
        )
    finally:
        stop(workers)

    files = sorted(sms_dir.glob("*.txt"))
    assert len(files) == MESSAGES, f"{len(files)} SMS written for {MESSAGES} messages"
    statuses = set(
        Notification.objects.filter(event_key__startswith="scale-out-").values_list(
            "status", "attempts"
        )
    )
    assert statuses == {(DeliveryStatus.SENT, 1)}
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2 * MESSAGES
    # Both processes took tasks: the exactly-once above held with real competition.
    ran = [log.read_text().count("state=SUCCESSFUL") for log in logs]
    assert sum(ran) == 2 * MESSAGES
    assert min(ran) > 0, f"one worker did everything: {ran}"
