"""Backends that fail on purpose, selected with the ``settings`` fixture."""

import smtplib
import time

from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection

from tisser.notifications.sms import FileSmsBackend, LocmemSmsBackend, SmsError


class FlakySmsBackend(LocmemSmsBackend):
    """Fails ``failures`` times (temporarily), then sends like the locmem backend."""

    failures = 0
    permanent = False

    def send(self, to_e164, text, *, reference=""):
        if FlakySmsBackend.failures > 0:
            FlakySmsBackend.failures -= 1
            raise SmsError("provider unreachable: TimeoutError", permanent=self.permanent)
        super().send(to_e164, text, reference=reference)


class WorkerKilled(BaseException):
    """Stands for the worker process dying (SIGKILL, out of memory): nothing catches it."""


class AcceptThenCrashSmsBackend(LocmemSmsBackend):
    """The provider accepts the SMS, then the worker dies before writing the outcome."""

    def send(self, to_e164, text, *, reference=""):
        super().send(to_e164, text, reference=reference)
        raise WorkerKilled


class NoAnswerSmsBackend(LocmemSmsBackend):
    """The request reached the provider, whose answer never came back (read timeout)."""

    def send(self, to_e164, text, *, reference=""):
        super().send(to_e164, text, reference=reference)
        raise SmsError("provider did not answer: TimeoutError", uncertain=True)


class WatchingSmsBackend(LocmemSmsBackend):
    """Notes whether a database transaction (and so possibly a row lock) is open while sending."""

    in_transaction: list[bool] = []

    def send(self, to_e164, text, *, reference=""):
        WatchingSmsBackend.in_transaction.append(connection.in_atomic_block)
        super().send(to_e164, text, reference=reference)


class TemporarilyBrokenEmailBackend(BaseEmailBackend):
    """The mail server cannot be reached: nothing was handed over."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPConnectError(421, b"Service not available")


class DisconnectingEmailBackend(BaseEmailBackend):
    """The connection drops after the message was handed over: it may have gone."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class RefusingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        recipients = {a: (550, b"no such user") for m in email_messages for a in m.to}
        raise smtplib.SMTPRecipientsRefused(recipients)


class SlowSmsBackend(LocmemSmsBackend):
    """Takes its time, so that a second worker arrives while the first one is sending."""

    def send(self, to_e164, text, *, reference=""):
        import time

        time.sleep(0.3)
        super().send(to_e164, text, reference=reference)


class SlowFileSmsBackend(FileSmsBackend):
    """The file backend after a short pause, as a provider's HTTP call takes: long enough for
    two worker processes to hold tasks at the same moment (tests/notifications/
    test_worker_processes.py runs it in real ``db_worker`` processes)."""

    def send(self, to_e164, text, *, reference=""):
        time.sleep(0.05)
        super().send(to_e164, text, reference=reference)
