"""Enrolment in a cohort: from an accepted referral or a file, the waiting list, drop-out.

- The seats are counted under a lock on the cohort's row (``select_for_update``): two
  enrolments racing for the last seat are serialised, one gets it, the other waits
  (on PostgreSQL the second waits for the first to commit, then counts again).
- A full cohort puts the newcomer on the waiting list (``waiting_since``); when an enrolled
  person drops out, the first waiting person moves up (``enrolled_at``) and gets what a
  direct enrolment gives.
- Being enrolled gives: the programme's modules (the union of the plan sessions' modules,
  through ``learning.assignments.module_assign``) and, for a referral's person, the first
  session to come recorded as the referral's appointment, of kind ``session``
  (``referrals.transitions.referral_book_session``): outside the individual booking
  capacity and without the appointment reminder, since the session has its own.
- The person is told of their seat and first session (SMS or e-mail by their channel,
  once per enrolment, after the commit), whether enrolled at once or moved up.
- Dropping out cancels that appointment while it is still planned.

Who acts: the cohort site's manager and mediators, and the network admins of its network
(volunteers read only). Each write is journaled; refusals are French ``DomainError``s that
change nothing. See docs/decisions/0054-training.md.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.accounts.models import Membership
from tisser.beneficiaries.models import Beneficiary
from tisser.beneficiaries.services import beneficiary_for_referral
from tisser.core import clock
from tisser.core.dates import format_day
from tisser.core.errors import DomainError
from tisser.core.journal import record
from tisser.core.validators import reject_nir
from tisser.learning.assignments import module_assign
from tisser.notifications.messages import site_context
from tisser.notifications.models import RecipientKind
from tisser.notifications.services import notify
from tisser.referrals import transitions
from tisser.referrals.enums import AppointmentKind, AppointmentStatus, ReferralStatus
from tisser.referrals.models import Appointment, Referral
from tisser.training import figures_marks
from tisser.training.enums import DropReason, EnrolmentStatus
from tisser.training.models import Cohort, CohortSession, Enrolment
from tisser.training.programmes import programme_module_keys
from tisser.training.roles import RUNNER_ROLES, acts_for_site

ENROLLED_TEMPLATE = "training_enrolled_person"
NOTE_MAX = 300
# A drop-out is dated today or in the recent past (noted after the fact), never later.
DROP_BACKDATE_DAYS = 366


# --- who may act ----------------------------------------------------------------------------


def may_enrol(actor: Membership | None, cohort: Cohort) -> bool:
    """The cohort site's manager and mediators, and the network admins of its network."""
    return acts_for_site(actor, cohort.site, RUNNER_ROLES)


def _require(actor: Membership | None, cohort: Cohort) -> None:
    if not may_enrol(actor, cohort):
        raise DomainError(_("Votre rôle ne vous permet pas d'inscrire des personnes à ce groupe."))


# --- shared steps ---------------------------------------------------------------------------


def _lock_cohort(cohort: Cohort) -> Cohort:
    """The cohort's row, locked until the end of the transaction (the seat counter's lock)."""
    locked = (
        Cohort.objects.select_for_update(of=("self",))
        .select_related("site", "programme")
        .filter(pk=cohort.pk)
        .first()
    )
    if locked is None:
        raise DomainError(_("Ce groupe n'existe plus."))
    return locked


def _require_open(cohort: Cohort) -> None:
    if cohort.cancelled_at is not None:
        raise DomainError(_("Ce groupe est annulé : on ne peut plus y inscrire personne."))
    if cohort.closed_on is not None:
        raise DomainError(_("Ce groupe est terminé : on ne peut plus y inscrire personne."))


# The people who have (or had) a seat: not the waiting list, nor someone who left the
# waiting list without ever being enrolled (``enrolled_at`` empty). Roll calls and hours.
HAD_A_SEAT = ~Q(status=EnrolmentStatus.WAITING) & ~Q(
    status=EnrolmentStatus.DROPPED, enrolled_at__isnull=True
)


def seats_taken(cohort: Cohort) -> int:
    return Enrolment.objects.filter(cohort=cohort, status=EnrolmentStatus.ENROLLED).count()


def first_upcoming_session(cohort: Cohort, now: datetime.datetime) -> CohortSession | None:
    """The cohort's first session after ``now`` (the appointment, the seat message)."""
    return (
        CohortSession.objects.filter(cohort=cohort, starts_at__gt=now)
        .select_related("plan")
        .order_by("starts_at", "pk")
        .first()
    )


def session_place(cohort: Cohort, session: CohortSession) -> str:
    """Where the session is held: its room (or the cohort's), then the site's address."""
    room = session.room or cohort.room
    address = site_context(cohort.site)["site_address"]
    return ", ".join(part for part in (room, address) if part)


