"""The notifications app's periodic jobs: no message is left waiting for a task that is
gone, and the day's acknowledgement hashes of anonymous forms are forgotten.

A message is queued after its transaction commits, and a retry is queued after the failed
attempt is written. A worker that dies between the two (or a queue that lost the task)
leaves the row "À envoyer" with nothing to send it. The sweep hands such rows to the send
task again; the claim step lets only one worker send a row, so a task that does still
exist cannot make it go out twice. A row waiting for longer than a message stays useful
is marked failed instead of being sent late (an appointment may have passed).
"""

from datetime import datetime, timedelta

from django.conf import settings

from tisser.core.scheduler import DailyAt, EveryMinutes, job
from tisser.notifications.caps import forget_past_acknowledgements
from tisser.notifications.models import DeliveryStatus, Notification
from tisser.notifications.tasks import retry_delay, send_notification

# A row older than this was sent late enough that it would mislead: it is failed instead.
STALE_AFTER = timedelta(days=2)
SWEEP_BATCH = 500


def stalled_after() -> timedelta:
    """Past the longest retry delay (and some margin), a pending row has no task left."""
    return retry_delay(settings.NOTIFICATION_MAX_ATTEMPTS) + timedelta(minutes=30)


def requeue_stalled(*, now: datetime) -> dict[str, int]:
    pending = Notification.objects.filter(status=DeliveryStatus.PENDING)
    failed = pending.filter(updated_at__lt=now - STALE_AFTER).update(
        status=DeliveryStatus.FAILED, last_error="not sent in time", updated_at=now
    )
    stalled = list(
        pending.filter(updated_at__lt=now - stalled_after())
        .order_by("updated_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for notification_id in stalled:
        send_notification.enqueue(notification_id)
    return {"requeued": len(stalled), "failed": failed}


@job("notifications.requeue_stalled", EveryMinutes(15))
def requeue_stalled_job(*, now: datetime) -> dict[str, int]:
    return requeue_stalled(now=now)


# Just after midnight in Paris: yesterday's hashes are kept, older ones are deleted.
@job("notifications.forget_acknowledgements", DailyAt(0, 15))
def forget_acknowledgements_job(*, now: datetime) -> dict[str, int]:
    return {"forgotten": forget_past_acknowledgements(now=now)}
