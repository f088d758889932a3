"""The referral state machine: the explicit transition table and one service per transition.

Every service

- locks the referral row (``select_for_update``) inside ``transaction.atomic()`` and works
  on that fresh copy, so two people clicking at once cannot both move it;
- checks the acting membership's role and scope, then the table (``TRANSITIONS``);
- writes one :class:`ReferralEvent` (from, to, actor, time) and one journal entry in the
  same transaction, and queues the messages with ``notify(...)`` under deterministic
  event keys (the same event never sends twice);
- refuses with :class:`DomainError` (French message) and changes nothing otherwise.

``actor`` is the acting :class:`Membership` (``request.membership``); ``referral_expire``
is run by the system (``actor=None``) from ``manage.py referrals_housekeeping``.

Role rules (docs/decisions/0006-referral-lifecycle.md):

- *referrer side* — the partner referrers of the referral's partner (or, for a list
  imported by a site without a partner, that site's manager and mediators): submit, cancel;
- *site side* — the site manager and mediators of the target site, and the network admins
  of its network: accept, reject, rebook, mark came / no show. Volunteers do none of it;
- *moderation* — the network admins of the referral's network.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Model, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.accounts.enums import HabilitationStatus, Role
from tisser.accounts.models import Membership, Partner, Site
from tisser.beneficiaries.enums import ContactChannel
from tisser.beneficiaries.services import beneficiary_for_referral
from tisser.core import clock, hooks
from tisser.core.choices import known_codes
from tisser.core.dates import format_day, format_weekday
from tisser.core.errors import DomainError
from tisser.core.journal import build_entry
from tisser.core.models import JournalEntry
from tisser.core.validators import reject_nir
from tisser.notifications.services import notify
from tisser.referrals import booking, figures_marks
from tisser.referrals.deadlines import help_request_due_on
from tisser.referrals.enums import (
    ANSWER_DELAY_DAYS,
    NO_SHOW_DELAY_DAYS,
    AppointmentKind,
    AppointmentStatus,
    ReferralSource,
    ReferralStatus,
    RejectionReason,
)
from tisser.referrals.hooks import REFERRAL_CONSUMED
from tisser.referrals.models import Appointment, Referral, ReferralEvent

S = ReferralStatus

# Actions, named after the services that perform them.
SUBMIT = "submit"
MODERATION_APPROVE = "moderation_approve"
MODERATION_REJECT = "moderation_reject"
ACCEPT = "accept"
REJECT = "reject"
REBOOK = "rebook"
MARK_CAME = "mark_came"
MARK_NO_SHOW = "mark_no_show"
CANCEL = "cancel"
EXPIRE = "expire"
TRANSFER = "transfer"

# The explicit transition table: (from, to) -> the actions that may make that move.
# Rebooking and recording a no-show keep the referral accepted: they are history rows
# "accepted -> accepted" (the appointment changes, the status does not).
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.DRAFT, S.SUBMITTED): frozenset({SUBMIT}),
    (S.DRAFT, S.MODERATION_PENDING): frozenset({SUBMIT}),
    (S.DRAFT, S.CANCELLED): frozenset({CANCEL}),
    (S.MODERATION_PENDING, S.SUBMITTED): frozenset({MODERATION_APPROVE}),
    (S.MODERATION_PENDING, S.MODERATION_REJECTED): frozenset({MODERATION_REJECT}),
    (S.MODERATION_PENDING, S.CANCELLED): frozenset({CANCEL}),
    # Sent to the wrong space: it moves, still waiting for an answer, to another space.
    (S.SUBMITTED, S.SUBMITTED): frozenset({TRANSFER}),
    (S.SUBMITTED, S.ACCEPTED): frozenset({ACCEPT}),
    (S.SUBMITTED, S.REJECTED): frozenset({REJECT}),
    (S.SUBMITTED, S.EXPIRED): frozenset({EXPIRE}),
    (S.SUBMITTED, S.CANCELLED): frozenset({CANCEL}),
    (S.ACCEPTED, S.ACCEPTED): frozenset({REBOOK, MARK_NO_SHOW}),
    (S.ACCEPTED, S.CONSUMED): frozenset({MARK_CAME}),
    (S.ACCEPTED, S.EXPIRED): frozenset({EXPIRE}),
    (S.ACCEPTED, S.CANCELLED): frozenset({CANCEL}),
}

# Habilitations that let a partner's referrals reach the site without moderation.
TRUSTED_HABILITATIONS = frozenset({HabilitationStatus.VALIDATED, HabilitationStatus.NOT_REQUIRED})
SITE_TEAM_ROLES: frozenset[str] = frozenset({Role.SITE_MANAGER, Role.MEDIATOR})
CANCELLABLE_STATUSES = frozenset(
    {S.DRAFT, S.MODERATION_PENDING, S.SUBMITTED, S.ACCEPTED}
)  # the statuses with a (from, cancelled) row above


def is_allowed(from_status: str, to_status: str, action: str | None = None) -> bool:
    actions = TRANSITIONS.get((from_status, to_status), frozenset())
    return bool(actions) if action is None else action in actions


def allowed_actions(status: str) -> frozenset[str]:
    """Every action the table allows from ``status`` (the pages show only these buttons)."""
    return frozenset(
        action
        for (source, _target), actions in TRANSITIONS.items()
        if source == status
        for action in actions
    )


def _refuse_transition(referral: Referral, to_status: str, action: str) -> None:
    if not is_allowed(referral.status, to_status, action):
        raise DomainError(
            _("Ce bon d'orientation est « %(status)s » : cette action n'est plus possible.")
            % {"status": referral.get_status_display()}
        )


# --- who may do what ------------------------------------------------------------------------


def is_referrer_for(actor: Membership | None, referral: Referral) -> bool:
    """The referrer side: the partner's referrers, or the site team for a partner-less import."""
    if actor is None or not actor.is_active:
        return False
    if referral.partner_id is not None:
        return actor.role == Role.PARTNER_REFERRER and actor.organisation_id == referral.partner_id
    if referral.source == ReferralSource.IMPORT:
        return actor.role in SITE_TEAM_ROLES and actor.organisation_id == referral.site_id
    return False


