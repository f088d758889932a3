"""The SMS provider's callback: delivery reports and STOP replies, signed, idempotent.

The local fake provider (test_sms_backends.FakeProvider) sends the SMS and signs the calls
it makes back, with its own HMAC code, so these tests check the scheme, not our helper.
"""

import time

import pytest
from django.test import Client
from django.urls import reverse

from tests.notifications.factories import NotificationFactory
from tests.notifications.helpers import notify_accepted
from tests.notifications.test_sms_backends import FakeProvider
from tisser.core.models import JournalEntry
from tisser.notifications.models import Channel, DeliveryStatus, OptOut

pytestmark = pytest.mark.django_db

URL = reverse("notifications:sms_callback")
SECRET = "secret-partage"


@pytest.fixture
def provider(settings):
    with FakeProvider(secret=SECRET) as fake:
        settings.SMS_BACKEND = "tisser.notifications.sms.HttpSmsBackend"
        settings.SMS_HTTP_URL = fake.url
        settings.SMS_HTTP_API_KEY = "cle-de-test"
        settings.SMS_HTTP_TIMEOUT_SECONDS = 5
        settings.SMS_CALLBACK_SECRET = SECRET
        settings.SMS_CALLBACK_MAX_AGE_SECONDS = 300
        yield fake


@pytest.fixture
def provider_client():
    """The provider has no session and no CSRF token: CSRF checks are on, as in production."""
    return Client(enforce_csrf_checks=True)


def post(client, provider, event, *, offset=0, **signing):
    """Post a signed event; ``offset`` moves the signing time (seconds)."""
    body, headers = provider.callback(event, at=time.time() + offset, **signing)
    return client.post(
        URL,
        data=body,
        content_type="application/json",
        headers=headers,
    )


@pytest.fixture
def sent_sms(team, sending, provider):
    referral = team.accepted_referral()
    with sending():
        notification = notify_accepted(referral)
    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.SENT
    return notification


def test_a_delivery_report_marks_the_sms_received_once(sent_sms, provider, provider_client):
    reference = provider.requests[0]["json"]["reference"]
    assert reference == f"tisser-{sent_sms.pk}"
    event = {"type": "delivery", "reference": reference, "status": "delivered"}

    first = post(provider_client, provider, event)
    again = post(provider_client, provider, event)

    assert first.status_code == again.status_code == 200
    assert first.json() == {"ok": True, "action": "delivery"}
    sent_sms.refresh_from_db()
    assert sent_sms.status == DeliveryStatus.DELIVERED
    assert sent_sms.get_status_display() == "Reçu sur le téléphone"


def test_a_failed_delivery_is_recorded_and_a_late_success_changes_nothing(
    sent_sms, provider, provider_client
):
    reference = sent_sms.provider_reference
    post(
        provider_client, provider, {"type": "delivery", "reference": reference, "status": "failed"}
    )
    post(
        provider_client,
        provider,
        {"type": "delivery", "reference": reference, "status": "delivered"},
    )

    sent_sms.refresh_from_db()
    assert sent_sms.status == DeliveryStatus.UNDELIVERED


def test_a_report_settles_a_message_left_in_sending(team, provider, provider_client):
    stuck = NotificationFactory(
        site=team.site,
        subject=team.accepted_referral(),
        template="referral_accepted_person",
        recipient_kind="person",
        channel=Channel.SMS,
        status=DeliveryStatus.SENDING,
        attempts=1,
    )

    post(
        provider_client,
        provider,
        {"type": "delivery", "reference": stuck.provider_reference, "status": "delivered"},
    )

    stuck.refresh_from_db()
    assert stuck.status == DeliveryStatus.DELIVERED
    assert stuck.sent_at is not None


@pytest.mark.parametrize(
    "reference", ["tisser-999999", "tisser-x", "autre-1", "tisser-" + "9" * 30]
)
def test_a_report_for_an_unknown_message_is_acknowledged_and_ignored(
    sent_sms, provider, provider_client, reference
):
    event = {"type": "delivery", "reference": reference, "status": "delivered"}
    assert post(provider_client, provider, event).status_code == 200
    sent_sms.refresh_from_db()
    assert sent_sms.status == DeliveryStatus.SENT


