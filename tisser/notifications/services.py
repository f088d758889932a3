"""Notifications: record one message per event, send it from a task after the commit.

Flow: a domain service calls ``notify(...)`` inside its transaction; the Notification row
(who, kind, channel, status, subject — never the text) commits with the domain change, and
``transaction.on_commit`` enqueues ``send_notification(notification_id)``. The task calls
``notification_deliver``, which sends at most once: it marks the row SENDING and commits,
calls the provider with no transaction open, then writes SENT or FAILED. See
docs/decisions/0004-notifications.md and 0008-notification-delivery.md.
"""

import smtplib
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tisser.accounts.enums import Role
from tisser.core import clock, journal
from tisser.core.errors import DomainError
from tisser.core.ids import parse_id
from tisser.core.phones import is_mobile, normalize_phone
from tisser.notifications.kinds import Contact, MessageKind, get_kind
from tisser.notifications.messages import build_context, render_email, render_sms
from tisser.notifications.models import (
    PROVIDER_REFERENCE_PREFIX,
    Channel,
    DeliveryStatus,
    Notification,
    OptOut,
    RecipientKind,
)
from tisser.notifications.sms import SmsError, get_sms_backend

SITE_TEAM_ROLES = (Role.SITE_MANAGER, Role.MEDIATOR)
EVENT_KEY_MAX_LENGTH = 200  # Notification.event_key

# The person's preferred channel (the codes of beneficiaries' ContactChannel).
PREFERS_EMAIL = "email"
PREFERS_CALL = "call"
PREFERS_REFERRER = "referrer"


# --- Addresses -------------------------------------------------------------------------


def sms_address(phone: str) -> str:
    """The E.164 form of a mobile number, or "" (landlines and bad numbers get no SMS)."""
    try:
        e164 = normalize_phone(phone)
    except ValidationError:
        return ""
    return e164 if is_mobile(e164) else ""


def email_address(email: str) -> str:
    return (email or "").strip().lower()


def _person_address(contact: Contact, channel: str) -> str:
    if channel == Channel.SMS:
        return sms_address(contact.phone)
    return email_address(contact.email)


def _site_team_addresses(site, roles=SITE_TEAM_ROLES) -> list[str]:
    from tisser.accounts.models import Membership

    if site is None:
        return []
    emails = (
        Membership.objects.active()
        .filter(organisation_id=site.pk, role__in=roles)
        .values_list("user__email", flat=True)
    )
    addresses = sorted({email_address(e) for e in emails if e})
    # A site without an active team still has its contact address.
    if not addresses and site.email:
        addresses = [email_address(site.email)]
    return addresses


def _recipients(notification: Notification, contact: Contact) -> list[str]:
    kind = notification.recipient_kind
    if kind == RecipientKind.SITE_TEAM:
        return _site_team_addresses(notification.site)
    if kind == RecipientKind.SITE_MANAGERS:
        return _site_team_addresses(notification.site, roles=(Role.SITE_MANAGER,))
    if kind == RecipientKind.REFERRER or notification.via_referrer:
        address = email_address(contact.referrer_email)
    elif kind == RecipientKind.INVITEE:
        address = email_address(contact.email)
    else:
        address = _person_address(contact, notification.channel)
    return [address] if address else []


def _choose_person_channel(contact: Contact) -> tuple[str, bool]:
    """(channel, via_referrer) for a message to the person, from their preferred channel.

    sms -> SMS; email -> e-mail; call -> no message (the site calls); referrer -> e-mail to
    the referrer. When the preferred written channel has no usable address, the other one
    is used (a public request gives a phone OR an e-mail).
    """
    preferred = contact.preferred_channel
    if preferred == PREFERS_CALL:
        return Channel.CALL, False
    if preferred == PREFERS_REFERRER and contact.referrer_email:
        return Channel.EMAIL, True
    order = (
        [Channel.EMAIL, Channel.SMS] if preferred == PREFERS_EMAIL else [Channel.SMS, Channel.EMAIL]
    )
    for channel in order:
        if _person_address(contact, channel):
            return channel, False
    return order[0], False


