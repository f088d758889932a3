"""Backends that fail on purpose, selected with the ``settings`` fixture."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend

from tisser.notifications.sms import LocmemSmsBackend, SmsError


class FlakySmsBackend(LocmemSmsBackend):
    """Fails ``failures`` times (temporarily), then sends like the locmem backend."""

    failures = 0
    permanent = False

    def send(self, to_e164, text):
        if FlakySmsBackend.failures > 0:
            FlakySmsBackend.failures -= 1
            raise SmsError("provider unreachable: TimeoutError", permanent=self.permanent)
        super().send(to_e164, text)


class TemporarilyBrokenEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class RefusingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        recipients = {a: (550, b"no such user") for m in email_messages for a in m.to}
        raise smtplib.SMTPRecipientsRefused(recipients)


class SlowSmsBackend(LocmemSmsBackend):
    """Takes its time, so that a second worker arrives while the first one is sending."""

    def send(self, to_e164, text):
        import time

        time.sleep(0.3)
        super().send(to_e164, text)
