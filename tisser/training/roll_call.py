"""The roll call of a programme session and of a workshop (docs/decisions/0054, helper R).

A roll call writes one attendance per enrolled person (updated, never duplicated, when it
is taken again), stamps the session's ``roll_call_at`` and creates or updates exactly one
collective activity record of the national vocabulary through
``activities.services.activity_save_for_roll_call``. The session's (or workshop's) row is
locked first: two tablets submitting at once make one record, the second one updating it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Site
from tisser.activities.enums import ActivityKind, PlaceType, Theme, WorkshopLevel
from tisser.activities.services import ActivityData, activity_save_for_roll_call
from tisser.beneficiaries.models import Beneficiary
from tisser.core import clock
from tisser.core.errors import DomainError
from tisser.core.journal import record
from tisser.training import figures_marks
from tisser.training.enrolments import HAD_A_SEAT, referral_visits_from_roll_call
from tisser.training.enums import AttendanceStatus, EnrolmentStatus, RegistrationStatus
from tisser.training.models import (
    Attendance,
    Cohort,
    CohortSession,
    Enrolment,
    Workshop,
    WorkshopRegistration,
)
from tisser.training.roles import READER_ROLES, SITE_TEAM_ROLES

# A programme session is recorded under these national themes: the programmes are digital
# steps towards employment (reference-lists §1.1), at a beginners' level.
PROGRAMME_SESSION_THEMES = (Theme.INSERTION_PROFESSIONNELLE, Theme.NAVIGATION_SUR_INTERNET)
PROGRAMME_SESSION_LEVEL = WorkshopLevel.DEBUTANT
# The roles that take a roll call at their own site; a volunteer only as a trainer.
ROLL_CALL_ROLES = READER_ROLES
ATTENDED = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.LATE})
MAX_WALK_INS = 200


@dataclass(frozen=True)
class Mark:
    """One person's mark: a status and, when late, the minutes missed."""

    status: str
    minutes_missed: int = 0


def may_take_roll_call(actor: Membership | None, *, site: Site, trainer_ids=()) -> bool:
    """The site's manager and mediators, a volunteer of the site who trains the cohort
    (``trainer_ids``), the network's admins."""
    if actor is None or not actor.is_active or actor.role not in ROLL_CALL_ROLES:
        return False
    if actor.role == Role.NETWORK_ADMIN:
        return actor.organisation_id == site.network_id
    if actor.organisation_id != site.pk:
        return False
    return actor.role in SITE_TEAM_ROLES or actor.user_id in set(trainer_ids)


def _require_taker(actor: Membership, *, site: Site, trainer_ids=()) -> None:
    if not may_take_roll_call(actor, site=site, trainer_ids=trainer_ids):
        raise DomainError(
            _(
                "Seuls l'équipe de l'espace, les formateurs du groupe et l'administration "
                "du réseau font l'appel."
            )
        )


def _require_started(starts_at, *, now) -> None:
    if starts_at > now:
        raise DomainError(_("La séance n'a pas encore commencé : l'appel se fait le jour même."))


def session_enrolments(session: CohortSession):
    """Who is called at a session: the cohort's enrolled people, and those who dropped out
    on its day or after it (their attendance stays theirs), by name. Nobody waiting, nor
    anybody who left the waiting list without ever having a seat (``enrolled_at`` empty)."""
    return (
        Enrolment.objects.filter(HAD_A_SEAT, cohort_id=session.cohort_id)
        .exclude(
            status=EnrolmentStatus.DROPPED,
            dropped_on__lt=timezone.localdate(session.starts_at),
        )
        .select_related("beneficiary")
        .order_by("beneficiary__last_name", "beneficiary__first_name", "pk")
    )


def _clean_mark(mark: Mark, *, session_minutes: int) -> Mark:
    if mark.status not in AttendanceStatus.values:
        raise DomainError(_("Choisissez présent, en retard, excusé ou absent pour chacun."))
    if mark.status != AttendanceStatus.LATE:
        return Mark(mark.status, 0)
    minutes = mark.minutes_missed
    if minutes is None or minutes < 1 or minutes >= session_minutes:
        raise DomainError(
            _("Pour un retard, indiquez les minutes manquées (entre 1 et %(max)s).")
            % {"max": session_minutes - 1}
        )
    return Mark(mark.status, int(minutes))