def is_network_admin_for(actor: Membership | None, referral: Referral) -> bool:
    if actor is None or not actor.is_active:
        return False
    return actor.role == Role.NETWORK_ADMIN and actor.organisation_id == referral.site.network_id


def is_site_staff_for(actor: Membership | None, referral: Referral) -> bool:
    """The target site's manager and mediators, and the network admins (volunteers: no)."""
    if actor is None or not actor.is_active:
        return False
    if actor.role in SITE_TEAM_ROLES and actor.organisation_id == referral.site_id:
        return True
    return is_network_admin_for(actor, referral)


def may_transfer(actor: Membership | None, referral: Referral) -> bool:
    """The manager of the site that received it, or the network admins (not mediators:
    sending a person elsewhere is the manager's call)."""
    if actor is None or not actor.is_active:
        return False
    if actor.role == Role.SITE_MANAGER and actor.organisation_id == referral.site_id:
        return True
    return is_network_admin_for(actor, referral)


def _require(allowed: bool) -> None:
    if not allowed:
        raise DomainError(_("Votre rôle ne vous permet pas d'agir sur ce bon d'orientation."))


# --- shared steps ---------------------------------------------------------------------------


def lock_referral(referral: Referral) -> Referral:
    """The referral's row, locked until the end of the transaction, with fresh values."""
    try:
        # ``of=("self",)``: the referral's row only, not its site's (on PostgreSQL a bare
        # FOR UPDATE would lock the joined site row too, serialising the whole site).
        return (
            Referral.objects.select_for_update(of=("self",))
            .select_related("site")
            .get(pk=referral.pk)
        )
    except Referral.DoesNotExist as exc:
        raise DomainError(_("Ce bon d'orientation n'existe plus.")) from exc


def _lock_for(
    referral: Referral,
    *,
    actor: Membership | None,
    may_act: Callable[[Membership | None, Referral], bool],
    to_status: str,
    action: str,
) -> Referral:
    """Lock the referral, then check the actor's side (``may_act``) and the table."""
    referral = lock_referral(referral)
    _require(may_act(actor, referral))
    _refuse_transition(referral, to_status, action)
    return referral


def _clean_note(note: str) -> str:
    """A free-text note for the history, trimmed; a social-security number is refused."""
    note = (note or "").strip()
    try:
        reject_nir(note)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from error
    return note


def _user(actor: Membership | None):
    return actor.user if actor is not None else None


def _full_clean(obj: Model, **kwargs) -> None:
    try:
        obj.full_clean(**kwargs)
    except ValidationError as error:
        raise DomainError(" ".join(str(message) for message in error.messages)) from error


