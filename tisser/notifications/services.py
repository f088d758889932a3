"""Notifications: record one message per event, send it from a task after the commit.

Flow: a domain service calls ``notify(...)`` inside its transaction; the Notification row
(who, template, channel, status — never the text) commits with the domain change, and
``transaction.on_commit`` enqueues ``send_notification(notification_id)``. The task calls
``notification_deliver``, which locks the row, renders the text from the database and
hands it to the e-mail or SMS backend. See docs/decisions/0004-notifications.md.
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
from tisser.beneficiaries.enums import ContactChannel
from tisser.core import clock, journal
from tisser.core.errors import DomainError
from tisser.core.phones import is_mobile, normalize_phone
from tisser.notifications.messages import TEMPLATES, build_context, render_email, render_sms
from tisser.notifications.models import (
    Channel,
    DeliveryStatus,
    Notification,
    OptOut,
    RecipientKind,
)
from tisser.notifications.sms import SmsError, get_sms_backend

SITE_TEAM_ROLES = (Role.SITE_MANAGER, Role.MEDIATOR)
EVENT_KEY_MAX_LENGTH = 200  # Notification.event_key


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


def _person_address(person, channel: str) -> str:
    if channel == Channel.SMS:
        return sms_address(person.phone)
    return email_address(person.email)


def _active_referrer(referral):
    if referral is None or referral.referrer_id is None:
        return None
    referrer = referral.referrer
    return referrer if referrer.is_active else None


def _site_team_addresses(site) -> list[str]:
    from tisser.accounts.models import Membership

    if site is None:
        return []
    emails = (
        Membership.objects.active()
        .filter(organisation_id=site.pk, role__in=SITE_TEAM_ROLES)
        .values_list("user__email", flat=True)
    )
    addresses = sorted({email_address(e) for e in emails if e})
    # A site without an active team still has its contact address.
    if not addresses and site.email:
        addresses = [email_address(site.email)]
    return addresses


def _person_of(notification):
    return notification.beneficiary or notification.referral


def _recipients(notification: Notification) -> list[str]:
    kind = notification.recipient_kind
    if kind == RecipientKind.SITE_TEAM:
        return _site_team_addresses(notification.site)
    if kind == RecipientKind.REFERRER or notification.via_referrer:
        referrer = _active_referrer(notification.referral)
        return [email_address(referrer.email)] if referrer and referrer.email else []
    person = _person_of(notification)
    address = _person_address(person, notification.channel) if person is not None else ""
    return [address] if address else []


def _choose_person_channel(person, referral) -> tuple[str, bool]:
    """(channel, via_referrer) for a message to the person, from their preferred channel.

    sms -> SMS; email -> e-mail; call -> no message (the site calls); referrer -> e-mail to
    the referrer. When the preferred written channel has no usable address, the other one
    is used (a public request gives a phone OR an e-mail).
    """
    preferred = person.preferred_channel
    if preferred == ContactChannel.CALL:
        return Channel.CALL, False
    if preferred == ContactChannel.REFERRER and _active_referrer(referral) is not None:
        return Channel.EMAIL, True
    order = (
        [Channel.EMAIL, Channel.SMS]
        if preferred == ContactChannel.EMAIL
        else [Channel.SMS, Channel.EMAIL]
    )
    for channel in order:
        if _person_address(person, channel):
            return channel, False
    return order[0], False


# --- notify ----------------------------------------------------------------------------


def notify(
    *,
    event_key: str,
    template: str,
    recipient_kind: str,
    site=None,
    referral=None,
    beneficiary=None,
) -> Notification:
    """Record the message for one event and send it once the caller's transaction commits.

    Call it inside the caller's transaction. The same ``event_key`` never produces a second
    message: a repeated call returns the existing record and schedules nothing.
    """
    spec = TEMPLATES.get(template)
    if spec is None:
        raise ValueError(f"Unknown message template: {template!r}")
    if recipient_kind != spec.recipient_kind:
        raise ValueError(f"Template {template!r} is for {spec.recipient_kind!r} recipients")
    if not event_key or len(event_key) > EVENT_KEY_MAX_LENGTH:
        raise ValueError("event_key must be a non-empty string of at most 200 characters")
    person = beneficiary or referral
    if recipient_kind == RecipientKind.PERSON and person is None:
        raise ValueError("A message to the person needs a referral or a beneficiary")
    if site is None:
        site = referral.site if referral is not None else getattr(beneficiary, "site", None)

    existing = Notification.objects.filter(event_key=event_key).first()
    if existing is not None:
        return existing

    via_referrer = False
    status = DeliveryStatus.PENDING
    if recipient_kind == RecipientKind.PERSON:
        channel, via_referrer = _choose_person_channel(person, referral)
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
        referral=referral,
        beneficiary=beneficiary,
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


@dataclass(frozen=True)
class DeliveryResult:
    status: str
    attempts: int = 0
    retry: bool = False


def _send_sms(addresses: list[str], text: str) -> None:
    backend = get_sms_backend()
    for address in addresses:
        try:
            backend.send(address, text)
        except SmsError as exc:
            failure = PermanentFailure if exc.permanent else TemporaryFailure
            raise failure(str(exc)[:200]) from exc


def _send_email(addresses: list[str], subject: str, body: str) -> None:
    message = EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=addresses
    )
    try:
        message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        # The exception text holds the addresses: keep only its kind.
        raise PermanentFailure(type(exc).__name__) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise TemporaryFailure(type(exc).__name__) from exc


def render(notification: Notification) -> dict[str, Any]:
    """The texts of a notification as they would be sent now (SMS text or e-mail parts)."""
    context = build_context(
        notification=notification, person=_person_of(notification), site=notification.site
    )
    if notification.channel == Channel.SMS:
        return {"sms": render_sms(notification.template, context)}
    subject, body = render_email(notification.template, context)
    return {"subject": subject, "body": body}


def notification_deliver(*, notification_id: int) -> DeliveryResult:
    """Send one pending notification, at most once.

    The row is locked while sending, and only a PENDING row is sent, so two workers or a
    repeated task never send the same message twice.
    """
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None:
            return DeliveryResult(status="missing")
        if notification.status != DeliveryStatus.PENDING:
            return DeliveryResult(status=notification.status, attempts=notification.attempts)

        addresses = _recipients(notification)
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

        texts = render(notification)
        notification.attempts += 1
        try:
            if notification.channel == Channel.SMS:
                _send_sms(addresses, texts["sms"])
            else:
                _send_email(addresses, texts["subject"], texts["body"])
        except (TemporaryFailure, PermanentFailure) as exc:
            notification.last_error = str(exc)[:200]
            final = (
                isinstance(exc, PermanentFailure)
                or notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS
            )
            notification.status = DeliveryStatus.FAILED if final else DeliveryStatus.PENDING
            notification.save(update_fields=["attempts", "last_error", "status", "updated_at"])
            return DeliveryResult(
                status=notification.status, attempts=notification.attempts, retry=not final
            )
        notification.status = DeliveryStatus.SENT
        notification.sent_at = clock.now()
        notification.last_error = ""
        notification.save(
            update_fields=["attempts", "status", "sent_at", "last_error", "updated_at"]
        )
        return DeliveryResult(status=notification.status, attempts=notification.attempts)


def _finish(notification: Notification, status: str) -> DeliveryResult:
    notification.status = status
    notification.save(update_fields=["status", "updated_at"])
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