def _identified(beneficiaries: list[Beneficiary], site_id: int) -> tuple[list[Beneficiary], int]:
    """Files of the site are named on the record; any other (a file of another site, a
    merged-away file) is counted among the anonymous participants."""
    named = [b for b in beneficiaries if b.site_id == site_id and b.merged_into_id is None]
    return named, len(beneficiaries) - len(named)


@dataclass(frozen=True)
class RollCallResult:
    present: int
    late: int
    excused: int
    absent: int
    activity_id: int | None


def roll_call_record(
    *, actor: Membership, session: CohortSession, marks: Mapping[int, Mark]
) -> RollCallResult:
    """Record the roll call of ``session``: ``marks`` maps each called enrolment's id to its
    mark; everybody must be marked. Taking it again updates the same rows and record."""
    now = clock.now()
    with transaction.atomic():
        locked = (
            CohortSession.objects.select_for_update()
            .select_related("cohort__site", "cohort__programme", "plan")
            .get(pk=session.pk)
        )
        cohort: Cohort = locked.cohort
        site = cohort.site
        _require_taker(actor, site=site, trainer_ids=cohort.trainers.values_list("pk", flat=True))
        if cohort.cancelled_at is not None:
            raise DomainError(_("Ce groupe est annulé : pas d'appel."))
        _require_started(locked.starts_at, now=now)
        enrolments = list(session_enrolments(locked))
        expected = {e.pk for e in enrolments}
        if set(marks) - expected:
            raise DomainError(_("Une des personnes n'est pas inscrite dans ce groupe."))
        if expected - set(marks):
            raise DomainError(_("Indiquez la présence de chaque personne."))
        minutes = locked.minutes
        cleaned = {pk: _clean_mark(mark, session_minutes=minutes) for pk, mark in marks.items()}

        existing = {a.enrolment_id: a for a in Attendance.objects.filter(session=locked)}
        to_create, to_update = [], []
        for enrolment in enrolments:
            mark = cleaned[enrolment.pk]
            row = existing.get(enrolment.pk)
            if row is None:
                to_create.append(
                    Attendance(
                        session=locked,
                        enrolment=enrolment,
                        status=mark.status,
                        minutes_missed=mark.minutes_missed,
                        recorded_by=actor.user,
                        recorded_at=now,
                    )
                )
            elif (row.status, row.minutes_missed) != (mark.status, mark.minutes_missed):
                row.status, row.minutes_missed = mark.status, mark.minutes_missed
                row.recorded_by, row.recorded_at = actor.user, now
                to_update.append(row)
        Attendance.objects.bulk_create(to_create)
        Attendance.objects.bulk_update(
            to_update, ["status", "minutes_missed", "recorded_by", "recorded_at"]
        )

        # The referral's session appointment says whether the person came (helper G).
        referral_visits_from_roll_call(
            actor=actor,
            session=locked,
            came={
                e.referral_id: cleaned[e.pk].status in ATTENDED
                for e in enrolments
                if e.referral_id is not None and e.status == EnrolmentStatus.ENROLLED
            },
        )
        came = [e.beneficiary for e in enrolments if cleaned[e.pk].status in ATTENDED]
        named, unnamed = _identified(came, site.pk)
        programme = cohort.programme
        activity = activity_save_for_roll_call(
            actor=actor,
            site_id=site.pk,
            activity=locked.activity,
            data=ActivityData(
                kind=ActivityKind.COLLECTIF,
                date=timezone.localdate(locked.starts_at),
                duration_minutes=minutes,
                place_type=PlaceType.LIEU_ACTIVITE,
                themes=list(PROGRAMME_SESSION_THEMES),
                workshop_name=f"{programme.name} — {locked.plan.title}"[:200],
                workshop_level=PROGRAMME_SESSION_LEVEL,
                participants=named,
                anonymous_count=unnamed,
            ),
            source=f"session:{locked.pk}",
        )
        locked.activity = activity
        action = "training.roll_call_retaken"
        if locked.roll_call_at is None:
            action = "training.roll_call_taken"
        locked.roll_call_at = now
        locked.save(update_fields=["activity", "roll_call_at", "updated_at"])
        figures_marks.mark_cohort(cohort, locked.starts_at)
        counts = dict.fromkeys(AttendanceStatus.values, 0)
        for mark in cleaned.values():
            counts[mark.status] += 1
        record(
            actor=actor.user,
            action=action,
            obj=locked,
            site=site.pk,
            payload={
                "counts": counts,
                "activity": activity.pk if activity else None,
                "created": len(to_create),
                "changed": len(to_update),
            },
        )
    return RollCallResult(
        present=counts[AttendanceStatus.PRESENT],
        late=counts[AttendanceStatus.LATE],
        excused=counts[AttendanceStatus.EXCUSED],
        absent=counts[AttendanceStatus.ABSENT],
        activity_id=activity.pk if activity else None,
    )


