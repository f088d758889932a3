"""Two workers on the same message: the row lock lets only one of them send it (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from tests.notifications.helpers import notify_person
from tisser.notifications.models import DeliveryStatus, Notification, RecipientKind
from tisser.notifications.tasks import send_notification

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks (runs in the PostgreSQL pass)"
)


def run_together(target, count=2):
    barrier = threading.Barrier(count)
    results = []

    def run():
        try:
            barrier.wait(timeout=5)
            results.append(target())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    return results


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_running_the_same_task_send_one_sms(team, settings, sms_outbox):
    settings.SMS_BACKEND = "tests.notifications.backends.SlowSmsBackend"
    referral = team.accepted_referral()
    # Outside a test transaction the immediate backend would send at once: record only.
    notification = Notification.objects.create(
        event_key="race",
        template="referral_accepted_person",
        recipient_kind=RecipientKind.PERSON,
        channel="sms",
        site=team.site,
        subject_type="referrals.referral",
        subject_id=referral.pk,
    )

    results = run_together(lambda: send_notification.call(notification.pk))

    # The second worker finds the row SENDING (the first one is calling the provider, with
    # no lock held) or already SENT: either way it sends nothing.
    assert DeliveryStatus.SENT in results
    assert set(results) <= {DeliveryStatus.SENT, DeliveryStatus.SENDING}
    assert len(sms_outbox) == 1
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (DeliveryStatus.SENT, 1)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_transactions_notifying_the_same_event_record_one_message(team, sms_outbox):
    referral = team.accepted_referral()

    def notify_once():
        from django.db import transaction

        with transaction.atomic():
            return notify_person(referral, "same-event").pk

    results = run_together(notify_once)

    assert len(set(results)) == 1
    assert Notification.objects.filter(event_key="same-event").count() == 1
    assert len(sms_outbox) == 1