def history_event(
    *,
    referral: Referral,
    from_status: str,
    to_status: str,
    actor: Membership | None,
    now: datetime,
    note: str = "",
) -> ReferralEvent:
    """The history row of a status change (unsaved: ``_move`` saves it, imports bulk-insert)."""
    return ReferralEvent(
        referral=referral,
        from_status=from_status,
        to_status=to_status,
        actor=_user(actor),
        at=now,
        note=note[:500],
    )


def journal_entry(
    *,
    referral: Referral,
    actor: Membership | None,
    action_code: str,
    payload: dict,
    at: datetime | None = None,
) -> JournalEntry:
    """The journal entry ``referral.<action_code>`` (unsaved, through the journal's builder)."""
    return build_entry(
        actor=_user(actor),
        action=f"referral.{action_code}",
        obj=referral,
        site=referral.site_id,
        payload=payload,
        at=at,
    )


def _move(
    *,
    referral: Referral,
    to_status: str,
    actor: Membership | None,
    action_code: str,
    now: datetime,
    note: str = "",
    extra_fields: Iterable[str] = (),
    payload: dict | None = None,
) -> ReferralEvent:
    """Change the status, then write the history row and the journal entry."""
    from_status = referral.status
    referral.status = to_status
    referral.status_changed_at = now
    _full_clean(referral, exclude=["site", "partner", "referrer", "beneficiary"])
    referral.save(update_fields=["status", "status_changed_at", "updated_at", *extra_fields])
    event = history_event(
        referral=referral,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        now=now,
        note=note,
    )
    event.save()
    journal_entry(
        referral=referral,
        actor=actor,
        action_code=action_code,
        payload={"from": from_status, "to": to_status, **(payload or {})},
    ).save()
    figures_marks.mark_referral(referral, also_at=now)
    return event


def queue_notification(**kwargs) -> None:
    """Record the message in this transaction; it is sent by a task after the commit."""
    notify(**kwargs)


def _notify_referrer(referral: Referral, event: str, template: str) -> None:
    if referral.referrer_id is None:
        return  # a public request: nobody to tell on the partner side
    queue_notification(
        event_key=f"referral:{referral.pk}:{event}:referrer",
        template=template,
        recipient_kind="referrer",
        site=referral.site,
        subject=referral,
    )


def _notify_person(referral: Referral, event: str, template: str) -> None:
    queue_notification(
        event_key=f"referral:{referral.pk}:{event}:person",
        template=template,
        recipient_kind="person",
        site=referral.site,
        subject=referral,
    )


def _notify_site_team(referral: Referral, event: str, template: str) -> None:
    queue_notification(
        event_key=f"referral:{referral.pk}:{event}:site_team",
        template=template,
        recipient_kind="site_team",
        site=referral.site,
        subject=referral,
    )


def _set_appointment_status(appointment: Appointment, status: str) -> None:
    appointment.status = status
    appointment.save(update_fields=["status", "updated_at"])
    figures_marks.mark_appointment(appointment)


def _planned_appointment(referral: Referral) -> Appointment | None:
    return (
        Appointment.objects.select_for_update()
        .filter(referral=referral, status=AppointmentStatus.PLANNED)
        .first()
    )


def _check_mediator(referral: Referral, mediator) -> None:
    if mediator is None:
        return
    is_team = (
        Membership.objects.active()
        .filter(user=mediator, organisation_id=referral.site_id, role__in=SITE_TEAM_ROLES)
        .exists()
    )
    if not is_team:
        raise DomainError(_("Le médiateur choisi ne fait pas partie de l'équipe de cet espace."))


def refuse_came_before_the_day(appointment: Appointment, now: datetime) -> None:
    """A visit is recorded on the appointment's day or later; earlier, the person came early
    and the appointment is first moved to now ("venu en avance")."""
    day = timezone.localdate(appointment.starts_at)
    if timezone.localdate(now) < day:
        raise DomainError(
            _(
                "Le rendez-vous est prévu le %(date)s : la venue ne peut pas être notée avant "
                "ce jour. Si la personne est venue en avance, choisissez « Venue en avance »."
            )
            % {"date": format_weekday(day, year=True)}
        )


