"""The reminder the day before each session: once per person and session however often the
job runs, again for a moved session, by the person's channel, never to an opted-out number,
to someone who dropped out or to someone still waiting."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.training.enrolment_world import build_team
from tests.training.factories import EnrolmentFactory
from tisser.beneficiaries.enums import ContactChannel
from tisser.core import clock, scheduler
from tisser.notifications import sms
from tisser.notifications.models import Channel, DeliveryStatus, Notification, OptOut
from tisser.training.enums import DropReason, EnrolmentStatus
from tisser.training.reminders import REMINDER_TEMPLATE, send_session_reminders

PARIS = ZoneInfo("Europe/Paris")
# The job's slot: 17:00 in Paris on Monday 22 March 2027; the session is Tuesday at 9:00.
EVENING = datetime.datetime(2027, 3, 22, 17, 0, tzinfo=PARIS)
TOMORROW_9 = datetime.datetime(2027, 3, 23, 9, 0, tzinfo=PARIS)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _outboxes():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def team(site, network):
    site.phone = "+33388000000"
    site.save(update_fields=["phone"])
    return build_team(site, network, start=TOMORROW_9)


def enrol(team, status=EnrolmentStatus.ENROLLED, **person):
    person.setdefault("phone", "+33612000001")
    beneficiary = BeneficiaryFactory(site=team.site, **person)
    extra = {}
    if status == EnrolmentStatus.WAITING:
        extra = {"enrolled_at": None, "waiting_since": EVENING}
    if status == EnrolmentStatus.DROPPED:
        extra = {"dropped_on": EVENING.date(), "drop_reason": DropReason.JOB}
    return EnrolmentFactory(
        cohort=team.cohort, beneficiary=beneficiary, referral=None, status=status, **extra
    )


def reminders():
    return Notification.objects.filter(template=REMINDER_TEMPLATE)


def run(now, capture):
    with capture(execute=True), clock.frozen_at(now):
        return send_session_reminders(now)


def test_each_enrolled_person_gets_one_reminder_with_programme_date_time_and_place(
    team, django_capture_on_commit_callbacks
):
    by_sms = enrol(team, first_name="Awa", phone="+33612000001")
    by_mail = enrol(
        team,
        first_name="Karim",
        phone="",
        email="karim@example.org",
        preferred_channel=ContactChannel.EMAIL,
    )
    summary = run(EVENING, django_capture_on_commit_callbacks)
    assert summary == {"reminders": 2, "already_queued": 0}
    assert sorted(reminders().values_list("subject_id", "channel")) == sorted(
        [(by_sms.pk, Channel.SMS), (by_mail.pk, Channel.EMAIL)]
    )
    (text,) = [message.text for message in sms.outbox if message.to == "+33612000001"]
    assert team.cohort.programme.name in text
    assert "mardi 23 mars 2027 à 9 h" in text
    assert "Salle 2" in text
    (email,) = mail.outbox
    assert email.to == ["karim@example.org"]
    assert "Salle 2" in email.body and "9 h" in email.body
    assert team.cohort.name in email.body


def test_running_again_queues_nothing_more(team, django_capture_on_commit_callbacks):
    enrol(team)
    run(EVENING, django_capture_on_commit_callbacks)
    again = run(EVENING + datetime.timedelta(minutes=30), django_capture_on_commit_callbacks)
    assert again == {"reminders": 0, "already_queued": 1}
    assert reminders().count() == 1
    assert len(sms.outbox) == 1


def test_the_scheduler_runs_the_job_once_per_evening(team, django_capture_on_commit_callbacks):
    enrol(team)
    job = {job.name: job for job in scheduler.registered_jobs()}["training.session_reminders"]
    assert job.schedule.latest_slot(EVENING + datetime.timedelta(hours=1)) == EVENING
    with django_capture_on_commit_callbacks(execute=True):
        scheduler.run_due_jobs(now=EVENING + datetime.timedelta(minutes=1), jobs=[job])
        scheduler.run_due_jobs(now=EVENING + datetime.timedelta(minutes=2), jobs=[job])
    assert reminders().count() == 1


def test_a_moved_session_gets_a_new_reminder(team, django_capture_on_commit_callbacks):
    enrolment = enrol(team)
    run(EVENING, django_capture_on_commit_callbacks)
    # Moved from Tuesday to Thursday: the evening before, a new reminder for the new time.
    thursday = TOMORROW_9 + datetime.timedelta(days=2, hours=1)
    team.first.moved_from = team.first.starts_at
    team.first.starts_at = thursday
    team.first.ends_at = thursday + datetime.timedelta(hours=4)
    team.first.save()
    team.second.delete()
    summary = run(EVENING + datetime.timedelta(days=2), django_capture_on_commit_callbacks)
    assert summary == {"reminders": 1, "already_queued": 0}
    assert list(reminders().values_list("subject_id", flat=True)) == [enrolment.pk] * 2
    assert "jeudi 25 mars 2027 à 10 h" in sms.outbox[-1].text


def test_dropped_and_waiting_people_and_cancelled_cohorts_get_nothing(
    team, django_capture_on_commit_callbacks
):
    enrol(team, status=EnrolmentStatus.DROPPED)
    enrol(team, status=EnrolmentStatus.WAITING)
    assert run(EVENING, django_capture_on_commit_callbacks)["reminders"] == 0
    enrol(team)
    team.cohort.cancelled_at = EVENING
    team.cohort.save(update_fields=["cancelled_at"])
    assert run(EVENING, django_capture_on_commit_callbacks)["reminders"] == 0
    assert not reminders().exists()


def test_no_reminder_on_other_days(team, django_capture_on_commit_callbacks):
    enrol(team)
    assert run(EVENING - datetime.timedelta(days=1), django_capture_on_commit_callbacks) == {
        "reminders": 0,
        "already_queued": 0,
    }


def test_an_opted_out_number_gets_no_sms_and_a_call_preference_no_message(
    team, django_capture_on_commit_callbacks
):
    OptOut.objects.create(channel=Channel.SMS, address="+33612000009")
    opted_out = enrol(team, phone="+33612000009")
    to_call = enrol(team, phone="+33612000008", preferred_channel=ContactChannel.CALL)
    run(EVENING, django_capture_on_commit_callbacks)
    statuses = dict(reminders().values_list("subject_id", "status"))
    assert statuses == {
        opted_out.pk: DeliveryStatus.OPTED_OUT,
        to_call.pk: DeliveryStatus.TO_CALL,
    }
    assert sms.outbox == []
