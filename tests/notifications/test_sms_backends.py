"""SMS backends: file, in-memory, and the HTTP provider against a fake server on 127.0.0.1."""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.notifications.helpers import notify_person
from tisser.notifications import sms
from tisser.notifications.models import DeliveryStatus
from tisser.notifications.sms import (
    FileSmsBackend,
    HttpSmsBackend,
    LocmemSmsBackend,
    SmsError,
    get_sms_backend,
)


class FakeProvider:
    """A tiny SMS provider: records each request and answers with the next queued status.

    ``redirect_to`` makes it answer 302 with that Location (a provider moved, or hijacked).
    ``callback(...)`` builds the signed delivery reports and STOP replies it would post back.
    """

    def __init__(self, secret="secret-partage"):
        self.requests = []
        self.statuses = []
        self.redirect_to = ""
        self.secret = secret
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                provider.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "json": json.loads(raw) if raw else None,
                    }
                )

            def do_POST(self):
                self._record()
                if provider.redirect_to:
                    self.send_response(302)
                    self.send_header("Location", provider.redirect_to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status = provider.statuses.pop(0) if provider.statuses else 200
                body = json.dumps({"id": "msg-1"} if status < 300 else {"error": "x"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                self._record()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/sms"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def callback(self, event, *, at=None, secret=None):
        """(body, headers) of the signed call the provider makes to our callback URL."""
        body = json.dumps(event).encode()
        timestamp = str(int(time.time() if at is None else at))
        key = (self.secret if secret is None else secret).encode()
        signature = hmac.new(key, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        return body, {"X-Sms-Timestamp": timestamp, "X-Sms-Signature": signature}

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def provider(settings):
    with FakeProvider() as fake:
        settings.SMS_BACKEND = "tisser.notifications.sms.HttpSmsBackend"
        settings.SMS_HTTP_URL = fake.url
        settings.SMS_HTTP_API_KEY = "cle-de-test"
        settings.SMS_SENDER = "ESPACE"
        settings.SMS_HTTP_TIMEOUT_SECONDS = 5
        yield fake


def test_http_backend_posts_json_with_key_and_sender(provider):
    get_sms_backend().send("+33612345601", "Bonjour Awa. Rendez-vous jeudi.")

    (request,) = provider.requests
    assert request["path"] == "/v1/sms"
    assert request["headers"]["x-api-key"] == "cle-de-test"
    assert request["headers"]["content-type"] == "application/json"
    assert request["json"] == {
        "to": "+33612345601",
        "sender": "ESPACE",
        "text": "Bonjour Awa. Rendez-vous jeudi.",
        "reference": "",
    }


def test_http_backend_never_follows_a_redirect_and_keeps_the_key_at_home(provider):
    """A 3xx is a failure: the key and the message never reach the redirect's target."""
    with FakeProvider() as elsewhere:
        provider.redirect_to = elsewhere.url.replace("/v1/sms", "/collect")
        with pytest.raises(SmsError) as caught:
            get_sms_backend().send("+33612345601", "Bonjour Awa.")

        assert elsewhere.requests == []
    assert caught.value.permanent is True
    assert str(caught.value) == "provider answered HTTP 302"
    assert len(provider.requests) == 1


@pytest.mark.django_db
def test_a_redirecting_provider_fails_the_message_without_retrying(team, sending, provider):
    provider.redirect_to = "http://127.0.0.1:9/elsewhere"
    referral = team.accepted_referral()

    with sending():
        notification = notify_person(referral, "redirected")

    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (DeliveryStatus.FAILED, 1)
    assert notification.last_error == "provider answered HTTP 302"
    assert len(provider.requests) == 1


def test_http_backend_sends_our_reference_for_delivery_reports(provider):
    get_sms_backend().send("+33612345601", "x", reference="tisser-42")

    assert provider.requests[0]["json"]["reference"] == "tisser-42"


def test_an_answer_that_never_comes_is_uncertain_not_temporary(settings):
    """The request left; the provider may have taken it: retrying could send it twice."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    try:
        settings.SMS_HTTP_URL = f"http://127.0.0.1:{listener.getsockname()[1]}/v1/sms"
        settings.SMS_HTTP_API_KEY = "k"
        settings.SMS_HTTP_TIMEOUT_SECONDS = 0.3
        with pytest.raises(SmsError) as caught:
            HttpSmsBackend().send("+33612345601", "x")
    finally:
        listener.close()
    assert caught.value.uncertain is True
    assert caught.value.permanent is False
    assert str(caught.value).startswith("provider did not answer")


def test_http_backend_server_error_is_temporary(provider):
    provider.statuses = [503]
    with pytest.raises(SmsError) as caught:
        get_sms_backend().send("+33612345601", "x")
    assert caught.value.permanent is False
    assert str(caught.value) == "provider answered HTTP 503"


def test_http_backend_client_error_is_permanent(provider):
    provider.statuses = [400]
    with pytest.raises(SmsError) as caught:
        get_sms_backend().send("+33612345601", "x")
    assert caught.value.permanent is True
    assert "+336" not in str(caught.value)


def test_http_backend_unreachable_provider_is_temporary(settings):
    with FakeProvider() as fake:
        url = fake.url
    # The server is closed now: nothing listens on that port.
    settings.SMS_HTTP_URL = url
    settings.SMS_HTTP_API_KEY = "k"
    with pytest.raises(SmsError) as caught:
        HttpSmsBackend().send("+33612345601", "x")
    assert caught.value.permanent is False
    assert caught.value.args[0].startswith("provider unreachable")


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("", "k"),
        ("https://sms.example.net/send", ""),
        ("http://sms.example.net/send", "k"),
        ("ftp://127.0.0.1/send", "k"),
    ],
)
def test_http_backend_refuses_an_incomplete_or_clear_text_configuration(settings, url, key):
    settings.SMS_HTTP_URL = url
    settings.SMS_HTTP_API_KEY = key
    with pytest.raises(ImproperlyConfigured):
        HttpSmsBackend()


def test_http_backend_accepts_https(settings):
    settings.SMS_HTTP_URL = "https://sms.example.net/send"
    settings.SMS_HTTP_API_KEY = "k"
    assert HttpSmsBackend().url == "https://sms.example.net/send"


@pytest.mark.django_db
def test_a_provider_outage_is_retried_then_the_sms_goes_out(team, sending, provider):
    provider.statuses = [503, 429]
    referral = team.accepted_referral()

    with sending():
        notification = notify_person(referral, "http-retry")

    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (DeliveryStatus.SENT, 3)
    assert len(provider.requests) == 3
    assert "jeudi 4 décembre 2031 à 14 h 30" in provider.requests[-1]["json"]["text"]


@pytest.mark.parametrize("status", [500, 502, 504])
def test_a_server_error_that_may_follow_the_sending_is_uncertain(provider, status):
    """A gateway's 502/504 (or a 500) may come after the provider took the SMS."""
    provider.statuses = [status]
    with pytest.raises(SmsError) as caught:
        get_sms_backend().send("+33612345601", "x")
    assert caught.value.uncertain is True
    assert str(caught.value) == f"provider answered HTTP {status}"


@pytest.mark.django_db
def test_an_uncertain_server_error_is_never_resent(team, sending, provider):
    provider.statuses = [502]
    referral = team.accepted_referral()

    with sending():
        notification = notify_person(referral, "http-502")

    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (DeliveryStatus.SENDING, 1)
    assert len(provider.requests) == 1


@pytest.mark.django_db
def test_a_provider_refusal_marks_the_message_failed_at_once(team, sending, provider):
    provider.statuses = [422]
    referral = team.accepted_referral()

    with sending():
        notification = notify_person(referral, "http-refused")

    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (DeliveryStatus.FAILED, 1)
    assert notification.last_error == "provider answered HTTP 422"
    assert len(provider.requests) == 1


def test_file_backend_writes_one_file_per_sms(settings, tmp_path):
    settings.SMS_FILE_PATH = tmp_path / "sms"
    settings.SMS_SENDER = "TISSER"
    backend = FileSmsBackend()

    backend.send("+33612345601", "Bonjour Awa.\nRendez-vous jeudi.")
    backend.send("+33612345602", "Bonjour Jean.")

    files = sorted((tmp_path / "sms").iterdir())
    assert len(files) == 2
    contents = [f.read_text(encoding="utf-8") for f in files]
    assert "To: +33612345601\nFrom: TISSER\n\nBonjour Awa.\nRendez-vous jeudi.\n" in contents
    assert any(c.startswith("To: +33612345602\n") for c in contents)


def test_file_backend_reports_a_directory_it_cannot_write(settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.SMS_FILE_PATH = blocker / "sms"
    with pytest.raises(SmsError) as caught:
        FileSmsBackend().send("+33612345601", "x")
    assert caught.value.permanent is False


def test_locmem_backend_keeps_messages_in_the_outbox(settings, sms_outbox):
    settings.SMS_BACKEND = "tisser.notifications.sms.LocmemSmsBackend"
    settings.SMS_SENDER = "TISSER"
    backend = get_sms_backend()
    assert isinstance(backend, LocmemSmsBackend)

    backend.send("+33612345601", "Bonjour")

    assert sms.outbox == [sms.SmsMessage(to="+33612345601", text="Bonjour", sender="TISSER")]


@pytest.mark.django_db(transaction=True)
def test_the_provider_accepts_then_the_worker_dies_and_the_sms_is_not_sent_again(
    team, provider, settings, monkeypatch
):
    """The fake provider answers 200; the worker dies before writing SENT: no second SMS."""
    from tests.notifications.backends import WorkerKilled
    from tisser.notifications import services
    from tisser.notifications.tasks import send_notification

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    notification = notify_person(team.accepted_referral(), "accepted-then-killed")

    def killed(*args, **kwargs):
        raise WorkerKilled

    with monkeypatch.context() as patched:
        patched.setattr(services, "_settle", killed)
        with pytest.raises(WorkerKilled):
            send_notification.call(notification.pk)
    assert len(provider.requests) == 1

    assert send_notification.call(notification.pk) == DeliveryStatus.SENDING
    assert len(provider.requests) == 1
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (DeliveryStatus.SENDING, 1)
