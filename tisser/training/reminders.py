"""The reminder the day before each programme session, to each person enrolled.

Run daily by the scheduler (``training.session_reminders``, 17:00 in Paris, like the
appointment reminders). Exactly one message per person and session: the event key
``training_session:<session>:enrolment:<enrolment>:<start>`` is unique in the database, so
a second run, or two schedulers racing, queue nothing more; a session moved to another
time has a new start, hence a new key and its own reminder. The message goes by the
person's channel through notifications (SMS, e-mail, the referrer, or nothing when the
space calls them; opted-out numbers and addresses get nothing), like every message to a
person. People who dropped out or still wait for a seat are not reminded.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from tisser.core.dates import start_of_day
from tisser.notifications.models import Notification, RecipientKind
from tisser.notifications.services import notify
from tisser.training.enums import EnrolmentStatus
from tisser.training.models import CohortSession, Enrolment

REMINDER_TEMPLATE = "training_session_reminder_person"


def reminder_event_key(session: CohortSession, enrolment: Enrolment) -> str:
    start = session.starts_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M")
    return f"training_session:{session.pk}:enrolment:{enrolment.pk}:{start}"


def sessions_of_tomorrow(now: datetime.datetime):
    """Tomorrow's sessions (local time) of the cohorts that still run."""
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    return CohortSession.objects.filter(
        starts_at__gte=start_of_day(tomorrow),
        starts_at__lt=start_of_day(tomorrow + datetime.timedelta(days=1)),
        cohort__cancelled_at__isnull=True,
    ).order_by("starts_at", "pk")


def due_for_reminder(now: datetime.datetime) -> list[tuple[CohortSession, Enrolment]]:
    """(session, enrolment) for every person enrolled in a cohort meeting tomorrow."""
    sessions = list(sessions_of_tomorrow(now).select_related("cohort__site"))
    if not sessions:
        return []
    by_cohort: dict[int, list[CohortSession]] = {}
    for session in sessions:
        by_cohort.setdefault(session.cohort_id, []).append(session)
    enrolments = (
        Enrolment.objects.filter(
            cohort_id__in=by_cohort,
            status=EnrolmentStatus.ENROLLED,
            beneficiary__merged_into__isnull=True,
        )
        .only("pk", "cohort_id")
        .order_by("pk")
    )
    return [
        (session, enrolment)
        for enrolment in enrolments
        for session in by_cohort[enrolment.cohort_id]
    ]


def send_session_reminders(now: datetime.datetime) -> dict[str, int]:
    """Queue tomorrow's reminders; returns how many were new and how many already existed."""
    keys = {
        reminder_event_key(session, enrolment): (session, enrolment)
        for session, enrolment in due_for_reminder(now)
    }
    known = set(Notification.objects.filter(event_key__in=keys).values_list("event_key", flat=True))
    created = 0
    for key, (session, enrolment) in keys.items():
        if key in known:
            continue
        # One short transaction per message: its send task is queued after the commit.
        with transaction.atomic():
            notify(
                event_key=key,
                template=REMINDER_TEMPLATE,
                recipient_kind=RecipientKind.PERSON,
                subject=enrolment,
                site=session.cohort.site,
            )
        created += 1
    return {"reminders": created, "already_queued": len(known)}