def latest_appointment_date(today: date) -> date:
    """The last day an appointment may be offered on (``APPOINTMENT_HORIZON_DAYS`` ahead)."""
    return today + timedelta(days=settings.APPOINTMENT_HORIZON_DAYS)


def too_far_message(today: date) -> str:
    return _(
        "La date du rendez-vous est trop lointaine : choisissez une date au plus tard le %(date)s."
    ) % {"date": format_day(latest_appointment_date(today))}


def _new_appointment(
    *, referral: Referral, starts_at: datetime, place: str, mediator, now: datetime
) -> Appointment:
    if starts_at is None or timezone.is_naive(starts_at):
        raise DomainError(_("Indiquez la date et l'heure du rendez-vous."))
    if starts_at <= now:
        raise DomainError(_("La date du rendez-vous est passée : choisissez une date à venir."))
    today = timezone.localdate(now)
    if timezone.localdate(starts_at) > latest_appointment_date(today):
        raise DomainError(too_far_message(today))
    place = (place or "").strip()
    if not place:
        raise DomainError(_("Indiquez le lieu du rendez-vous."))
    _check_mediator(referral, mediator)
    site = booking.lock_site(referral.site_id)
    ends_at = booking.ends_at_for(site, starts_at)
    booking.check_slot(site, starts_at, ends_at)
    appointment = Appointment(
        referral=referral,
        beneficiary_id=referral.beneficiary_id,
        site_id=referral.site_id,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        mediator=mediator,
        status=AppointmentStatus.PLANNED,
    )
    _full_clean(appointment, exclude=["referral", "site", "mediator", "beneficiary"])
    appointment.save()
    figures_marks.mark_appointment(appointment)
    return appointment


def _book_appointment(
    *,
    actor: Membership,
    referral: Referral,
    starts_at: datetime,
    place: str,
    mediator,
    now: datetime,
    action_code: str,
    template: str,
    note: str = "",
    payload: dict | None = None,
) -> Appointment:
    """Accept or rebook: the new planned appointment, the history row (the referral is, or
    stays, accepted) and the message to the person under ``<action_code>:<appointment>``."""
    appointment = _new_appointment(
        referral=referral, starts_at=starts_at, place=place, mediator=mediator, now=now
    )
    _move(
        referral=referral,
        to_status=S.ACCEPTED,
        actor=actor,
        action_code=action_code,
        now=now,
        note=note,
        payload={"appointment": appointment.pk, **(payload or {})},
    )
    _notify_person(referral, f"{action_code}:{appointment.pk}", template)
    return appointment


# --- the transitions ------------------------------------------------------------------------


def submission_target(referral: Referral) -> str:
    """Submitted, or moderation pending for a partner not yet validated. A public request
    goes straight to its space's inbox (docs/decisions/0024-help-requests-and-transfers.md)."""
    if referral.source == ReferralSource.PUBLIC_REQUEST:
        return S.SUBMITTED
    if referral.partner_id is None:
        return S.SUBMITTED
    habilitation = Partner.objects.values_list("habilitation_status", flat=True).get(
        pk=referral.partner_id
    )
    return S.SUBMITTED if habilitation in TRUSTED_HABILITATIONS else S.MODERATION_PENDING


def _check_ready_to_submit(referral: Referral) -> None:
    if not referral.site.is_active:
        raise DomainError(_("Cet espace n'accueille plus de personnes : choisissez-en un autre."))
    channel = referral.preferred_channel
    if channel in (ContactChannel.SMS, ContactChannel.CALL) and not referral.phone:
        raise DomainError(
            _("Indiquez le téléphone de la personne : c'est le moyen de contact choisi.")
        )
    if channel == ContactChannel.EMAIL and not referral.email:
        raise DomainError(_("Indiquez l'e-mail de la personne : c'est le moyen de contact choisi."))
    if channel == ContactChannel.REFERRER and referral.referrer_id is None:
        raise DomainError(_("Sans prescripteur, choisissez un autre moyen de contact."))
    if not referral.phone and not referral.email:
        raise DomainError(
            _("Indiquez au moins un téléphone ou un e-mail pour joindre la personne.")
        )
    if referral.source == ReferralSource.PARTNER and not referral.notice_version:
        raise DomainError(
            _(
                "Confirmez que la personne a reçu la notice d'information avant d'envoyer "
                "le bon d'orientation."
            )
        )
    _full_clean(referral, exclude=["site", "partner", "referrer", "beneficiary"])


