"""Cohorts: a programme run at a site, its generated schedule, and their changes (helper P).

``cohort_create`` (the site's manager, or a network admin) checks that the programme's plan
is ready (``programmes.plan_problems``), generates the dated sessions (``schedule.generate``:
weekdays, public holidays of the site, its closures) and writes the cohort and every
session in one transaction. ``cohort_update`` changes the name, trainers, room and
capacity (never below the people enrolled, counted under the cohort's row lock).
``session_move`` moves one session (same duration, ``moved_from`` keeps the first planned
start). ``cohort_cancel`` and ``cohort_close`` end a cohort; closing announces
``cohort.closed`` (surveys and certificates subscribe).

Who: a network admin for every cohort of the network; the manager and the mediators of
the cohort's site run it (update, move, close); creating and cancelling are for the
manager and the network admin. Every write is journaled in its transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.accounts.models import Closure, Membership, Site, User
from tisser.core import clock, hooks
from tisser.core.dates import format_day
from tisser.core.errors import DomainError
from tisser.core.journal import record
from tisser.training import enrolments, figures_marks, schedule
from tisser.training.enums import MAX_CAPACITY
from tisser.training.hooks import COHORT_CLOSED
from tisser.training.models import Cohort, CohortSession, Programme, ProgrammeSession
from tisser.training.programmes import plan_problems
from tisser.training.roles import CREATOR_ROLES, RUNNER_ROLES, TRAINER_ROLES, acts_for_site

MAX_TRAINERS = 10
NAME_MAX = 120


def _check(actor: Membership | None, site: Site, roles: Iterable[str], message: str) -> None:
    if not acts_for_site(actor, site, roles):
        raise DomainError(message)


def _site_of(cohort: Cohort) -> Site:
    return Site.objects.get(pk=cohort.site_id)


def closures_of(site: Site, first: datetime.date, last: datetime.date) -> list[schedule.ClosedDays]:
    return [
        schedule.ClosedDays(c.starts_on, c.ends_on, str(c.get_reason_display()))
        for c in Closure.objects.filter(site=site).overlapping(first, last)
    ]


def trainer_choices(site_id: int):
    """The site's active team, who may be trainers of its cohorts."""
    return trainer_choices_of_sites([site_id])


