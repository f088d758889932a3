"""SMS backends, chosen by settings.SMS_BACKEND like Django's e-mail backends.

- ``FileSmsBackend``: one text file per SMS under settings.SMS_FILE_PATH (dev, demo, e2e).
- ``LocmemSmsBackend``: appends to ``tisser.notifications.sms.outbox`` (tests).
- ``HttpSmsBackend``: posts JSON to a provider (settings.SMS_HTTP_URL, SMS_HTTP_API_KEY,
  SMS_SENDER). It never follows a redirect: a 3xx or 4xx answer is a permanent failure; a
  5xx answer or a failure to connect is temporary and the task tries again later. A request
  that left but got no answer may have been accepted: it is reported as ``uncertain`` and
  never sent again.

Backends raise ``SmsError`` and never log the text or the number: both are personal data.
"""

import contextlib
import json
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from tisser.core import clock

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class SmsError(Exception):
    """The SMS was not sent. ``permanent`` failures are not tried again."""

    def __init__(self, message: str, *, permanent: bool = False, uncertain: bool = False):
        super().__init__(message)
        self.permanent = permanent
        # The provider may have accepted the message: sending it again could send it twice.
        self.uncertain = uncertain


@dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str
    sender: str
    reference: str = ""


# Filled by LocmemSmsBackend; tests empty it between runs.
outbox: list[SmsMessage] = []


class BaseSmsBackend:
    def __init__(self) -> None:
        self.sender: str = settings.SMS_SENDER or ""

    def send(self, to_e164: str, text: str, *, reference: str = "") -> None:
        """Send one SMS to an E.164 number, or raise SmsError.

        ``reference`` is our id for the message; providers echo it in delivery reports.
        """
        raise NotImplementedError


class LocmemSmsBackend(BaseSmsBackend):
    def send(self, to_e164: str, text: str, *, reference: str = "") -> None:
        outbox.append(SmsMessage(to=to_e164, text=text, sender=self.sender, reference=reference))


class FileSmsBackend(BaseSmsBackend):
    """Writes each SMS to its own file, named by time so a directory listing reads in order."""

    def __init__(self) -> None:
        super().__init__()
        self.directory = Path(settings.SMS_FILE_PATH)

    def send(self, to_e164: str, text: str, *, reference: str = "") -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            name = f"{clock.now():%Y%m%d-%H%M%S-%f}-{uuid.uuid4().hex[:8]}.txt"
            content = f"To: {to_e164}\nFrom: {self.sender}\n\n{text}\n"
            (self.directory / name).write_text(content, encoding="utf-8")
        except OSError as exc:
            raise SmsError(f"file backend: {type(exc).__name__}") from exc


# Answers by which a provider says it did not take the message (busy, too many requests).
PROVIDER_BUSY_STATUSES = frozenset({429, 503})


class HttpSmsBackend(BaseSmsBackend):
    """A JSON-over-HTTPS provider.

    Request: ``POST SMS_HTTP_URL`` with headers ``X-API-Key: SMS_HTTP_API_KEY`` and
    ``Content-Type: application/json``, body ``{"to": "+33612345678", "sender": "TISSER",
    "text": "...", "reference": "tisser-42"}``. Any 2xx answer means the provider accepted
    the message. Redirects are never followed (the key goes to the configured host only).
    A provider with another request shape needs a subclass overriding ``build_request``.
    """

    def __init__(self) -> None:
        super().__init__()
        self.url = settings.SMS_HTTP_URL or ""
        self.api_key = settings.SMS_HTTP_API_KEY or ""
        self.timeout = settings.SMS_HTTP_TIMEOUT_SECONDS
        if not self.url or not self.api_key:
            raise ImproperlyConfigured("HttpSmsBackend needs SMS_HTTP_URL and SMS_HTTP_API_KEY.")
        parts = urlsplit(self.url)
        # The key and the messages travel in clear over plain HTTP: only the loopback may use it.
        if parts.scheme != "https" and not (
            parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
        ):
            raise ImproperlyConfigured("SMS_HTTP_URL must be an https:// address.")

    def build_request(self, to_e164: str, text: str, reference: str = "") -> urllib.request.Request:
        payload = {"to": to_e164, "sender": self.sender, "text": text, "reference": reference}
        body = json.dumps(payload).encode()
        return urllib.request.Request(  # noqa: S310 (scheme checked in __init__)
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "X-API-Key": self.api_key,
            },
        )

    def send(self, to_e164: str, text: str, *, reference: str = "") -> None:
        request = self.build_request(to_e164, text, reference)
        try:
            response = _OPENER.open(request, timeout=self.timeout)
        except urllib.error.HTTPError as exc:
            message = f"provider answered HTTP {exc.code}"
            if exc.code in PROVIDER_BUSY_STATUSES:
                # The provider said it did not take the message: try again later.
                raise SmsError(message) from exc
            if exc.code < 500:
                # 3xx (not followed) or 4xx (bad number, bad key): trying again is useless.
                raise SmsError(message, permanent=True) from exc
            # Any other 5xx (a gateway's 502/504, a 500) may come after the provider took the
            # message: it may have gone, so it is never sent again blindly.
            raise SmsError(message, uncertain=True) from exc
        except urllib.error.URLError as exc:
            # urllib wraps what fails while connecting or writing: the request did not arrive.
            reason = exc.reason if isinstance(exc.reason, BaseException) else exc
            raise SmsError(f"provider unreachable: {type(reason).__name__}") from exc
        except OSError as exc:
            # The request left and no answer came back (timeout, reset): it may have been sent.
            raise SmsError(
                f"provider did not answer: {type(exc).__name__}", uncertain=True
            ) from exc
        # The 2xx status already said the provider accepted the message: the body is a bonus.
        with response, contextlib.suppress(OSError):
            response.read()


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """Turn every 3xx into an HTTPError: a redirect would carry the key to another host."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_RefuseRedirects)


def get_sms_backend() -> BaseSmsBackend:
    backend_class = import_string(settings.SMS_BACKEND or "tisser.notifications.sms.FileSmsBackend")
    return backend_class()