def referral_submit(*, actor: Membership | None, referral: Referral) -> Referral:
    """Send a draft: to the site, or to moderation (public request, partner not validated).

    ``actor`` is None only for a public request (sent by the person on the public site).
    """
    now = clock.now()
    with transaction.atomic():
        referral = lock_referral(referral)
        if referral.source == ReferralSource.PUBLIC_REQUEST:
            _require(actor is None or is_network_admin_for(actor, referral))
        else:
            _require(is_referrer_for(actor, referral))
        to_status = submission_target(referral)
        _refuse_transition(referral, to_status, SUBMIT)
        _check_ready_to_submit(referral)
        extra = []
        if to_status == S.SUBMITTED:
            referral.submitted_at = now
            extra.append("submitted_at")
            extra.extend(_set_reply_deadline(referral, now))
        _move(
            referral=referral,
            to_status=to_status,
            actor=actor,
            action_code="submitted",
            now=now,
            extra_fields=extra,
        )
        if to_status == S.SUBMITTED:
            _notify_site_team(referral, "submitted", "referral_submitted_site")
    return referral


def _set_reply_deadline(referral: Referral, now: datetime) -> list[str]:
    """A public help request reaching a space gets its reply deadline (fields changed)."""
    if referral.source != ReferralSource.PUBLIC_REQUEST:
        return []
    referral.reply_due_on = help_request_due_on(
        timezone.localdate(now), postal_code=referral.site.postal_code
    )
    referral.overdue_reminder_at = None
    return ["reply_due_on", "overdue_reminder_at"]


def release_from_moderation(
    *, actor: Membership, referral: Referral, now: datetime, note: str = ""
) -> None:
    referral.submitted_at = now
    _move(
        referral=referral,
        to_status=S.SUBMITTED,
        actor=actor,
        action_code="moderation_approved",
        now=now,
        note=note,
        extra_fields=["submitted_at", *_set_reply_deadline(referral, now)],
    )
    _notify_site_team(referral, "submitted", "referral_submitted_site")


def referral_moderation_approve(*, actor: Membership, referral: Referral) -> Referral:
    """A network admin lets a referral waiting in moderation reach its site."""
    now = clock.now()
    with transaction.atomic():
        referral = _lock_for(
            referral,
            actor=actor,
            may_act=is_network_admin_for,
            to_status=S.SUBMITTED,
            action=MODERATION_APPROVE,
        )
        release_from_moderation(actor=actor, referral=referral, now=now)
    return referral


def referral_moderation_reject(
    *, actor: Membership, referral: Referral, reason: str = ""
) -> Referral:
    """A network admin refuses a referral waiting in moderation; the referrer is told."""
    now = clock.now()
    reason = _clean_note(reason)
    with transaction.atomic():
        referral = _lock_for(
            referral,
            actor=actor,
            may_act=is_network_admin_for,
            to_status=S.MODERATION_REJECTED,
            action=MODERATION_REJECT,
        )
        _move(
            referral=referral,
            to_status=S.MODERATION_REJECTED,
            actor=actor,
            action_code="moderation_rejected",
            now=now,
            note=reason,
        )
        _notify_referrer(referral, "moderation_rejected", "referral_moderation_rejected_referrer")
    return referral


def referral_accept(
    *,
    actor: Membership,
    referral: Referral,
    starts_at: datetime,
    place: str,
    mediator=None,
) -> Appointment:
    """The site accepts and offers an appointment; the person and the referrer are told."""
    now = clock.now()
    with transaction.atomic():
        referral = _lock_for(
            referral, actor=actor, may_act=is_site_staff_for, to_status=S.ACCEPTED, action=ACCEPT
        )
        appointment = _book_appointment(
            actor=actor,
            referral=referral,
            starts_at=starts_at,
            place=place,
            mediator=mediator,
            now=now,
            action_code="accepted",
            template="referral_accepted_person",
        )
        _notify_referrer(referral, f"accepted:{appointment.pk}", "referral_accepted_referrer")
    return appointment


