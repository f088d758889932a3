"""The SMS (or e-mail) to the person a few days before their access right ends.

Run daily by the scheduler (``sales.access_right_reminders``). Exactly one message per
right and end date: the event key ``access_right:<id>:ends:<date>`` is unique in the
database, so a second run, or two schedulers racing, queue nothing more; a renewal moves
the end date, so the new end gets its own reminder.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tisser.notifications.models import Notification, RecipientKind
from tisser.notifications.services import notify
from tisser.sales.models import DEFAULT_REMINDER_DAYS, AccessRight, AccessRightSettings

REMINDER_TEMPLATE = "access_right_expiry_person"


def reminder_event_key(right: AccessRight) -> str:
    return f"access_right:{right.pk}:ends:{right.ends_on.isoformat()}"


def due_for_reminder(now: datetime.datetime) -> list[AccessRight]:
    """Active rights (not suspended, not closed) ending within their network's reminder
    days, today included: a day the job did not run is caught up the next day."""
    today = timezone.localdate(now)
    days = dict(AccessRightSettings.objects.values_list("network_id", "reminder_days"))
    longest = max([DEFAULT_REMINDER_DAYS, *days.values()])
    candidates = (
        AccessRight.objects.current()
        .filter(
            starts_on__lte=today,
            ends_on__gte=today,
            ends_on__lte=today + datetime.timedelta(days=longest),
            suspended_on__isnull=True,
        )
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=today))
        .select_related("site")
        .order_by("pk")
    )
    return [
        right
        for right in candidates
        if (right.ends_on - today).days <= days.get(right.network_id, DEFAULT_REMINDER_DAYS)
    ]


def send_access_right_reminders(now: datetime.datetime) -> dict[str, int]:
    due = due_for_reminder(now)
    keys = {reminder_event_key(right): right for right in due}
    known = set(Notification.objects.filter(event_key__in=keys).values_list("event_key", flat=True))
    created = 0
    for key, right in keys.items():
        if key in known:
            continue
        with transaction.atomic():
            notify(
                event_key=key,
                template=REMINDER_TEMPLATE,
                recipient_kind=RecipientKind.PERSON,
                subject=right,
                site=right.site,
            )
        created += 1
    return {"reminders": created, "already_queued": len(known)}