def _journal(actor: Membership | None, action: str, enrolment: Enrolment, **payload) -> None:
    """Journal an enrolment change and mark the cohort's training figures stale (every
    enrolment write goes through here, inside its transaction)."""
    figures_marks.mark_cohort(enrolment.cohort, enrolment.dropped_on)
    record(
        actor=actor.user if actor is not None else None,
        action=f"training.{action}",
        obj=enrolment,
        site=enrolment.cohort.site_id,
        payload={"cohort": enrolment.cohort_id, **payload},
    )


def _give_seat(*, actor: Membership, cohort: Cohort, enrolment: Enrolment, now) -> None:
    """What being enrolled gives: the programme's modules, the message to the person (their
    seat and first session; sent after the commit, once per enrolment) and, for a referral's
    person whose referral is still accepted, the first session to come as the referral's
    appointment."""
    keys = programme_module_keys(cohort.programme)
    if keys:
        module_assign(actor=actor, beneficiary=enrolment.beneficiary, module_keys=keys)
    notify(
        event_key=f"training_enrolment:{enrolment.pk}:seat",
        template=ENROLLED_TEMPLATE,
        recipient_kind=RecipientKind.PERSON,
        subject=enrolment,
        site=cohort.site,
    )
    if enrolment.referral_id is None:
        return
    referral = Referral.objects.filter(pk=enrolment.referral_id).first()
    if referral is None or referral.status != ReferralStatus.ACCEPTED:
        return
    session = first_upcoming_session(cohort, now)
    if session is None:
        return
    transitions.referral_book_session(
        actor=actor,
        referral=referral,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        place=session_place(cohort, session),
        note=_("Inscrit au programme « %(programme)s » (groupe « %(cohort)s »)")
        % {"programme": cohort.programme.name, "cohort": cohort.name},
    )


def _fill_seats(*, actor: Membership, cohort: Cohort, now) -> list[Enrolment]:
    """Move the first waiting people up into the free seats (the cohort must be locked)."""
    free = cohort.capacity - seats_taken(cohort)
    if free <= 0:
        return []
    waiting = list(
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("beneficiary", "cohort")
        .filter(cohort=cohort, status=EnrolmentStatus.WAITING)
        .order_by("waiting_since", "pk")[:free]
    )
    for enrolment in waiting:
        enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.enrolled_at = now
        enrolment.save(update_fields=["status", "enrolled_at", "updated_at"])
        _give_seat(actor=actor, cohort=cohort, enrolment=enrolment, now=now)
        _journal(actor, "moved_up", enrolment, beneficiary=enrolment.beneficiary_id)
    return waiting


def _enrol(
    *,
    actor: Membership,
    cohort: Cohort,
    beneficiary: Beneficiary,
    referral: Referral | None,
    now,
) -> Enrolment:
    """Inside the transaction, the cohort locked: enrolled when a seat is free, else waiting."""
    if beneficiary.merged_into_id is not None:
        raise DomainError(
            _("Ce dossier a été fusionné avec un autre : choisissez le dossier suivi.")
        )
    if beneficiary.site_id != cohort.site_id:
        raise DomainError(_("Ce dossier n'est pas suivi par l'espace de ce groupe."))
    live = Enrolment.objects.filter(cohort=cohort, beneficiary=beneficiary).exclude(
        status=EnrolmentStatus.DROPPED
    )
    if live.exists():
        raise DomainError(
            _("Cette personne est déjà inscrite ou en liste d'attente dans ce groupe.")
        )
    # Seats freed by a larger capacity go to the people waiting first.
    _fill_seats(actor=actor, cohort=cohort, now=now)
    has_seat = seats_taken(cohort) < cohort.capacity
    enrolment = Enrolment(
        cohort=cohort,
        beneficiary=beneficiary,
        referral=referral,
        status=EnrolmentStatus.ENROLLED if has_seat else EnrolmentStatus.WAITING,
        enrolled_at=now if has_seat else None,
        waiting_since=None if has_seat else now,
    )
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError as error:  # the same person enrolled from another page meanwhile
        raise DomainError(
            _("Cette personne est déjà inscrite ou en liste d'attente dans ce groupe.")
        ) from error
    action = "waiting_listed"
    if has_seat:
        action = "enrolled"
        _give_seat(actor=actor, cohort=cohort, enrolment=enrolment, now=now)
    _journal(
        actor,
        action,
        enrolment,
        beneficiary=beneficiary.pk,
        referral=referral.pk if referral is not None else None,
    )
    return enrolment


# --- the services ---------------------------------------------------------------------------


