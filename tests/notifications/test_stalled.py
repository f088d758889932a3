"""A message whose send task is gone (worker died between writing the retry and queuing it)
is handed to the task again by the sweep job; one that waited too long is failed, not sent."""

import datetime

import pytest
from django.core import mail

from tests.notifications.helpers import notify_referrer
from tisser.core import clock, scheduler
from tisser.notifications.jobs import STALE_AFTER, requeue_stalled, stalled_after
from tisser.notifications.models import DeliveryStatus

pytestmark = pytest.mark.django_db


def pending_since(team, key, moment):
    """A message written at ``moment`` whose task never ran (nothing captured the commit)."""
    with clock.frozen_at(moment):
        return notify_referrer(team.accepted_referral(), key)


def test_a_pending_message_without_task_is_sent_by_the_sweep(team):
    now = clock.now()
    stalled = pending_since(team, "stalled", now - stalled_after() - datetime.timedelta(minutes=1))
    recent = pending_since(team, "recent", now - datetime.timedelta(minutes=5))

    counts = requeue_stalled(now=now)

    stalled.refresh_from_db()
    recent.refresh_from_db()
    assert counts == {"requeued": 1, "failed": 0}
    assert (stalled.status, stalled.attempts) == (DeliveryStatus.SENT, 1)
    assert len(mail.outbox) == 1
    # A message that may still have its retry queued is left alone.
    assert (recent.status, recent.attempts) == (DeliveryStatus.PENDING, 0)


def test_a_message_that_waited_too_long_is_failed_not_sent_late(team):
    now = clock.now()
    old = pending_since(team, "old", now - STALE_AFTER - datetime.timedelta(hours=1))

    assert requeue_stalled(now=now) == {"requeued": 0, "failed": 1}

    old.refresh_from_db()
    assert (old.status, old.last_error) == (DeliveryStatus.FAILED, "not sent in time")
    assert mail.outbox == []


def test_the_sweep_is_a_registered_job_every_quarter_hour():
    sweep = {j.name: j for j in scheduler.registered_jobs()}["notifications.requeue_stalled"]
    assert sweep.schedule == scheduler.EveryMinutes(15)