def workshop_called(workshop: Workshop):
    """Who is called at a workshop: its confirmed registrations."""
    return (
        WorkshopRegistration.objects.filter(
            workshop_id=workshop.pk, status=RegistrationStatus.CONFIRMED
        )
        .select_related("beneficiary")
        .order_by("first_name", "pk")
    )


@dataclass(frozen=True)
class WorkshopRollCallResult:
    came: int
    missed: int
    walk_ins: int
    activity_id: int | None


def workshop_roll_call_record(
    *, actor: Membership, workshop: Workshop, attended: Mapping[int, bool], walk_ins: int
) -> WorkshopRollCallResult:
    """Record who came to ``workshop`` (each confirmed registration, by id) and how many
    people came without registering; one collective record: registrations linked to a file
    are named, the others and the walk-ins are anonymous participants."""
    now = clock.now()
    with transaction.atomic():
        locked = Workshop.objects.select_for_update().select_related("site").get(pk=workshop.pk)
        _require_taker(actor, site=locked.site, trainer_ids=[locked.mediator_id])
        if locked.cancelled_at is not None:
            raise DomainError(_("Cet atelier est annulé : pas d'appel."))
        _require_started(locked.starts_at, now=now)
        if walk_ins is None or walk_ins < 0 or walk_ins > MAX_WALK_INS:
            raise DomainError(
                _("Le nombre de personnes venues sans inscription doit être entre 0 et %(max)s.")
                % {"max": MAX_WALK_INS}
            )
        registrations = list(workshop_called(locked))
        expected = {r.pk for r in registrations}
        if set(attended) - expected:
            raise DomainError(_("Une des inscriptions n'est pas une inscription à cet atelier."))
        if expected - set(attended):
            raise DomainError(_("Indiquez pour chaque inscrit s'il est venu."))
        changed = []
        for registration in registrations:
            came = bool(attended[registration.pk])
            if registration.attended is not came:
                registration.attended = came
                changed.append(registration)
        WorkshopRegistration.objects.bulk_update(changed, ["attended"])

        came_rows = [r for r in registrations if r.attended]
        files = [r.beneficiary for r in came_rows if r.beneficiary_id]
        named, unnamed = _identified(files, locked.site_id)
        anonymous = unnamed + sum(1 for r in came_rows if not r.beneficiary_id) + int(walk_ins)
        minutes = int((locked.ends_at - locked.starts_at).total_seconds() // 60)
        activity = activity_save_for_roll_call(
            actor=actor,
            site_id=locked.site_id,
            activity=locked.activity,
            data=ActivityData(
                kind=ActivityKind.COLLECTIF,
                date=timezone.localdate(locked.starts_at),
                duration_minutes=minutes,
                place_type=PlaceType.LIEU_ACTIVITE,
                themes=[locked.theme],
                workshop_name=locked.title,
                workshop_level=locked.level,
                participants=named,
                anonymous_count=anonymous,
            ),
            source=f"workshop:{locked.pk}",
        )
        locked.activity = activity
        action = "training.workshop_roll_call_retaken"
        if locked.roll_call_at is None:
            action = "training.workshop_roll_call_taken"
        locked.roll_call_at = now
        locked.save(update_fields=["activity", "roll_call_at", "updated_at"])
        figures_marks.mark_days(locked.site_id, locked.starts_at)
        record(
            actor=actor.user,
            action=action,
            obj=locked,
            site=locked.site_id,
            payload={
                "came": len(came_rows),
                "missed": len(registrations) - len(came_rows),
                "walk_ins": int(walk_ins),
                "activity": activity.pk if activity else None,
            },
        )
    return WorkshopRollCallResult(
        came=len(came_rows),
        missed=len(registrations) - len(came_rows),
        walk_ins=int(walk_ins),
        activity_id=activity.pk if activity else None,
    )