def people_reach(contacts: list[Contact]) -> list[tuple[str, str]]:
    """For each contact, (channel, address) by which ``notify`` would write to the person
    now, or (channel, "") when nothing would reach them: they asked to be called, no usable
    address, or the address opted out of that channel. A message through the referrer counts
    as not reaching the person. One query whatever the number of contacts: for callers that
    must not queue messages nobody receives (the learning modules' nudge)."""
    found: list[tuple[str, str]] = []
    for contact in contacts:
        channel, via_referrer = _choose_person_channel(contact)
        address = (
            "" if channel == Channel.CALL or via_referrer else _person_address(contact, channel)
        )
        found.append((channel, address))
    addresses = {address for _channel, address in found if address}
    opted_out = (
        set(OptOut.objects.filter(address__in=addresses).values_list("channel", "address"))
        if addresses
        else set()
    )
    return [
        (channel, "" if (channel, address) in opted_out else address) for channel, address in found
    ]


# --- notify ----------------------------------------------------------------------------


def notify(
    *,
    event_key: str,
    template: str,
    recipient_kind: str,
    subject,
    site=None,
) -> Notification:
    """Record the message for one event and send it once the caller's transaction commits.

    ``template`` is a registered message kind (notifications.kinds) and ``subject`` the
    object it is about, of the kind's model. Call it inside the caller's transaction. The
    same ``event_key`` never produces a second message: a repeated call returns the existing
    record and schedules nothing.
    """
    kind = get_kind(template)
    if kind is None:
        raise ValueError(f"Unknown message template: {template!r}")
    if recipient_kind != kind.recipient_kind:
        raise ValueError(f"Template {template!r} is for {kind.recipient_kind!r} recipients")
    if not event_key or len(event_key) > EVENT_KEY_MAX_LENGTH:
        raise ValueError("event_key must be a non-empty string of at most 200 characters")
    if subject is None or subject.pk is None:
        raise ValueError("A message needs a saved subject")
    if subject._meta.label_lower != kind.subject_type:
        raise ValueError(f"Template {template!r} is about {kind.subject_type!r} objects")
    if site is None:
        site = getattr(subject, "site", None)

    existing = Notification.objects.filter(event_key=event_key).first()
    if existing is not None:
        return existing

    via_referrer = False
    status = DeliveryStatus.PENDING
    if recipient_kind == RecipientKind.PERSON:
        channel, via_referrer = _choose_person_channel(kind.contact(subject))
        if channel == Channel.CALL:
            status = DeliveryStatus.TO_CALL
    else:
        channel = Channel.EMAIL

    notification = Notification(
        event_key=event_key,
        template=template,
        recipient_kind=recipient_kind,
        channel=channel,
        via_referrer=via_referrer,
        site=site,
        subject_type=kind.subject_type,
        subject_id=subject.pk,
        status=status,
    )
    notification.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        # Another transaction recorded the same event first: that one sends it.
        return Notification.objects.get(event_key=event_key)

    if status == DeliveryStatus.PENDING:
        from tisser.notifications.tasks import send_notification

        # Only the id goes to the queue: the task rebuilds everything else from the database.
        transaction.on_commit(partial(send_notification.enqueue, notification.pk))
    return notification


# --- Delivery (called by the task) ---------------------------------------------------


class TemporaryFailure(Exception):
    """The backend could not send now; trying later may work."""


class PermanentFailure(Exception):
    """The backend refused the message; trying again is useless."""


class UncertainFailure(Exception):
    """The request left but no answer came: the message may have gone, so it is not resent."""


@dataclass(frozen=True)
class DeliveryResult:
    status: str
    attempts: int = 0
    retry: bool = False


def _send_sms(addresses: list[str], text: str, reference: str) -> None:
    backend = get_sms_backend()
    for address in addresses:
        try:
            backend.send(address, text, reference=reference)
        except SmsError as exc:
            if exc.uncertain:
                raise UncertainFailure(str(exc)[:200]) from exc
            failure = PermanentFailure if exc.permanent else TemporaryFailure
            raise failure(str(exc)[:200]) from exc


