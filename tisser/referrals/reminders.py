"""The reminder the day before every planned appointment, by the person's channel.

Run by the scheduler (``referrals.appointment_reminders``). Exactly once per appointment:
the message's event key ``appointment:<id>:reminder`` is unique in the database, so a
second run, or two schedulers racing, find the first record and queue nothing more.
A rebooked appointment is a new row, so the new day gets its own reminder. A programme
session's appointment (kind ``session``) gets none: the session's own reminder (training)
reaches the person the day before.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from tisser.core.dates import start_of_day
from tisser.notifications.models import Notification, RecipientKind
from tisser.notifications.services import notify
from tisser.referrals.enums import AppointmentKind, AppointmentStatus
from tisser.referrals.models import Appointment

REMINDER_TEMPLATE = "appointment_reminder_person"


def reminder_event_key(appointment: Appointment) -> str:
    return f"appointment:{appointment.pk}:reminder"


def due_for_reminder(now: datetime.datetime):
    """The planned appointments of tomorrow (local time) that someone can be reminded of."""
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    return (
        Appointment.objects.filter(
            status=AppointmentStatus.PLANNED,
            kind=AppointmentKind.INDIVIDUAL,
            starts_at__gte=start_of_day(tomorrow),
            starts_at__lt=start_of_day(tomorrow + datetime.timedelta(days=1)),
        )
        # A walk-in who left no phone number cannot be reminded.
        .exclude(referral__isnull=True, beneficiary__isnull=True, walk_in_phone="")
        .select_related("site")
        .order_by("pk")
    )


def send_appointment_reminders(now: datetime.datetime) -> dict[str, int]:
    """Queue tomorrow's reminders; returns how many were new and how many already existed."""
    due = list(due_for_reminder(now))
    keys = {reminder_event_key(appointment): appointment for appointment in due}
    known = set(Notification.objects.filter(event_key__in=keys).values_list("event_key", flat=True))
    created = 0
    for key, appointment in keys.items():
        if key in known:
            continue
        # One short transaction per message: its send task is queued after the commit.
        with transaction.atomic():
            notify(
                event_key=key,
                template=REMINDER_TEMPLATE,
                recipient_kind=RecipientKind.PERSON,
                subject=appointment,
                site=appointment.site,
            )
        created += 1
    return {"reminders": created, "already_queued": len(known)}