def referral_reject(
    *, actor: Membership, referral: Referral, reasons: Iterable[str], message: str
) -> Referral:
    """The site refuses with reasons from the reference list and a message to the referrer."""
    now = clock.now()
    codes = known_codes(
        reasons,
        RejectionReason,
        unknown_message=_("Ce motif de refus n'existe pas : %(codes)s."),
    )
    if not codes:
        raise DomainError(_("Choisissez au moins un motif de refus."))
    message = (message or "").strip()
    if not message:
        raise DomainError(_("Écrivez un message au prescripteur pour expliquer le refus."))
    with transaction.atomic():
        referral = _lock_for(
            referral, actor=actor, may_act=is_site_staff_for, to_status=S.REJECTED, action=REJECT
        )
        referral.rejection_reasons = codes
        referral.rejection_message = message
        _move(
            referral=referral,
            to_status=S.REJECTED,
            actor=actor,
            action_code="rejected",
            now=now,
            extra_fields=["rejection_reasons", "rejection_message"],
            payload={"reasons": codes},
        )
        _notify_referrer(referral, "rejected", "referral_rejected_referrer")
    return referral


def referral_rebook(
    *,
    actor: Membership,
    referral: Referral,
    starts_at: datetime,
    place: str,
    mediator=None,
) -> Appointment:
    """A new appointment for an accepted referral; the planned one becomes "rebooked"."""
    now = clock.now()
    with transaction.atomic():
        referral = _lock_for(
            referral, actor=actor, may_act=is_site_staff_for, to_status=S.ACCEPTED, action=REBOOK
        )
        previous = _planned_appointment(referral)
        if previous is not None:
            _set_appointment_status(previous, AppointmentStatus.REBOOKED)
        appointment = _book_appointment(
            actor=actor,
            referral=referral,
            starts_at=starts_at,
            place=place,
            mediator=mediator,
            now=now,
            action_code="rebooked",
            template="referral_rebooked_person",
            note=_("Rendez-vous déplacé"),
            payload={"previous": previous.pk if previous is not None else None},
        )
    return appointment


def referral_book_session(
    *,
    actor: Membership,
    referral: Referral,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    note: str = "",
) -> Appointment:
    """The person of an accepted referral is enrolled in a programme: the first session they
    will attend becomes the referral's appointment, of kind ``session``.

    The planned appointment it replaces (the individual one offered at acceptance) becomes
    "rebooked". A session appointment holds no place in the site's individual booking
    capacity and gets no appointment reminder: the session has its seats and its own
    reminder (training). Its date is the session's, fixed by the programme's schedule, so
    the booking horizon does not apply; it must still be to come. The history row is an
    "accepted -> accepted" rebooking; no message is sent from here.
    """
    now = clock.now()
    if starts_at is None or timezone.is_naive(starts_at) or starts_at <= now:
        raise DomainError(_("La séance est passée : choisissez une séance à venir."))
    if ends_at is None or ends_at <= starts_at:
        raise DomainError(_("La fin de la séance doit suivre son début."))
    with transaction.atomic():
        referral = _lock_for(
            referral, actor=actor, may_act=is_site_staff_for, to_status=S.ACCEPTED, action=REBOOK
        )
        previous = _planned_appointment(referral)
        if previous is not None:
            _set_appointment_status(previous, AppointmentStatus.REBOOKED)
        appointment = Appointment(
            referral=referral,
            beneficiary_id=referral.beneficiary_id,
            site_id=referral.site_id,
            starts_at=starts_at,
            ends_at=ends_at,
            place=(place or "").strip()[:255],
            kind=AppointmentKind.SESSION,
            status=AppointmentStatus.PLANNED,
        )
        _full_clean(appointment, exclude=["referral", "site", "mediator", "beneficiary"])
        appointment.save()
        figures_marks.mark_appointment(appointment)
        _move(
            referral=referral,
            to_status=S.ACCEPTED,
            actor=actor,
            action_code="session_booked",
            now=now,
            note=note,
            payload={
                "appointment": appointment.pk,
                "previous": previous.pk if previous is not None else None,
            },
        )
    return appointment


def referral_cancel_session(*, actor: Membership, referral: Referral, note: str = "") -> None:
    """The person left the programme: the planned session appointment, if any, is cancelled.

    The referral stays accepted (the site may offer an individual appointment later); a
    referral already consumed, or without a planned session appointment, is left as it is.
    """
    now = clock.now()
    with transaction.atomic():
        referral = lock_referral(referral)
        _require(is_site_staff_for(actor, referral))
        appointment = (
            Appointment.objects.select_for_update()
            .filter(
                referral=referral,
                kind=AppointmentKind.SESSION,
                status=AppointmentStatus.PLANNED,
            )
            .first()
        )
        if appointment is None or not is_allowed(referral.status, S.ACCEPTED, REBOOK):
            return
        _set_appointment_status(appointment, AppointmentStatus.CANCELLED)
        _move(
            referral=referral,
            to_status=S.ACCEPTED,
            actor=actor,
            action_code="session_cancelled",
            now=now,
            note=note,
            payload={"appointment": appointment.pk},
        )


