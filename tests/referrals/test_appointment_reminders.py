"""The reminder the day before each appointment: once, by the person's channel, whatever
the appointment comes from, even when the job runs twice."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.referrals.factories import AppointmentFactory
from tisser.beneficiaries.enums import ContactChannel
from tisser.core import scheduler
from tisser.notifications import sms
from tisser.notifications.models import Notification
from tisser.referrals.enums import AppointmentStatus
from tisser.referrals.reminders import send_appointment_reminders

PARIS = ZoneInfo("Europe/Paris")
# The job's slot: 17:00 in Paris on Monday 22 March 2027; tomorrow is Tuesday the 23rd.
EVENING = datetime.datetime(2027, 3, 22, 17, 0, tzinfo=PARIS)
TOMORROW_10 = datetime.datetime(2027, 3, 23, 10, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _outboxes():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def reminders_job():
    return {job.name: job for job in scheduler.registered_jobs()}["referrals.appointment_reminders"]


@pytest.fixture
def tomorrow(site):
    """Tomorrow's appointments: a walk-in, a file preferring e-mail, and a referral; plus one
    cancelled, a walk-in without a phone, and one the day after, which get nothing."""
    walk_in = AppointmentFactory(
        site=site, starts_at=TOMORROW_10, walk_in_name="Awa", walk_in_phone="+33612345678"
    )
    file = AppointmentFactory(
        site=site,
        starts_at=TOMORROW_10 + datetime.timedelta(hours=4),
        beneficiary=BeneficiaryFactory(
            site=site, email="karim@example.org", preferred_channel=ContactChannel.EMAIL
        ),
    )
    referral = AppointmentFactory(site=site, starts_at=TOMORROW_10 + datetime.timedelta(hours=1))
    AppointmentFactory(
        site=site,
        starts_at=TOMORROW_10,
        walk_in_name="Léo",
        walk_in_phone="+33612345679",
        status=AppointmentStatus.CANCELLED,
    )
    AppointmentFactory(site=site, starts_at=TOMORROW_10, walk_in_name="Sans numéro")
    AppointmentFactory(
        site=site,
        starts_at=TOMORROW_10 + datetime.timedelta(days=1),
        walk_in_name="Zoé",
        walk_in_phone="+33612345670",
    )
    return walk_in, file, referral


def test_every_appointment_of_tomorrow_gets_one_reminder_by_its_channel(
    tomorrow, django_capture_on_commit_callbacks
):
    walk_in, file, referral = tomorrow
    with django_capture_on_commit_callbacks(execute=True):
        summary = send_appointment_reminders(EVENING)
    assert summary == {"reminders": 3, "already_queued": 0}
    reminders = Notification.objects.filter(template="appointment_reminder_person")
    assert sorted(reminders.values_list("subject_id", "channel")) == sorted(
        [(walk_in.pk, "sms"), (file.pk, "email"), (referral.pk, "sms")]
    )
    walk_in_sms = next(m for m in sms.outbox if m.to == "+33612345678")
    assert "Rappel : rendez-vous demain, mardi 23 mars 2027 à 10 h" in walk_in_sms.text
    assert [message.to for message in mail.outbox] == [["karim@example.org"]]
    assert mail.outbox[0].subject == "Rappel : votre rendez-vous demain"


def test_the_job_run_twice_sends_each_reminder_once(
    tomorrow, reminders_job, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = scheduler.run_job(reminders_job, now=EVENING, slot=EVENING)
        again = scheduler.run_job(
            reminders_job, now=EVENING + datetime.timedelta(minutes=3), slot=EVENING
        )
    assert first.error == again.error == ""
    assert Notification.objects.filter(template="appointment_reminder_person").count() == 3
    assert len(sms.outbox) == 2 and len(mail.outbox) == 1
    assert send_appointment_reminders(EVENING) == {"reminders": 0, "already_queued": 3}


def test_the_scheduler_claims_the_daily_slot_once(tomorrow, reminders_job):
    scheduler.run_due_jobs(now=EVENING, jobs=[reminders_job])
    scheduler.run_due_jobs(now=EVENING + datetime.timedelta(minutes=1), jobs=[reminders_job])
    assert Notification.objects.filter(template="appointment_reminder_person").count() == 3


def test_a_rebooked_appointment_gets_a_reminder_for_its_new_day(site):
    moved_from = AppointmentFactory(
        site=site,
        starts_at=TOMORROW_10,
        walk_in_name="Awa",
        walk_in_phone="+33612345678",
        status=AppointmentStatus.REBOOKED,
    )
    moved_to = AppointmentFactory(
        site=site,
        starts_at=TOMORROW_10 + datetime.timedelta(days=2),
        walk_in_name="Awa",
        walk_in_phone="+33612345678",
    )
    assert send_appointment_reminders(EVENING)["reminders"] == 0
    later = EVENING + datetime.timedelta(days=2)
    assert send_appointment_reminders(later)["reminders"] == 1
    assert Notification.objects.get().subject_id == moved_to.pk != moved_from.pk
