"""The one task that sends messages. Its only argument is the notification id.

The queue (django_tasks_db's table in dev and production) must hold no personal data, so
the task rebuilds the recipient and the text from the database when it runs.
"""

import datetime

from django.conf import settings
from django_tasks import task

from tisser.core import clock


def retry_delay(attempts: int) -> datetime.timedelta:
    """Exponential backoff: base, 2 x base, 4 x base... after the 1st, 2nd, 3rd failure."""
    return datetime.timedelta(
        seconds=settings.NOTIFICATION_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    )


@task()
def send_notification(notification_id: int) -> str:
    from tisser.notifications.services import notification_deliver

    result = notification_deliver(notification_id=notification_id)
    if result.retry:
        backend = send_notification.get_backend()
        if backend.supports_defer:
            run_after = clock.now() + retry_delay(result.attempts)
            send_notification.using(run_after=run_after).enqueue(notification_id)
        else:
            # Backends that cannot wait (the immediate one, in tests) try again at once.
            send_notification.enqueue(notification_id)
    return result.status
