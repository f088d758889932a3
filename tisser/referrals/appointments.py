"""Writes on appointments whatever they come from: a referral, a person's file, a walk-in.

Booking from a file or for a walk-in, and the one-tap outcomes of the home and the agenda:
"venu", "venu en avance" (moved to now, then came), "pas venu", "reporter". For an
appointment of a referral, the outcome goes through the referral's state machine
(``transitions``), so the referral moves with it (consumed, rebooked, missed).

Every service locks the appointment row, checks the acting membership (the site's manager
and mediators, the network admins of its network), writes one journal entry in the same
transaction, and refuses with a French ``DomainError`` while changing nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Site, User
from tisser.beneficiaries.models import Beneficiary
from tisser.core import clock
from tisser.core.dates import format_when
from tisser.core.errors import DomainError
from tisser.core.journal import record
from tisser.core.phones import normalize_phone
from tisser.referrals import booking, figures_marks, transitions
from tisser.referrals.enums import AppointmentStatus
from tisser.referrals.models import Appointment

BOOKING_ROLES = frozenset({Role.SITE_MANAGER, Role.MEDIATOR})


def may_book_at(actor: Membership | None, site_id: int) -> bool:
    """The site's manager and mediators, and the network admins of the site's network."""
    if actor is None or not actor.is_active:
        return False
    if actor.role in BOOKING_ROLES:
        return actor.organisation_id == site_id
    if actor.role == Role.NETWORK_ADMIN:
        return Site.objects.filter(pk=site_id, network_id=actor.organisation_id).exists()
    return False


def _require(actor: Membership | None, site_id: int) -> None:
    if not may_book_at(actor, site_id):
        raise DomainError(
            _("Votre rôle ne vous permet pas d'agir sur les rendez-vous de cet espace.")
        )


def _check_mediator(site_id: int, mediator: User | None) -> None:
    if mediator is None:
        raise DomainError(_("Choisissez la personne de l'équipe qui reçoit."))
    is_team = (
        Membership.objects.active()
        .filter(user=mediator, organisation_id=site_id, role__in=BOOKING_ROLES)
        .exists()
    )
    if not is_team:
        raise DomainError(_("Le médiateur choisi ne fait pas partie de l'équipe de cet espace."))


def _check_start(starts_at: datetime | None, now: datetime) -> datetime:
    if starts_at is None or timezone.is_naive(starts_at):
        raise DomainError(_("Indiquez la date et l'heure du rendez-vous."))
    if starts_at <= now:
        raise DomainError(_("La date du rendez-vous est passée : choisissez une date à venir."))
    today = timezone.localdate(now)
    if timezone.localdate(starts_at) > transitions.latest_appointment_date(today):
        raise DomainError(transitions.too_far_message(today))
    return starts_at.replace(second=0, microsecond=0)


def _journal(actor: Membership | None, action: str, appointment: Appointment, **payload) -> None:
    record(
        actor=actor.user if actor is not None else None,
        action=f"appointment.{action}",
        obj=appointment,
        site=appointment.site_id,
        payload={"origin": appointment.origin, **payload},
    )


def _lock(appointment: Appointment) -> Appointment:
    locked = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("referral")
        .filter(pk=appointment.pk)
        .first()
    )
    if locked is None:
        raise DomainError(_("Ce rendez-vous n'existe plus."))
    return locked


def _require_planned(appointment: Appointment) -> None:
    if appointment.status != AppointmentStatus.PLANNED:
        raise DomainError(
            _("Ce rendez-vous est « %(status)s » : cette action n'est plus possible.")
            % {"status": appointment.get_status_display()}
        )


# --- booking --------------------------------------------------------------------------------


def appointment_book(
    *,
    actor: Membership,
    site: Site,
    starts_at: datetime,
    mediator: User | None,
    beneficiary: Beneficiary | None = None,
    walk_in_name: str = "",
    walk_in_phone: str = "",
    reason: str = "",
) -> Appointment:
    """Book an individual appointment for a person's file, or for a walk-in (first name,
    optional phone for the reminder). The site must be open and have room at that time."""
    now = clock.now()
    _require(actor, site.pk)
    starts_at = _check_start(starts_at, now)
    walk_in_name = (walk_in_name or "").strip()
    if beneficiary is None and not walk_in_name:
        raise DomainError(_("Choisissez le dossier de la personne, ou écrivez son prénom."))
    if beneficiary is not None:
        walk_in_name, walk_in_phone = "", ""
        visible = (
            Beneficiary.objects.visible_to(actor)
            .active()
            .filter(pk=beneficiary.pk, site_id=site.pk)
            .exists()
        )
        if not visible:
            raise DomainError(_("Ce dossier n'est pas suivi par cet espace."))
    if walk_in_phone:
        try:
            walk_in_phone = normalize_phone(walk_in_phone)
        except ValidationError as error:
            raise DomainError(" ".join(error.messages)) from error
    _check_mediator(site.pk, mediator)
    with transaction.atomic():
        locked_site = booking.lock_site(site.pk)
        ends_at = booking.ends_at_for(locked_site, starts_at)
        booking.check_slot(locked_site, starts_at, ends_at)
        appointment = Appointment(
            site=locked_site,
            beneficiary=beneficiary,
            walk_in_name=walk_in_name,
            walk_in_phone=walk_in_phone,
            starts_at=starts_at,
            ends_at=ends_at,
            mediator=mediator,
            reason=(reason or "").strip(),
            status=AppointmentStatus.PLANNED,
        )
        transitions._full_clean(appointment, exclude=["site", "beneficiary", "mediator"])
        appointment.save()
        figures_marks.mark_appointment(appointment)
        _journal(actor, "booked", appointment, starts_at=starts_at.isoformat())
    return appointment


# --- the one-tap outcomes -------------------------------------------------------------------


def appointment_mark_came(*, actor: Membership, appointment: Appointment) -> Appointment:
    """The person came (on the appointment's day or later; earlier, see ``came_early``)."""
    now = clock.now()
    with transaction.atomic():
        appointment = _lock(appointment)
        _require(actor, appointment.site_id)
        if appointment.status not in (AppointmentStatus.PLANNED, AppointmentStatus.NO_SHOW):
            _require_planned(appointment)
        transitions.refuse_came_before_the_day(appointment, now)
        if appointment.referral is not None:
            _require_planned(appointment)
            transitions.referral_mark_came(actor=actor, referral=appointment.referral)
            appointment.refresh_from_db()
            return appointment
        appointment.status = AppointmentStatus.CAME
        appointment.save(update_fields=["status", "updated_at"])
        figures_marks.mark_appointment(appointment)
        _journal(actor, "came", appointment)
    return appointment


def appointment_came_early(*, actor: Membership, appointment: Appointment) -> Appointment:
    """The person is here before their appointment: it is moved to now, then marked came.

    The person is already in the room: the opening hours and the capacity are not checked
    again (docs/decisions/0025-booking-rules.md).
    """
    now = clock.now().replace(second=0, microsecond=0)
    with transaction.atomic():
        appointment = _lock(appointment)
        _require(actor, appointment.site_id)
        _require_planned(appointment)
        if appointment.starts_at <= now:
            raise DomainError(
                _("L'heure du rendez-vous est passée : notez simplement que la personne est venue.")
            )
        previous = appointment.starts_at
        figures_marks.mark_appointment(appointment)  # the day it was planned
        duration = appointment.ends_at - appointment.starts_at
        appointment.starts_at = now
        appointment.ends_at = now + max(duration, timedelta(minutes=1))
        appointment.save(update_fields=["starts_at", "ends_at", "updated_at"])
        _journal(actor, "moved_to_now", appointment, previous=previous.isoformat())
        if appointment.referral is not None:
            transitions.referral_mark_came(actor=actor, referral=appointment.referral)
            appointment.refresh_from_db()
            return appointment
        appointment.status = AppointmentStatus.CAME
        appointment.save(update_fields=["status", "updated_at"])
        figures_marks.mark_appointment(appointment)
        _journal(actor, "came", appointment)
    return appointment


def appointment_mark_no_show(*, actor: Membership, appointment: Appointment) -> Appointment:
    """The person did not come: possible once the appointment's time has come."""
    now = clock.now()
    with transaction.atomic():
        appointment = _lock(appointment)
        _require(actor, appointment.site_id)
        _require_planned(appointment)
        if appointment.starts_at > now:
            raise DomainError(
                _("Le rendez-vous n'a pas encore commencé (%(when)s) : attendez son heure.")
                % {"when": format_when(appointment.starts_at)}
            )
        if appointment.referral is not None:
            transitions.referral_mark_no_show(actor=actor, referral=appointment.referral)
            appointment.refresh_from_db()
            return appointment
        appointment.status = AppointmentStatus.NO_SHOW
        appointment.save(update_fields=["status", "updated_at"])
        figures_marks.mark_appointment(appointment)
        _journal(actor, "no_show", appointment)
    return appointment


def appointment_postpone(
    *, actor: Membership, appointment: Appointment, starts_at: datetime
) -> Appointment:
    """Move a planned appointment to another time ("reporter"): a new appointment is booked
    under the same rules, the old one stays in the history as "reporté"."""
    now = clock.now()
    starts_at = _check_start(starts_at, now)
    with transaction.atomic():
        appointment = _lock(appointment)
        _require(actor, appointment.site_id)
        _require_planned(appointment)
        if appointment.referral is not None:
            # The referral's own rebooking: its history row and the message to the person.
            return transitions.referral_rebook(
                actor=actor,
                referral=appointment.referral,
                starts_at=starts_at,
                place=appointment.place,
                mediator=appointment.mediator,
            )
        locked_site = booking.lock_site(appointment.site_id)
        ends_at = starts_at + (appointment.ends_at - appointment.starts_at)
        booking.check_slot(locked_site, starts_at, ends_at, exclude_pk=appointment.pk)
        appointment.status = AppointmentStatus.REBOOKED
        appointment.save(update_fields=["status", "updated_at"])
        moved = Appointment(
            site_id=appointment.site_id,
            beneficiary_id=appointment.beneficiary_id,
            walk_in_name=appointment.walk_in_name,
            walk_in_phone=appointment.walk_in_phone,
            starts_at=starts_at,
            ends_at=ends_at,
            place=appointment.place,
            reason=appointment.reason,
            mediator_id=appointment.mediator_id,
            status=AppointmentStatus.PLANNED,
        )
        moved.save()
        figures_marks.mark_appointment(appointment)
        figures_marks.mark_appointment(moved)
        _journal(
            actor,
            "rebooked",
            moved,
            previous=appointment.pk,
            starts_at=starts_at.isoformat(),
        )
    return moved