# SMTP failures that happen before the message is handed over to the server.
_SMTP_NOTHING_SENT = (
    ConnectionRefusedError,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    smtplib.SMTPAuthenticationError,
    smtplib.SMTPNotSupportedError,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
)


def _send_email(addresses: list[str], subject: str, body: str) -> None:
    message = EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=addresses
    )
    try:
        message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        # The exception text holds the addresses: keep only its kind.
        raise PermanentFailure(type(exc).__name__) from exc
    except _SMTP_NOTHING_SENT as exc:
        # Failed before the message was handed over: trying again cannot send it twice.
        raise TemporaryFailure(type(exc).__name__) from exc
    except (smtplib.SMTPException, OSError) as exc:
        # The connection dropped or timed out while the server may have taken the message
        # (e.g. the "250 OK" after the body was lost): never resend blindly.
        raise UncertainFailure(type(exc).__name__) from exc


def _render(notification: Notification, kind: MessageKind, subject, contact) -> dict[str, Any]:
    context = build_context(
        kind=kind,
        subject=subject,
        contact=contact,
        site=notification.site,
        via_referrer=notification.via_referrer,
    )
    if notification.channel == Channel.SMS:
        return {"sms": render_sms(kind.template, context)}
    subject_line, body = render_email(kind.template, context)
    return {"subject": subject_line, "body": body}


def render(notification: Notification) -> dict[str, Any]:
    """The texts of a notification as they would be sent now (SMS text or e-mail parts)."""
    kind = get_kind(notification.template)
    if kind is None:
        raise ValueError(f"Unknown message template: {notification.template!r}")
    subject = kind.load_subject(notification.subject_id)
    return _render(notification, kind, subject, kind.contact(subject))


@dataclass(frozen=True)
class _Claim:
    """What the claim step hands to the sending step: addresses and texts, ready to go."""

    channel: str
    addresses: list[str]
    texts: dict[str, Any]
    reference: str