def enrol_from_referral(
    *,
    actor: Membership,
    cohort: Cohort,
    referral: Referral,
    existing: Beneficiary | None = None,
) -> Enrolment:
    """Enrol the person of an accepted referral of the cohort's site.

    Their file is created from the referral, or ``existing`` (a file of theirs the site
    found) is linked, as when the person comes (``beneficiary_for_referral``); a referral
    already linked keeps its file.
    """
    now = clock.now()
    with transaction.atomic():
        cohort = _lock_cohort(cohort)
        _require(actor, cohort)
        _require_open(cohort)
        referral = transitions.lock_referral(referral)
        if referral.site_id != cohort.site_id:
            raise DomainError(_("Ce bon d'orientation est adressé à un autre espace."))
        if referral.status != ReferralStatus.ACCEPTED:
            raise DomainError(
                _(
                    "Ce bon d'orientation est « %(status)s » : seul un bon accepté permet l'inscription."
                )
                % {"status": referral.get_status_display()}
            )
        beneficiary = beneficiary_for_referral(actor=actor, referral=referral, existing=existing)
        return _enrol(
            actor=actor, cohort=cohort, beneficiary=beneficiary, referral=referral, now=now
        )


def enrol_file(*, actor: Membership, cohort: Cohort, beneficiary: Beneficiary) -> Enrolment:
    """Enrol a person from their file (a file of the cohort's site, not merged)."""
    now = clock.now()
    with transaction.atomic():
        cohort = _lock_cohort(cohort)
        _require(actor, cohort)
        _require_open(cohort)
        locked = Beneficiary.objects.select_for_update().filter(pk=beneficiary.pk).first()
        if locked is None:
            raise DomainError(_("Ce dossier n'existe plus."))
        return _enrol(actor=actor, cohort=cohort, beneficiary=locked, referral=None, now=now)


def _clean_note(note: str) -> str:
    note = " ".join((note or "").split())
    if len(note) > NOTE_MAX:
        raise DomainError(_("La précision est trop longue (300 signes au plus)."))
    try:
        reject_nir(note)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from error
    return note


def enrolment_drop(
    *,
    actor: Membership,
    enrolment: Enrolment,
    reason: str,
    note: str = "",
    on: datetime.date | None = None,
) -> Enrolment:
    """The person leaves the cohort (or its waiting list) for a reason from the list.

    Their planned session appointment, if any, is cancelled; the seat an enrolled person
    frees goes to the first person waiting.
    """
    now = clock.now()
    today = timezone.localdate(now)
    on = on or today
    if reason not in DropReason.values:
        raise DomainError(_("Choisissez le motif de l'abandon dans la liste."))
    note = _clean_note(note)
    if on > today:
        raise DomainError(_("La date de l'abandon ne peut pas être dans le futur."))
    if on < today - datetime.timedelta(days=DROP_BACKDATE_DAYS):
        raise DomainError(
            _("La date de l'abandon est trop ancienne : au plus tôt le %(date)s.")
            % {"date": format_day(today - datetime.timedelta(days=DROP_BACKDATE_DAYS))}
        )
    with transaction.atomic():
        cohort = _lock_cohort(enrolment.cohort)
        _require(actor, cohort)
        locked = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("beneficiary", "cohort")
            .filter(pk=enrolment.pk, cohort=cohort)
            .first()
        )
        if locked is None:
            raise DomainError(_("Cette inscription n'existe plus."))
        if locked.status == EnrolmentStatus.DROPPED:
            raise DomainError(_("L'abandon de cette personne est déjà noté."))
        if on < timezone.localdate(locked.created_at):
            raise DomainError(
                _("La date de l'abandon précède l'inscription (le %(date)s).")
                % {"date": format_day(timezone.localdate(locked.created_at))}
            )
        was_enrolled = locked.status == EnrolmentStatus.ENROLLED
        previous = locked.status
        locked.status = EnrolmentStatus.DROPPED
        locked.dropped_on = on
        locked.drop_reason = reason
        locked.drop_note = note
        locked.save(
            update_fields=["status", "dropped_on", "drop_reason", "drop_note", "updated_at"]
        )
        if locked.referral_id is not None:
            referral = Referral.objects.filter(pk=locked.referral_id).first()
            if referral is not None:
                transitions.referral_cancel_session(
                    actor=actor,
                    referral=referral,
                    note=_("Abandon du programme « %(programme)s »")
                    % {"programme": cohort.programme.name},
                )
        _journal(actor, "dropped", locked, reason=reason, previous=previous)
        if was_enrolled and cohort.cancelled_at is None and cohort.closed_on is None:
            _fill_seats(actor=actor, cohort=cohort, now=now)
    return locked


