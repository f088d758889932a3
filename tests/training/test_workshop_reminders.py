"""The reminder the day before a workshop: exactly one per registration, however often the
job runs; none for the waiting list, a cancelled seat or a cancelled workshop."""

import datetime

import pytest
from django.utils import timezone

from tests.training.factories import WorkshopFactory, WorkshopRegistrationFactory
from tisser.core import scheduler
from tisser.notifications.models import Notification
from tisser.notifications.services import render
from tisser.training import workshops
from tisser.training.enums import RegistrationStatus as S

pytestmark = pytest.mark.django_db


def tomorrow_at(hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def reminders():
    return Notification.objects.filter(template=workshops.REMINDER)


def test_exactly_one_reminder_per_registration_however_often_the_job_runs(site):
    workshop = WorkshopFactory(site=site, starts_at=tomorrow_at(10), ends_at=tomorrow_at(12))
    seats = [WorkshopRegistrationFactory(workshop=workshop) for _ in range(2)]
    now = timezone.now()

    first = workshops.send_workshop_reminders(now)
    second = workshops.send_workshop_reminders(now + datetime.timedelta(minutes=5))

    assert first == {"reminders": 2, "already_queued": 0}
    assert second == {"reminders": 0, "already_queued": 2}
    assert sorted(reminders().values_list("subject_id", flat=True)) == sorted(s.pk for s in seats)
    keys = set(reminders().values_list("event_key", flat=True))
    assert len(keys) == 2
    text = render(reminders().first())["sms"]
    assert text.startswith("Bonjour.") and "Rappel" in text and "/ateliers/annuler/" in text


def test_no_reminder_for_waiting_cancelled_or_other_days(site):
    workshop = WorkshopFactory(site=site, starts_at=tomorrow_at(14), ends_at=tomorrow_at(16))
    WorkshopRegistrationFactory(workshop=workshop, status=S.WAITING, waiting_since=timezone.now())
    WorkshopRegistrationFactory(workshop=workshop, status=S.CANCELLED, cancelled_at=timezone.now())
    cancelled = WorkshopFactory(
        site=site, starts_at=tomorrow_at(9), ends_at=tomorrow_at(11), cancelled_at=timezone.now()
    )
    WorkshopRegistrationFactory(workshop=cancelled)
    later = WorkshopFactory(
        site=site,
        starts_at=tomorrow_at(9) + datetime.timedelta(days=1),
        ends_at=tomorrow_at(11) + datetime.timedelta(days=1),
    )
    WorkshopRegistrationFactory(workshop=later)

    assert workshops.send_workshop_reminders(timezone.now()) == {
        "reminders": 0,
        "already_queued": 0,
    }
    assert not reminders().exists()


def test_the_job_is_registered_with_the_scheduler():
    names = {job.name for job in scheduler.registered_jobs()}
    assert "training.workshop_reminders" in names
