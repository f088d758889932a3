"""What the SMS provider tells us back: delivery reports and STOP replies.

The provider posts JSON to ``/notifications/sms/retour/`` with two headers:

- ``X-Sms-Timestamp``: the time of sending, in Unix seconds;
- ``X-Sms-Signature``: the hex HMAC-SHA256 of ``"<timestamp>." + body`` with the shared
  secret ``SMS_CALLBACK_SECRET``.

Without a configured secret every call is refused; the signature is compared in constant
time; a timestamp further than ``SMS_CALLBACK_MAX_AGE_SECONDS`` from now is refused, so a
recorded call cannot be replayed later. Each event is idempotent, so a provider's own
retries (or a replay inside the window) change nothing more:

- ``{"type": "delivery", "reference": "tisser-42", "status": "delivered" | "failed"}``
  settles message 42 (the reference we sent with it);
- ``{"type": "stop", "from": "+33612345678"}``, or ``{"type": "reply", "from": …, "text":
  "STOP"}``, records the number's SMS opt-out. The text of a reply is never stored.
"""

import hashlib
import hmac
import json
import time
from dataclasses import dataclass

from django.conf import settings

from tisser.core.errors import DomainError
from tisser.notifications.models import Channel
from tisser.notifications.services import notification_record_delivery, optout_add

TIMESTAMP_HEADER = "X-Sms-Timestamp"
SIGNATURE_HEADER = "X-Sms-Signature"
# First word of a reply that means "no more SMS" (French operators' usual keywords).
STOP_WORDS = frozenset({"STOP", "STOPSMS", "ARRET", "ARRÊT"})


class CallbackRefused(Exception):
    """Not from our provider (no secret, bad signature, stale): answered 403."""


class CallbackInvalid(Exception):
    """Signed, but not something we understand: answered 400, nothing changes."""


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature the provider computes (the local fake provider uses it too)."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def verify(*, body: bytes, timestamp: str, signature: str, now: float | None = None) -> None:
    secret = settings.SMS_CALLBACK_SECRET or ""
    if not secret:
        raise CallbackRefused("no secret configured")
    expected = sign(secret, timestamp, body)
    if not hmac.compare_digest(expected.encode(), (signature or "").strip().lower().encode()):
        raise CallbackRefused("bad signature")
    try:
        sent_at = int(timestamp)
    except ValueError as exc:
        raise CallbackRefused("bad timestamp") from exc
    now = time.time() if now is None else now
    if abs(now - sent_at) > settings.SMS_CALLBACK_MAX_AGE_SECONDS:
        raise CallbackRefused("stale timestamp")


@dataclass(frozen=True)
class Outcome:
    action: str  # "delivery", "opt_out" or "ignored"


def handle(body: bytes) -> Outcome:
    """Apply one verified event; the same event twice has the effect of once."""
    try:
        event = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CallbackInvalid("body is not JSON") from exc
    if not isinstance(event, dict):
        raise CallbackInvalid("body is not an object")
    kind = event.get("type")
    if kind == "delivery":
        status = event.get("status")
        reference = event.get("reference")
        if status not in ("delivered", "failed") or not isinstance(reference, str):
            raise CallbackInvalid("delivery needs a reference and a status")
        notification_record_delivery(reference=reference, delivered=status == "delivered")
        return Outcome("delivery")
    if kind in ("stop", "reply"):
        number = event.get("from")
        if not isinstance(number, str):
            raise CallbackInvalid("a reply needs the sender's number")
        if kind == "reply":
            words = str(event.get("text") or "").split()
            if not words or words[0].upper().strip(".!") not in STOP_WORDS:
                return Outcome("ignored")
        try:
            optout_add(actor=None, channel=Channel.SMS, address=number)
        except DomainError as exc:
            raise CallbackInvalid("unusable number") from exc
        return Outcome("opt_out")
    raise CallbackInvalid("unknown event type")