def referral_mark_came(*, actor: Membership, referral: Referral, existing=None) -> Referral:
    """The person came: the referral is consumed and their file is created or linked.

    ``existing`` is a file the site found among the duplicate candidates (the beneficiaries
    service checks the actor can see it and follows merges). The appointment marked "came"
    is the latest planned (or missed) one: a person who missed it may still come.
    """
    now = clock.now()
    with transaction.atomic():
        referral = _lock_for(
            referral, actor=actor, may_act=is_site_staff_for, to_status=S.CONSUMED, action=MARK_CAME
        )
        appointment = (
            Appointment.objects.select_for_update()
            .filter(
                referral=referral,
                status__in=[AppointmentStatus.PLANNED, AppointmentStatus.NO_SHOW],
            )
            # The planned appointment first (a missed one may be set later than a rebooked
            # one), else the latest missed one.
            .annotate(
                missed=Case(
                    When(status=AppointmentStatus.NO_SHOW, then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            )
            .order_by("missed", "-starts_at", "-pk")
            .first()
        )
        if appointment is None:
            raise DomainError(_("Ce bon d'orientation n'a pas de rendez-vous."))
        refuse_came_before_the_day(appointment, now)
        _set_appointment_status(appointment, AppointmentStatus.CAME)
        beneficiary = beneficiary_for_referral(actor=actor, referral=referral, existing=existing)
        appointment.beneficiary = beneficiary
        appointment.save(update_fields=["beneficiary", "updated_at"])
        referral.beneficiary = beneficiary
        _move(
            referral=referral,
            to_status=S.CONSUMED,
            actor=actor,
            action_code="consumed",
            now=now,
            extra_fields=["beneficiary"],
            payload={"appointment": appointment.pk, "beneficiary": beneficiary.pk},
        )
        # Higher apps (the access rights of the offers app, later) act in this transaction.
        hooks.announce(REFERRAL_CONSUMED, actor=actor, referral=referral, beneficiary=beneficiary)
    return referral


def referral_mark_no_show(*, actor: Membership, referral: Referral) -> Appointment:
    """The person did not come: the appointment is "no show", the referral stays accepted.

    Without a new appointment or a visit, it expires 30 days after the missed appointment.
    """
    now = clock.now()
    with transaction.atomic():
        referral = _lock_for(
            referral,
            actor=actor,
            may_act=is_site_staff_for,
            to_status=S.ACCEPTED,
            action=MARK_NO_SHOW,
        )
        appointment = _planned_appointment(referral)
        if appointment is None:
            raise DomainError(_("Aucun rendez-vous prévu n'est à marquer comme manqué."))
        _set_appointment_status(appointment, AppointmentStatus.NO_SHOW)
        _move(
            referral=referral,
            to_status=S.ACCEPTED,
            actor=actor,
            action_code="no_show",
            now=now,
            note=_("Personne absente au rendez-vous"),
            payload={"appointment": appointment.pk},
        )
    return appointment


def referral_cancel(*, actor: Membership, referral: Referral, reason: str = "") -> Referral:
    """The referrer withdraws the referral; the site is told if it had received it."""
    now = clock.now()
    reason = _clean_note(reason)
    with transaction.atomic():
        referral = _lock_for(
            referral, actor=actor, may_act=is_referrer_for, to_status=S.CANCELLED, action=CANCEL
        )
        site_knew = referral.status in (S.SUBMITTED, S.ACCEPTED)
        appointment = _planned_appointment(referral)
        if appointment is not None:
            _set_appointment_status(appointment, AppointmentStatus.CANCELLED)
        _move(
            referral=referral,
            to_status=S.CANCELLED,
            actor=actor,
            action_code="cancelled",
            now=now,
            note=reason,
        )
        if site_knew:
            _notify_site_team(referral, "cancelled", "referral_cancelled_site")
    return referral


def expiry_due(referral: Referral, now: datetime) -> bool:
    """Whether the delays of the lifecycle are over for this referral (see enums)."""
    if referral.status == S.SUBMITTED:
        return referral.submitted_at is not None and referral.submitted_at <= now - timedelta(
            days=ANSWER_DELAY_DAYS
        )
    if referral.status == S.ACCEPTED:
        latest = (
            Appointment.objects.filter(
                referral=referral,
                status__in=[AppointmentStatus.PLANNED, AppointmentStatus.NO_SHOW],
            )
            .order_by("-starts_at")
            .values_list("starts_at", flat=True)
            .first()
        )
        return latest is not None and latest <= now - timedelta(days=NO_SHOW_DELAY_DAYS)
    return False


def referral_expire(
    *, referral: Referral, actor: Membership | None = None, now: datetime | None = None
) -> Referral:
    """Close a referral left unanswered 30 days, or accepted but missed 30 days ago.

    Run by the system (``actor=None``). Refuses (and changes nothing) when the delay is not
    over, so running the housekeeping twice expires nothing the second time.
    """
    now = now or clock.now()
    with transaction.atomic():
        referral = lock_referral(referral)
        if actor is not None:
            raise DomainError(_("Seule la tâche automatique fait expirer un bon d'orientation."))
        _refuse_transition(referral, S.EXPIRED, EXPIRE)
        if not expiry_due(referral, now):
            raise DomainError(_("Le délai de ce bon d'orientation n'est pas écoulé."))
        from_status = referral.status
        appointment = _planned_appointment(referral)
        if appointment is not None:
            # Thirty days after the appointment with no visit recorded: the person did not come.
            _set_appointment_status(appointment, AppointmentStatus.NO_SHOW)
        note = (
            _("Sans réponse de l'espace en %(days)s jours") % {"days": ANSWER_DELAY_DAYS}
            if from_status == S.SUBMITTED
            else _("Personne non venue %(days)s jours après le rendez-vous")
            % {"days": NO_SHOW_DELAY_DAYS}
        )
        _move(
            referral=referral,
            to_status=S.EXPIRED,
            actor=None,
            action_code="expired",
            now=now,
            note=note,
        )
        _notify_referrer(referral, "expired", "referral_expired_referrer")
    return referral


def referral_transfer(
    *, actor: Membership, referral: Referral, to_site: Site, reason: str
) -> Referral:
    """Move a referral sent to the wrong space to another open space of the same network.

    Only while it waits for an answer (once an appointment is offered, the person expects
    to come to this space: the site rebooks or refuses instead). The history keeps a row
    "submitted -> submitted" with the reason, the receiving site's team and the referrer
    are told, and the referral now waits in the new site's inbox with a fresh answer delay.
    """
    now = clock.now()
    reason = _clean_note(reason)
    if not reason:
        raise DomainError(_("Expliquez en quelques mots pourquoi vous transférez ce bon."))
    with transaction.atomic():
        referral = _lock_for(
            referral, actor=actor, may_act=may_transfer, to_status=S.SUBMITTED, action=TRANSFER
        )
        target = Site.objects.filter(pk=to_site.pk).first() if to_site is not None else None
        if target is None or target.network_id != referral.site.network_id:
            raise DomainError(_("Choisissez un espace du réseau."))
        if target.pk == referral.site_id:
            raise DomainError(_("Ce bon d'orientation est déjà adressé à cet espace."))
        if not target.is_active:
            raise DomainError(
                _("Cet espace n'accueille plus de personnes : choisissez-en un autre.")
            )
        from_site = referral.site
        figures_marks.mark_referral(referral, also_at=now)  # where it was counted until now
        referral.site = target
        # The new space has the full delay to answer, counted from the transfer.
        referral.submitted_at = now
        referral.last_reminder_at = None
        deadline_fields = _set_reply_deadline(referral, now)
        _move(
            referral=referral,
            to_status=S.SUBMITTED,
            actor=actor,
            action_code="transferred",
            now=now,
            note=_("Transféré de « %(from)s » à « %(to)s » : %(reason)s")
            % {"from": from_site.name, "to": target.name, "reason": reason},
            extra_fields=["site", "submitted_at", "last_reminder_at", *deadline_fields],
            payload={"from_site": from_site.pk, "to_site": target.pk},
        )
        event_key = f"transferred:{target.pk}:{int(now.timestamp())}"
        _notify_site_team(referral, event_key, "referral_transferred_site")
        _notify_referrer(referral, event_key, "referral_transferred_referrer")
    return referral
