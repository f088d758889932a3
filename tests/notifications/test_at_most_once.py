"""At most once, even if the worker dies: SENDING is committed before the provider is called.

The provider is called with no transaction open (so no row lock held); a row left in
SENDING is never sent again by the task and is shown to staff on the referral's page.
"""

import html

import pytest
from django.urls import reverse

from tests.notifications.backends import WatchingSmsBackend, WorkerKilled
from tests.notifications.helpers import notify_accepted
from tisser.notifications.models import DeliveryStatus
from tisser.notifications.tasks import send_notification

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def recorded(team, settings):
    """A message recorded and committed, not yet sent (the worker has not picked it up)."""
    settings.TASKS = DUMMY_TASKS
    referral = team.accepted_referral()
    return notify_accepted(referral)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_after_the_provider_accepted_never_sends_again(
    recorded, settings, sms_outbox
):
    settings.SMS_BACKEND = "tests.notifications.backends.AcceptThenCrashSmsBackend"
    with pytest.raises(WorkerKilled):
        send_notification.call(recorded.pk)
    assert len(sms_outbox) == 1  # the provider has it

    # The worker restarts and the task runs again (a retry, a re-queue, a second worker).
    settings.SMS_BACKEND = "tisser.notifications.sms.LocmemSmsBackend"
    assert send_notification.call(recorded.pk) == DeliveryStatus.SENDING
    assert send_notification.call(recorded.pk) == DeliveryStatus.SENDING

    assert len(sms_outbox) == 1
    recorded.refresh_from_db()
    assert (recorded.status, recorded.attempts) == (DeliveryStatus.SENDING, 1)


@pytest.mark.django_db(transaction=True)
def test_no_transaction_is_open_while_the_provider_is_called(recorded, settings, sms_outbox):
    settings.SMS_BACKEND = "tests.notifications.backends.WatchingSmsBackend"
    WatchingSmsBackend.in_transaction = []

    assert send_notification.call(recorded.pk) == DeliveryStatus.SENT

    assert WatchingSmsBackend.in_transaction == [False]
    recorded.refresh_from_db()
    assert (recorded.status, recorded.attempts) == (DeliveryStatus.SENT, 1)


@pytest.mark.django_db(transaction=True)
def test_a_provider_that_never_answers_is_not_retried(recorded, settings, sms_outbox):
    """The request left, no answer came: it may have been sent, so it is not sent again."""
    settings.SMS_BACKEND = "tests.notifications.backends.NoAnswerSmsBackend"

    assert send_notification.call(recorded.pk) == DeliveryStatus.SENDING
    settings.SMS_BACKEND = "tisser.notifications.sms.LocmemSmsBackend"
    assert send_notification.call(recorded.pk) == DeliveryStatus.SENDING

    assert len(sms_outbox) == 1
    recorded.refresh_from_db()
    assert recorded.status == DeliveryStatus.SENDING
    assert recorded.last_error == "provider did not answer: TimeoutError"


@pytest.mark.django_db
def test_staff_see_a_message_stuck_in_sending_on_the_referral(team, settings, login, sms_outbox):
    settings.TASKS = DUMMY_TASKS
    referral = team.accepted_referral()
    notification = notify_accepted(referral)
    notification.status = DeliveryStatus.SENDING
    notification.attempts = 1
    notification.save()

    response = login(team.mediator).get(reverse("referrals:detail", args=[referral.pk]))

    page = html.unescape(response.content.decode())
    assert "Un message n'a peut-être pas été envoyé" in page
    assert "Il ne sera pas renvoyé automatiquement." in page
    assert "Envoi non confirmé : vérifiez avant de renvoyer" in page