def _claim(notification_id: int) -> DeliveryResult | _Claim:
    """Mark a PENDING row SENDING (committed before anything leaves), or say why not."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None:
            return DeliveryResult(status="missing")
        if notification.status != DeliveryStatus.PENDING:
            # SENDING included: it may have gone out, so only a person decides to resend it.
            return DeliveryResult(status=notification.status, attempts=notification.attempts)
        kind = get_kind(notification.template)
        if kind is None:
            notification.last_error = "unknown kind"
            return _finish(notification, DeliveryStatus.FAILED)
        subject = kind.load_subject(notification.subject_id)
        if subject is None:
            notification.last_error = "subject not found"
            return _finish(notification, DeliveryStatus.FAILED)
        contact = kind.contact(subject)
        addresses = _recipients(notification, contact)
        if not addresses:
            return _finish(notification, DeliveryStatus.NO_ADDRESS)
        opted_out = set(
            OptOut.objects.filter(channel=notification.channel, address__in=addresses).values_list(
                "address", flat=True
            )
        )
        addresses = [a for a in addresses if a not in opted_out]
        if not addresses:
            return _finish(notification, DeliveryStatus.OPTED_OUT)
        texts = _render(notification, kind, subject, contact)
        notification.attempts += 1
        notification.status = DeliveryStatus.SENDING
        notification.save(update_fields=["attempts", "status", "updated_at"])
        return _Claim(notification.channel, addresses, texts, notification.provider_reference)


def _settle(notification_id: int, **changes) -> DeliveryResult:
    """Write the outcome, only onto the row this worker marked SENDING."""
    changes["updated_at"] = clock.now()
    with transaction.atomic():
        Notification.objects.filter(pk=notification_id, status=DeliveryStatus.SENDING).update(
            **changes
        )
        notification = Notification.objects.get(pk=notification_id)
    return DeliveryResult(
        status=notification.status,
        attempts=notification.attempts,
        retry=notification.status == DeliveryStatus.PENDING,
    )


def notification_deliver(*, notification_id: int) -> DeliveryResult:
    """Send one pending notification, at most once, even if the worker dies meanwhile.

    1. Claim: lock the row; only a PENDING row goes on; resolve addresses and texts; mark it
       SENDING and commit. 2. Send, with no transaction open and no lock held. 3. Settle:
       SENT, FAILED, or back to PENDING for a retry. A worker that dies between 1 and 3
       leaves the row SENDING: the task finds it so and sends nothing; staff see it.
    """
    claim = _claim(notification_id)
    if isinstance(claim, DeliveryResult):
        return claim
    try:
        if claim.channel == Channel.SMS:
            _send_sms(claim.addresses, claim.texts["sms"], claim.reference)
        else:
            _send_email(claim.addresses, claim.texts["subject"], claim.texts["body"])
    except UncertainFailure as exc:
        # Stays SENDING: maybe sent. A delivery report or a person settles it.
        return _settle(notification_id, last_error=str(exc)[:200])
    except (TemporaryFailure, PermanentFailure) as exc:
        attempts = Notification.objects.filter(pk=notification_id).values_list(
            "attempts", flat=True
        )[0]
        final = isinstance(exc, PermanentFailure) or attempts >= settings.NOTIFICATION_MAX_ATTEMPTS
        return _settle(
            notification_id,
            last_error=str(exc)[:200],
            status=DeliveryStatus.FAILED if final else DeliveryStatus.PENDING,
        )
    return _settle(notification_id, status=DeliveryStatus.SENT, sent_at=clock.now(), last_error="")


# What a delivery report may settle, and into what.
_REPORTABLE = (DeliveryStatus.SENDING, DeliveryStatus.SENT)


def notification_record_delivery(*, reference: str, delivered: bool) -> Notification | None:
    """Apply the SMS provider's delivery report for one of our messages (idempotent).

    A SENT message becomes DELIVERED or UNDELIVERED; a SENDING one (the worker stopped
    after the provider accepted it) is settled too. Any other state, an unknown reference,
    or a report already applied changes nothing.
    """
    if not reference.startswith(PROVIDER_REFERENCE_PREFIX):
        return None
    pk = parse_id(reference.removeprefix(PROVIDER_REFERENCE_PREFIX))
    if pk is None:
        return None
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .filter(pk=pk, channel=Channel.SMS, status__in=_REPORTABLE)
            .first()
        )
        if notification is None:
            return None
        now = clock.now()
        notification.status = DeliveryStatus.DELIVERED if delivered else DeliveryStatus.UNDELIVERED
        notification.sent_at = notification.sent_at or now
        notification.save(update_fields=["status", "sent_at", "updated_at"])
    return notification


def _finish(notification: Notification, status: str) -> DeliveryResult:
    notification.status = status
    notification.save(update_fields=["status", "last_error", "updated_at"])
    return DeliveryResult(status=status, attempts=notification.attempts)


# --- Opt-out ---------------------------------------------------------------------------


def optout_add(*, actor, channel: str, address: str, site=None) -> OptOut:
    """Record that a phone number or an e-mail address wants no more messages on a channel.

    ``actor`` is the acting Membership (None for the system, e.g. a provider's STOP reply).
    """
    if not (address or "").strip():
        raise DomainError(_("Indiquez un numéro de téléphone ou une adresse e-mail."))
    if channel == Channel.SMS:
        try:
            normalised = normalize_phone(address)
        except ValidationError as exc:
            raise DomainError(exc.messages[0]) from exc
    elif channel == Channel.EMAIL:
        normalised = email_address(address)
        try:
            validate_email(normalised)
        except ValidationError as exc:
            raise DomainError(_("Cette adresse e-mail n'est pas valide.")) from exc
    else:
        raise DomainError(_("On ne peut refuser que les SMS ou les e-mails."))
    with transaction.atomic():
        optout, created = OptOut.objects.get_or_create(channel=channel, address=normalised)
        if created:
            journal.record(
                actor=actor.user if actor is not None else None,
                action="notification.opted_out",
                obj=optout,
                site=site,
                payload={"channel": channel},
            )
    return optout
