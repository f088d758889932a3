"""The send task: once per event, retried with backoff, opt-out respected."""

import datetime

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from tests.notifications.backends import FlakySmsBackend
from tests.notifications.factories import OptOutFactory
from tests.notifications.helpers import notify_accepted, notify_referrer, notify_site_team
from tisser.notifications.models import Channel, DeliveryStatus
from tisser.notifications.tasks import retry_delay, send_notification

pytestmark = pytest.mark.django_db

FLAKY = "tests.notifications.backends.FlakySmsBackend"
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def flaky(settings):
    settings.SMS_BACKEND = FLAKY
    FlakySmsBackend.failures = 0
    FlakySmsBackend.permanent = False
    yield FlakySmsBackend
    FlakySmsBackend.failures = 0
    FlakySmsBackend.permanent = False


def test_running_the_task_twice_sends_once(team, sending, sms_outbox):
    referral = team.accepted_referral()
    with sending():
        notification = notify_accepted(referral)

    assert send_notification.call(notification.pk) == DeliveryStatus.SENT
    assert send_notification.call(notification.pk) == DeliveryStatus.SENT
    result = send_notification.enqueue(notification.pk)

    assert result.return_value == DeliveryStatus.SENT
    assert len(sms_outbox) == 1
    notification.refresh_from_db()
    assert notification.attempts == 1


def test_a_missing_notification_is_a_no_op(db, sms_outbox):
    assert send_notification.call(987654) == "missing"
    assert sms_outbox == []


def test_a_temporary_failure_is_retried_then_succeeds(team, sending, sms_outbox, flaky):
    flaky.failures = 2
    referral = team.accepted_referral()

    with sending():
        notification = notify_accepted(referral)

    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.SENT
    assert notification.attempts == 3
    assert notification.last_error == ""
    assert len(sms_outbox) == 1


def test_it_gives_up_after_the_maximum_number_of_attempts(team, sending, sms_outbox, flaky):
    flaky.failures = 100
    referral = team.accepted_referral()

    with sending():
        notification = notify_accepted(referral)

    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.FAILED
    assert notification.attempts == 5
    assert notification.last_error == "provider unreachable: TimeoutError"
    assert sms_outbox == []
    # A failed message stays failed: running the task again sends nothing.
    flaky.failures = 0
    assert send_notification.call(notification.pk) == DeliveryStatus.FAILED
    assert sms_outbox == []


def test_a_permanent_failure_is_not_retried(team, sending, sms_outbox, flaky):
    flaky.failures = 1
    flaky.permanent = True
    referral = team.accepted_referral()

    with sending():
        notification = notify_accepted(referral)

    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.FAILED
    assert notification.attempts == 1
    assert sms_outbox == []


def test_retries_wait_longer_each_time(team, sending, flaky, settings):
    flaky.failures = 100
    referral = team.accepted_referral()
    with sending():
        notification = notify_accepted(referral)
    notification.refresh_from_db()
    # Let the retries be queued instead of run at once, with the database worker's backend.
    settings.TASKS = DUMMY_TASKS
    from django_tasks import default_task_backend

    notification.status = DeliveryStatus.PENDING
    notification.attempts = 0
    notification.save()

    before = timezone.now()
    assert send_notification.call(notification.pk) == DeliveryStatus.PENDING
    assert send_notification.call(notification.pk) == DeliveryStatus.PENDING

    first, second = default_task_backend.results
    assert first.args == [notification.pk] and second.args == [notification.pk]
    assert first.task.run_after - before >= datetime.timedelta(minutes=5)
    assert first.task.run_after - before < datetime.timedelta(minutes=6)
    assert second.task.run_after - before >= datetime.timedelta(minutes=10)
    assert second.task.run_after - before < datetime.timedelta(minutes=11)
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (DeliveryStatus.PENDING, 2)


def test_backoff_doubles(settings):
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 300
    assert [retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [5, 10, 20, 40]


def test_email_dropped_after_the_handover_stays_unconfirmed_and_is_not_resent(
    team, sending, settings
):
    """A lost "250 OK" must not turn into a second e-mail: the row waits for a person."""
    settings.EMAIL_BACKEND = "tests.notifications.backends.DisconnectingEmailBackend"
    referral = team.accepted_referral()

    with sending():
        notification = notify_referrer(referral, "dropped")

    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (DeliveryStatus.SENDING, 1)
    assert notification.last_error == "SMTPServerDisconnected"


def test_email_temporary_failure_is_retried_and_the_error_names_no_address(team, sending, settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.TemporarilyBrokenEmailBackend"
    referral = team.accepted_referral()

    with sending():
        notification = notify_referrer(referral, "to-referrer")

    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.FAILED
    assert notification.attempts == settings.NOTIFICATION_MAX_ATTEMPTS
    assert notification.last_error == "SMTPConnectError"


def test_email_refused_by_the_server_is_not_retried(team, sending, settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.RefusingEmailBackend"
    referral = team.accepted_referral()

    with sending():
        notification = notify_referrer(referral, "to-referrer")

    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (DeliveryStatus.FAILED, 1)
    assert notification.last_error == "SMTPRecipientsRefused"
    assert "ccas" not in notification.last_error


def test_opt_out_of_sms_is_respected(team, sending, sms_outbox):
    OptOutFactory(channel=Channel.SMS, address="+33612345601")
    referral = team.accepted_referral(phone="06 12 34 56 01")

    with sending():
        notification = notify_accepted(referral)

    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.OPTED_OUT
    assert notification.attempts == 0
    assert sms_outbox == [] and mail.outbox == []


def test_opt_out_of_email_is_respected(team, sending):
    OptOutFactory(channel=Channel.EMAIL, address="awa.diallo@exemple.fr")
    referral = team.accepted_referral(email="Awa.Diallo@Exemple.fr", preferred_channel="email")

    with sending():
        notification = notify_accepted(referral)

    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.OPTED_OUT
    assert mail.outbox == []


def test_an_sms_opt_out_does_not_block_email(team, sending):
    OptOutFactory(channel=Channel.SMS, address="awa.diallo@exemple.fr")
    referral = team.accepted_referral(preferred_channel="email")

    with sending():
        notification = notify_accepted(referral)

    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.SENT


def test_a_team_member_who_opted_out_is_left_out_of_the_team_message(team, sending):
    OptOutFactory(channel=Channel.EMAIL, address="mediateur@meinau.fr")
    referral = team.referral(submitted=True)

    with sending():
        notify_site_team(referral, "team")

    assert mail.outbox[0].to == ["responsable@meinau.fr"]


def test_the_text_is_rebuilt_at_send_time(team, sms_outbox, settings):
    """Queued first, sent later: the SMS shows the appointment as it is when sent."""
    settings.TASKS = DUMMY_TASKS
    referral = team.accepted_referral()
    notification = notify_accepted(referral)
    appointment = referral.appointments.get()
    appointment.starts_at = timezone.make_aware(datetime.datetime(2031, 12, 5, 9, 0))
    appointment.ends_at = appointment.starts_at + datetime.timedelta(minutes=30)
    appointment.save()

    send_notification.call(notification.pk)

    assert "Rendez-vous le vendredi 5 décembre 2031 à 9 h à" in sms_outbox[0].text


@override_settings(NOTIFICATION_MAX_ATTEMPTS=1)
def test_max_attempts_comes_from_the_settings(team, sending, sms_outbox, flaky):
    flaky.failures = 1
    referral = team.accepted_referral()

    with sending():
        notification = notify_accepted(referral)

    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (DeliveryStatus.FAILED, 1)