def test_stop_records_the_opt_out_once_and_later_sms_are_not_sent(
    team, sending, provider, provider_client
):
    event = {"type": "stop", "from": "+33612345601"}

    assert post(provider_client, provider, event).json() == {"ok": True, "action": "opt_out"}
    assert post(provider_client, provider, event).status_code == 200

    (optout,) = OptOut.objects.all()
    assert (optout.channel, optout.address) == (Channel.SMS, "+33612345601")
    (entry,) = JournalEntry.objects.filter(action="notification.opted_out")
    assert entry.actor is None
    with sending():
        notification = notify_accepted(team.accepted_referral(phone="06 12 34 56 01"))
    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.OPTED_OUT
    assert provider.requests == []


@pytest.mark.parametrize("text", ["STOP", "stop", "Stop.", "ARRET merci"])
def test_a_stop_reply_records_the_opt_out(provider, provider_client, text):
    event = {"type": "reply", "from": "0612345601", "text": text}
    assert post(provider_client, provider, event).json()["action"] == "opt_out"
    assert OptOut.objects.filter(channel=Channel.SMS, address="+33612345601").exists()


def test_another_reply_is_ignored_and_its_text_kept_nowhere(provider, provider_client):
    event = {"type": "reply", "from": "+33612345601", "text": "Je serai en retard, Awa"}
    assert post(provider_client, provider, event).json()["action"] == "ignored"
    assert not OptOut.objects.exists()
    assert not JournalEntry.objects.filter(payload__icontains="retard").exists()


def _nothing_changed(sent_sms):
    sent_sms.refresh_from_db()
    return sent_sms.status == DeliveryStatus.SENT and not OptOut.objects.exists()


@pytest.mark.parametrize(
    "signing",
    [
        {"secret": "une-autre-cle"},
        {"offset": -400},  # replayed later
        {"offset": 400},  # clock games
    ],
    ids=["wrong-secret", "stale", "future"],
)
def test_a_call_not_signed_now_with_our_secret_is_refused(
    sent_sms, provider, provider_client, signing
):
    for event in (
        {"type": "delivery", "reference": sent_sms.provider_reference, "status": "delivered"},
        {"type": "stop", "from": "+33612345601"},
    ):
        response = post(provider_client, provider, event, **signing)
        assert response.status_code == 403
    assert _nothing_changed(sent_sms)


def test_a_tampered_body_is_refused(sent_sms, provider, provider_client):
    body, headers = provider.callback({"type": "stop", "from": "+33612345601"})
    tampered = body.replace(b"+33612345601", b"+33612345699")
    response = provider_client.post(
        URL, data=tampered, content_type="application/json", headers=headers
    )
    assert response.status_code == 403
    assert _nothing_changed(sent_sms)


def test_a_call_without_signature_headers_is_refused(sent_sms, provider_client):
    response = provider_client.post(
        URL, data=b'{"type": "stop", "from": "+33612345601"}', content_type="application/json"
    )
    assert response.status_code == 403
    assert _nothing_changed(sent_sms)


def test_everything_is_refused_while_no_secret_is_configured(
    sent_sms, provider, provider_client, settings
):
    settings.SMS_CALLBACK_SECRET = ""
    event = {"type": "stop", "from": "+33612345601"}
    for secret in ("", SECRET):
        assert post(provider_client, provider, event, secret=secret).status_code == 403
    assert _nothing_changed(sent_sms)


@pytest.mark.parametrize(
    "event",
    [
        {"type": "nothing"},
        {"type": "delivery", "reference": "tisser-1"},
        {"type": "delivery", "reference": 1, "status": "delivered"},
        {"type": "stop"},
        {"type": "stop", "from": "12"},
        ["stop"],
    ],
)
def test_a_signed_call_we_do_not_understand_is_a_400_and_changes_nothing(
    sent_sms, provider, provider_client, event
):
    assert post(provider_client, provider, event).status_code == 400
    assert _nothing_changed(sent_sms)


def test_only_post_is_accepted(provider_client):
    assert provider_client.get(URL).status_code == 405