def cohort_fill_seats(*, actor: Membership, cohort: Cohort) -> list[Enrolment]:
    """Give the free seats to the people waiting, in order (after a larger capacity)."""
    now = clock.now()
    with transaction.atomic():
        cohort = _lock_cohort(cohort)
        _require(actor, cohort)
        _require_open(cohort)
        return _fill_seats(actor=actor, cohort=cohort, now=now)


# --- the referral's session appointment follows the cohort (helper G) ------------------------
#
# The session appointment E books at enrolment is the referral's: the roll call of the session
# that holds it says whether the person came (the referral is consumed, the accompaniment
# period opens through ``referral.consumed``), moving that session moves it, cancelling the
# cohort cancels it. Everything goes through the referral's own transitions.


def _live_referrals(cohort_id: int) -> list[int]:
    return list(
        Enrolment.objects.filter(
            cohort_id=cohort_id, status=EnrolmentStatus.ENROLLED, referral__isnull=False
        ).values_list("referral_id", flat=True)
    )


def referral_visits_from_roll_call(
    *, actor: Membership, session: CohortSession, came: dict[int, bool]
) -> dict[str, int]:
    """After a session's roll call (``came``: referral id -> present or late).

    - Came, and the referral is still accepted with a session appointment planned up to
      this session, or missed earlier: « venu » (``referral_mark_came``: the planned
      appointment first, else the missed one) — the referral is consumed.
    - Did not come (absent or excused) and this session holds the planned appointment:
      « pas venu » (``referral_mark_no_show``). A later session does not rebook it.
    - A consumed referral has no way back (a correction to absent leaves it consumed).
    The referral's transitions are for its site staff: a volunteer trainer's roll call
    leaves the appointments as they are (the next roll call by the team settles them).
    """
    counts = {"came": 0, "no_show": 0}
    if not came:
        return counts
    appointments = (
        Appointment.objects.filter(
            referral_id__in=list(came),
            referral__status=ReferralStatus.ACCEPTED,
            kind=AppointmentKind.SESSION,
            status__in=[AppointmentStatus.PLANNED, AppointmentStatus.NO_SHOW],
        )
        .select_related("referral__site")
        .order_by("starts_at", "pk")
    )
    by_referral: dict[int, list[Appointment]] = {}
    for appointment in appointments:
        by_referral.setdefault(appointment.referral_id, []).append(appointment)
    for referral_id, rows in by_referral.items():
        referral = rows[0].referral
        if referral is None or not transitions.is_site_staff_for(actor, referral):
            continue
        planned = [a for a in rows if a.status == AppointmentStatus.PLANNED]
        if came[referral_id]:
            due = [a for a in planned if a.starts_at < session.ends_at]
            missed = [a for a in rows if a.status == AppointmentStatus.NO_SHOW]
            if due or (missed and not planned):
                transitions.referral_mark_came(actor=actor, referral=referral)
                counts["came"] += 1
        elif any(session.starts_at <= a.starts_at < session.ends_at for a in planned):
            transitions.referral_mark_no_show(actor=actor, referral=referral)
            counts["no_show"] += 1
    return counts


def session_appointments_move(
    *, actor: Membership, session: CohortSession, old_start: datetime.datetime
) -> int:
    """The session moved from ``old_start``: the planned session appointments it held are
    rebooked at its new times (``referral_book_session``: the old one becomes « reporté »)."""
    cohort = session.cohort
    appointments = Appointment.objects.filter(
        referral_id__in=_live_referrals(cohort.pk),
        referral__status=ReferralStatus.ACCEPTED,
        kind=AppointmentKind.SESSION,
        status=AppointmentStatus.PLANNED,
        starts_at=old_start,
    ).select_related("referral")
    moved = 0
    for appointment in appointments:
        transitions.referral_book_session(
            actor=actor,
            referral=appointment.referral,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            place=session_place(cohort, session),
            note=_("Séance du programme « %(programme)s » déplacée")
            % {"programme": cohort.programme.name},
        )
        moved += 1
    return moved


def cohort_session_appointments_cancel(*, actor: Membership, cohort: Cohort) -> int:
    """The cohort is cancelled: each planned session appointment of its people is cancelled
    (``referral_cancel_session``; the referral stays accepted)."""
    referral_ids = Appointment.objects.filter(
        referral_id__in=_live_referrals(cohort.pk),
        kind=AppointmentKind.SESSION,
        status=AppointmentStatus.PLANNED,
    ).values_list("referral_id", flat=True)
    cancelled = 0
    for referral in Referral.objects.filter(pk__in=list(referral_ids)).order_by("pk"):
        transitions.referral_cancel_session(
            actor=actor,
            referral=referral,
            note=_("Groupe « %(cohort)s » annulé") % {"cohort": cohort.name},
        )
        cancelled += 1
    return cancelled