def trainer_choices_of_sites(site_ids: list[int]):
    """The active teams of these sites (the network admin's form offers them all)."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation_id__in=site_ids,
            memberships__is_active=True,
            memberships__role__in=TRAINER_ROLES,
        )
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


def _trainers(site: Site, trainer_ids: Iterable[int]) -> list[User]:
    ids = list(dict.fromkeys(trainer_ids))
    if len(ids) > MAX_TRAINERS:
        raise DomainError(_("Un groupe a %(count)s formateurs au plus.") % {"count": MAX_TRAINERS})
    found = list(trainer_choices(site.pk).filter(pk__in=ids))
    if len(found) != len(ids):
        raise DomainError(_("Choisissez les formateurs parmi l'équipe de l'espace."))
    return found


def _check_basics(*, name: str, room: str, capacity: int) -> None:
    if not name.strip():
        raise DomainError(_("Donnez un nom au groupe, par exemple « Groupe de mars »."))
    if not 1 <= capacity <= MAX_CAPACITY:
        raise DomainError(_("Un groupe a de 1 à %(max)s places.") % {"max": MAX_CAPACITY})


def cohort_create(
    *,
    actor: Membership,
    programme: Programme,
    site: Site,
    name: str,
    trainer_ids: Iterable[int] = (),
    room: str = "",
    capacity: int,
    starts_on: datetime.date,
    weekdays: list[int],
    start_time: datetime.time,
) -> Cohort:
    """The cohort and its dated sessions, one per session of the plan, in one transaction."""
    _check(
        actor,
        site,
        CREATOR_ROLES,
        _("Seuls le responsable de l'espace et l'administrateur du réseau créent un groupe."),
    )
    if programme.network_id != site.network_id:
        raise DomainError(_("Ce programme n'est pas celui du réseau de l'espace."))
    if not programme.is_active:
        raise DomainError(_("Ce programme n'est plus proposé."))
    _check_basics(name=name, room=room, capacity=capacity)
    if not programme.starts_on <= starts_on <= programme.ends_on:
        raise DomainError(
            _("Le premier jour doit être dans la période du programme, du %(first)s au %(last)s.")
            % {"first": format_day(programme.starts_on), "last": format_day(programme.ends_on)}
        )
    trainers = _trainers(site, trainer_ids)
    with transaction.atomic():
        # One plan read under the programme's lock: no plan edit slips in between.
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        plan = list(ProgrammeSession.objects.filter(programme=programme).order_by("position"))
        problems = plan_problems(programme, plan)
        if problems:
            raise DomainError(
                _("Le déroulé du programme n'est pas prêt : %(problem)s") % {"problem": problems[0]}
            )
        closures = closures_of(
            site, starts_on, starts_on + datetime.timedelta(days=schedule.HORIZON_DAYS)
        )
        slots = schedule.generate(
            durations=[session.duration_minutes for session in plan],
            starts_on=starts_on,
            weekdays=weekdays,
            start_time=start_time,
            postal_code=site.postal_code,
            closures=closures,
        )
        cohort = Cohort(
            programme=programme,
            site=site,
            name=name.strip(),
            room=room.strip(),
            capacity=capacity,
            starts_on=starts_on,
            weekdays=sorted(set(weekdays)),
            start_time=start_time,
        )
        cohort.full_clean()
        cohort.save()
        cohort.trainers.set(trainers)
        CohortSession.objects.bulk_create(
            CohortSession(
                cohort=cohort,
                plan=session,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                room=cohort.room,
            )
            for session, slot in zip(plan, slots, strict=True)
        )
        record(
            actor=actor.user,
            action="training.cohort_created",
            obj=cohort,
            site=site,
            payload={"programme": programme.pk, "sessions": len(slots)},
        )
    return cohort


def cohort_update(
    *,
    actor: Membership,
    cohort: Cohort,
    name: str,
    trainer_ids: Iterable[int],
    room: str,
    capacity: int,
) -> Cohort:
    """Name, trainers, room (also of the sessions still to come in the old room), places."""
    site = _site_of(cohort)
    _check(actor, site, RUNNER_ROLES, _("Seule l'équipe de l'espace modifie ce groupe."))
    _check_basics(name=name, room=room, capacity=capacity)
    trainers = _trainers(site, trainer_ids)
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
        if cohort.cancelled_at is not None:
            raise DomainError(_("Ce groupe est annulé : il ne change plus."))
        enrolled = enrolments.seats_taken(cohort)
        if capacity < enrolled:
            raise DomainError(
                _(
                    "%(enrolled)s personnes sont inscrites : le groupe ne peut pas avoir moins "
                    "de %(enrolled)s places."
                )
                % {"enrolled": enrolled}
            )
        old_room = cohort.room
        grows = capacity > cohort.capacity
        data: dict[str, Any] = {"name": name.strip(), "room": room.strip(), "capacity": capacity}
        changed = [field for field, value in data.items() if getattr(cohort, field) != value]
        for field in changed:
            setattr(cohort, field, data[field])
        cohort.full_clean()
        if changed:
            cohort.save(update_fields=[*changed, "updated_at"])
        if "room" in changed:
            CohortSession.objects.filter(
                cohort=cohort, room=old_room, roll_call_at__isnull=True, starts_at__gte=clock.now()
            ).update(room=cohort.room, updated_at=clock.now())
        before = set(cohort.trainers.values_list("pk", flat=True))
        after = {trainer.pk for trainer in trainers}
        if before != after:
            cohort.trainers.set(trainers)
            changed.append("trainers")
        if changed:
            figures_marks.mark_cohort(cohort)
            record(
                actor=actor.user,
                action="training.cohort_updated",
                obj=cohort,
                site=site,
                payload={"fields": changed},
            )
        if grows and cohort.closed_on is None:
            # New seats go to the people waiting, in order, in this transaction.
            enrolments.cohort_fill_seats(actor=actor, cohort=cohort)
    return cohort


def _neighbours(session: CohortSession, sessions: list[CohortSession]):
    ordered = sorted(sessions, key=lambda s: s.plan.position)
    index = next(i for i, s in enumerate(ordered) if s.pk == session.pk)
    previous = ordered[index - 1] if index > 0 else None
    following = ordered[index + 1] if index + 1 < len(ordered) else None
    return previous, following


def session_move(
    *, actor: Membership, session: CohortSession, new_start: datetime.datetime
) -> CohortSession:
    """Move a session to ``new_start``, keeping its duration; refused on a public holiday,
    a closure, an overlap with the cohort's or the room's sessions, or out of plan order."""
    cohort = Cohort.objects.get(pk=session.cohort_id)
    site = _site_of(cohort)
    _check(actor, site, RUNNER_ROLES, _("Seule l'équipe de l'espace déplace les séances."))
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
        if cohort.cancelled_at is not None or cohort.closed_on is not None:
            raise DomainError(_("Ce groupe est terminé ou annulé : ses séances ne bougent plus."))
        sessions = list(
            CohortSession.objects.filter(cohort=cohort).select_related("plan").order_by("pk")
        )
        current = next((s for s in sessions if s.pk == session.pk), None)
        if current is None:
            raise DomainError(_("Cette séance n'est plus dans le calendrier du groupe."))
        if current.roll_call_at is not None:
            raise DomainError(_("L'appel de cette séance est fait : elle ne se déplace plus."))
        previous, following = _neighbours(current, sessions)
        day = new_start.date()
        busy = [
            schedule.Busy(other.starts_at, other.ends_at, _("une autre séance du groupe"))
            for other in sessions
            if other.pk != current.pk
        ]
        room = current.room.strip()
        if room:
            same_room = (
                CohortSession.objects.filter(
                    cohort__site=site,
                    cohort__cancelled_at__isnull=True,
                    room__iexact=room,
                    starts_at__lt=new_start + datetime.timedelta(days=1),
                    ends_at__gt=new_start - datetime.timedelta(days=1),
                )
                .exclude(cohort=cohort)
                .select_related("cohort")
            )
            busy += [
                schedule.Busy(
                    other.starts_at,
                    other.ends_at,
                    _("%(cohort)s en %(room)s") % {"cohort": other.cohort.name, "room": room},
                )
                for other in same_room
            ]
        new_end = schedule.check_move(
            new_start=new_start,
            minutes=current.minutes,
            postal_code=site.postal_code,
            closures=closures_of(site, day - datetime.timedelta(days=1), day),
            busy=busy,
            after=previous.ends_at if previous else None,
            before=following.starts_at if following else None,
            today=clock.localdate(),
        )
        old_start = current.starts_at
        current.moved_from = current.moved_from or old_start
        current.starts_at, current.ends_at = new_start, new_end
        current.save(update_fields=["starts_at", "ends_at", "moved_from", "updated_at"])
        current.cohort = cohort
        enrolments.session_appointments_move(actor=actor, session=current, old_start=old_start)
        figures_marks.mark_cohort(cohort, old_start, new_start)
        record(
            actor=actor.user,
            action="training.session_moved",
            obj=cohort,
            site=site,
            payload={
                "session": current.pk,
                "from": old_start.isoformat(),
                "to": new_start.isoformat(),
            },
        )
    return current


def cohort_cancel(*, actor: Membership, cohort: Cohort) -> Cohort:
    """Cancel a cohort that has not started (no roll call taken)."""
    site = _site_of(cohort)
    _check(
        actor,
        site,
        CREATOR_ROLES,
        _("Seuls le responsable de l'espace et l'administrateur du réseau annulent un groupe."),
    )
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
        if cohort.cancelled_at is not None:
            raise DomainError(_("Ce groupe est déjà annulé."))
        if cohort.closed_on is not None:
            raise DomainError(_("Ce groupe est terminé : il ne s'annule plus."))
        if CohortSession.objects.filter(cohort=cohort, roll_call_at__isnull=False).exists():
            raise DomainError(
                _("L'appel d'une séance est déjà fait : terminez le groupe plutôt que l'annuler.")
            )
        cohort.cancelled_at = clock.now()
        cohort.save(update_fields=["cancelled_at", "updated_at"])
        enrolments.cohort_session_appointments_cancel(actor=actor, cohort=cohort)
        figures_marks.mark_cohort(cohort)
        record(actor=actor.user, action="training.cohort_cancelled", obj=cohort, site=site)
    return cohort


def cohort_close(
    *, actor: Membership | None, cohort: Cohort, on: datetime.date | None = None
) -> Cohort:
    """The programme is over for this cohort (``on``: default today); announces
    ``cohort.closed``. ``actor`` None: the system (the last session's roll call)."""
    site = _site_of(cohort)
    if actor is not None:
        _check(actor, site, RUNNER_ROLES, _("Seule l'équipe de l'espace termine ce groupe."))
    on = on or clock.localdate()
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
        if cohort.cancelled_at is not None:
            raise DomainError(_("Ce groupe est annulé."))
        if cohort.closed_on is not None:
            raise DomainError(_("Ce groupe est déjà terminé."))
        first = CohortSession.objects.filter(cohort=cohort).order_by("starts_at").first()
        if first is not None and on < timezone.localdate(first.starts_at):
            raise DomainError(_("Le groupe n'a pas encore commencé : annulez-le plutôt."))
        cohort.closed_on = on
        cohort.save(update_fields=["closed_on", "updated_at"])
        figures_marks.mark_cohort(cohort)
        record(
            actor=actor.user if actor is not None else None,
            action="training.cohort_closed",
            obj=cohort,
            site=site,
        )
        hooks.announce(COHORT_CLOSED, actor=actor, cohort=cohort)
    return cohort
