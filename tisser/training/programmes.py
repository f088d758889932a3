"""Programmes and their plan: services of the network admin (decision 0054, helper P).

A programme belongs to the network of the admin who creates it; its referring partner and
its funding convention must be of that network. Its plan is a list of sessions (title,
duration, content, diagnostic, modules), edited one session at a time: while it is being
built the durations need not add up to the programme's total (a draft), and the
programme's page says how many minutes are missing or too many (``plan_balance``); a cohort
can only be created once they add up (``cohorts.cohort_create`` asks ``plan_problems``).

The entry diagnostic may only sit on the first session and the exit one on the last; module
keys must be modules of ``tisser.learning.content``. Once a cohort runs the programme, its
plan's shape (sessions, their order, durations and diagnostics, the total) is frozen: the
cohorts' dates were generated from it; titles, contents and modules can still be edited.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Partner
from tisser.core.errors import DomainError
from tisser.core.journal import record
from tisser.funding.models import Convention
from tisser.learning import content
from tisser.training.enums import MAX_SESSION_MINUTES, SessionDiagnostic
from tisser.training.models import Cohort, Programme, ProgrammeSession

PROGRAMME_FIELDS = (
    "name",
    "objective",
    "total_minutes",
    "target_participants",
    "starts_on",
    "ends_on",
    "eligible_public",
    "partner",
    "convention",
    "completion_percent",
    "is_active",
)
# The plan's shape: what the cohorts' dates were generated from.
SHAPE_FIELDS = ("duration_minutes", "diagnostic")
SESSION_FIELDS = ("title", "duration_minutes", "content", "diagnostic", "modules")
MAX_PLAN_SESSIONS = 60
MAX_TOTAL_MINUTES = 600 * 60
MAX_PERIOD_DAYS = 5 * 366
# Positions are shifted through this offset so that the unique (programme, position) holds.
_SHIFT = 1000


def _hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not rest:
        return _("%(hours)s h") % {"hours": hours}
    if not hours:
        return _("%(minutes)s min") % {"minutes": rest}
    return _("%(hours)s h %(minutes)02d") % {"hours": hours, "minutes": rest}


def format_minutes(minutes: int) -> str:
    """``32 h``, ``1 h 30``, ``45 min``."""
    return _hours(minutes)


@dataclass(frozen=True)
class PlanBalance:
    planned: int
    total: int

    @property
    def difference(self) -> int:
        return self.planned - self.total

    @property
    def is_complete(self) -> bool:
        return self.difference == 0

    @property
    def message(self) -> str:
        """What the programme's page says about the plan's durations."""
        if self.difference < 0:
            missing = -self.difference
            return ngettext(
                "Il manque %(count)s minute au déroulé (%(hours)s) pour atteindre les %(total)s "
                "du programme.",
                "Il manque %(count)s minutes au déroulé (%(hours)s) pour atteindre les "
                "%(total)s du programme.",
                missing,
            ) % {"count": missing, "hours": _hours(missing), "total": _hours(self.total)}
        if self.difference > 0:
            return ngettext(
                "Le déroulé a %(count)s minute de trop (%(hours)s) par rapport aux %(total)s "
                "du programme.",
                "Le déroulé a %(count)s minutes de trop (%(hours)s) par rapport aux %(total)s "
                "du programme.",
                self.difference,
            ) % {
                "count": self.difference,
                "hours": _hours(self.difference),
                "total": _hours(self.total),
            }
        return _("Les séances font bien les %(total)s du programme.") % {
            "total": _hours(self.total)
        }


def plan_balance(programme: Programme, sessions: Sequence[ProgrammeSession]) -> PlanBalance:
    return PlanBalance(
        planned=sum(session.duration_minutes for session in sessions),
        total=programme.total_minutes,
    )


def plan_problems(programme: Programme, sessions: Sequence[ProgrammeSession]) -> list[str]:
    """What keeps the plan from being run by a cohort (in French); empty when it is ready."""
    problems = []
    if not sessions:
        problems.append(_("Le programme n'a encore aucune séance."))
        return problems
    balance = plan_balance(programme, sessions)
    if not balance.is_complete:
        problems.append(balance.message)
    problems.extend(_diagnostic_problems(sessions))
    return problems


def _diagnostic_problems(sessions: Sequence[ProgrammeSession]) -> list[str]:
    ordered = sorted(sessions, key=lambda s: s.position)
    problems = []
    for index, session in enumerate(ordered):
        if session.diagnostic == SessionDiagnostic.ENTRY and index != 0:
            problems.append(
                _("Le diagnostic d'entrée se fait à la première séance, pas à « %(title)s ».")
                % {"title": session.title}
            )
        if session.diagnostic == SessionDiagnostic.EXIT and index != len(ordered) - 1:
            problems.append(
                _("Le diagnostic de sortie se fait à la dernière séance, pas à « %(title)s ».")
                % {"title": session.title}
            )
    return problems


# --- rules -----------------------------------------------------------------------------------


def _check_admin(actor: Membership, network_id: int | None = None) -> None:
    if actor is None or not actor.is_active or actor.role != Role.NETWORK_ADMIN:
        raise DomainError(_("Seul un administrateur du réseau gère les programmes."))
    if network_id is not None and actor.organisation_id != network_id:
        raise DomainError(_("Ce programme n'est pas celui de votre réseau."))


def _check_programme_data(network_id: int, data: dict[str, Any]) -> None:
    partner = data.get("partner")
    if partner is not None and partner.network_id != network_id:
        raise DomainError(_("Choisissez un partenaire de votre réseau."))
    convention = data.get("convention")
    if convention is not None:
        funder_network = (
            Convention.objects.filter(pk=convention.pk)
            .values_list("funder__network_id", flat=True)
            .first()
        )
        if funder_network != network_id:
            raise DomainError(_("Choisissez une convention d'un financeur de votre réseau."))
    total = data.get("total_minutes")
    if total is not None and not 30 <= total <= MAX_TOTAL_MINUTES:
        raise DomainError(
            _("La durée totale va de 30 minutes à %(hours)s.")
            % {"hours": _hours(MAX_TOTAL_MINUTES)}
        )
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    if starts_on and ends_on:
        if ends_on < starts_on:
            raise DomainError(_("La fin de la période vient après son début."))
        if (ends_on - starts_on).days > MAX_PERIOD_DAYS:
            raise DomainError(_("La période d'un programme dure cinq ans au plus."))
    for day in (starts_on, ends_on):
        if day is not None and not datetime.date(2000, 1, 1) <= day <= datetime.date(2100, 1, 1):
            raise DomainError(_("Choisissez des dates entre 2000 et 2100."))


def _has_cohorts(programme: Programme) -> bool:
    return Cohort.objects.filter(programme=programme).exists()


def _check_shape_open(programme: Programme) -> None:
    if _has_cohorts(programme):
        raise DomainError(
            _(
                "Des groupes suivent déjà ce programme : ses séances, leur ordre, leurs durées "
                "et ses heures ne changent plus. Créez un nouveau programme pour un autre "
                "déroulé."
            )
        )


def _check_modules(keys: Sequence[str]) -> list[str]:
    if not isinstance(keys, list | tuple) or not all(isinstance(k, str) for k in keys):
        raise DomainError(_("Choisissez les modules dans la liste."))
    unknown = [key for key in keys if content.module(key) is None]
    if unknown:
        raise DomainError(
            _("Ces modules n'existent pas : %(keys)s.") % {"keys": ", ".join(sorted(unknown))}
        )
    return list(dict.fromkeys(keys))


def _check_session_data(data: dict[str, Any]) -> dict[str, Any]:
    minutes = data.get("duration_minutes")
    if minutes is not None and not 15 <= minutes <= MAX_SESSION_MINUTES:
        raise DomainError(
            _("Une séance dure de 15 minutes à %(hours)s.") % {"hours": _hours(MAX_SESSION_MINUTES)}
        )
    if "diagnostic" in data and data["diagnostic"] not in SessionDiagnostic.values:
        raise DomainError(_("Choisissez le diagnostic dans la liste."))
    if "modules" in data:
        data = {**data, "modules": _check_modules(data["modules"] or [])}
    return data


def _check_placement(sessions: list[ProgrammeSession]) -> None:
    problems = _diagnostic_problems(sessions)
    if problems:
        raise DomainError(problems[0])


def _journal(actor: Membership, action: str, programme: Programme, **payload) -> None:
    record(actor=actor.user, action=action, obj=programme, payload=payload or None)


# --- programmes ------------------------------------------------------------------------------


def programme_create(*, actor: Membership, data: dict[str, Any]) -> Programme:
    """A programme of the admin's network (``data``: the fields of ``PROGRAMME_FIELDS``)."""
    _check_admin(actor)
    unknown = set(data) - set(PROGRAMME_FIELDS)
    if unknown:
        raise ValueError(f"unknown programme fields: {sorted(unknown)}")
    _check_programme_data(actor.organisation_id, data)
    with transaction.atomic():
        programme = Programme(network_id=actor.organisation_id, **data)
        programme.full_clean()
        programme.save()
        _journal(actor, "training.programme_created", programme)
    return programme


def programme_update(*, actor: Membership, programme: Programme, data: dict[str, Any]) -> Programme:
    _check_admin(actor, programme.network_id)
    unknown = set(data) - set(PROGRAMME_FIELDS)
    if unknown:
        raise ValueError(f"unknown programme fields: {sorted(unknown)}")
    _check_programme_data(programme.network_id, data)
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        changed = [name for name, value in data.items() if getattr(programme, name) != value]
        if "total_minutes" in changed:
            _check_shape_open(programme)
        for name in changed:
            setattr(programme, name, data[name])
        if changed:
            programme.full_clean()
            programme.save(update_fields=[*changed, "updated_at"])
            _journal(actor, "training.programme_updated", programme, fields=changed)
    return programme


# --- the plan --------------------------------------------------------------------------------


def _locked_plan(programme: Programme) -> list[ProgrammeSession]:
    """The programme row locked (one plan edit at a time), then its sessions in order."""
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    return list(ProgrammeSession.objects.filter(programme=programme).order_by("position"))


def _shift(programme: Programme, *, from_position: int, by: int, upto: int | None = None) -> None:
    """Move positions ``from_position``..``upto`` by ``by``, through an offset (unique)."""
    rows = ProgrammeSession.objects.filter(programme=programme, position__gte=from_position)
    if upto is not None:
        rows = rows.filter(position__lte=upto)
    ids = list(rows.values_list("pk", flat=True))
    ProgrammeSession.objects.filter(pk__in=ids).update(position=F("position") + _SHIFT)
    ProgrammeSession.objects.filter(pk__in=ids).update(position=F("position") - _SHIFT + by)


def plan_session_add(
    *,
    actor: Membership,
    programme: Programme,
    data: dict[str, Any],
    position: int | None = None,
) -> ProgrammeSession:
    """A session in the plan, at ``position`` (1 = first; default: at the end)."""
    _check_admin(actor, programme.network_id)
    data = _check_session_data(data)
    with transaction.atomic():
        plan = _locked_plan(programme)
        _check_shape_open(programme)
        if len(plan) >= MAX_PLAN_SESSIONS:
            raise DomainError(
                _("Un programme a %(count)s séances au plus.") % {"count": MAX_PLAN_SESSIONS}
            )
        last = len(plan) + 1
        position = last if position is None else position
        if not 1 <= position <= last:
            raise DomainError(
                _("Choisissez une place de 1 à %(last)s dans le déroulé.") % {"last": last}
            )
        session = ProgrammeSession(programme=programme, position=position, **data)
        preview = list(plan)
        for other in preview:
            if other.position >= position:
                other.position += 1
        _check_placement([*preview, session])
        session.full_clean(exclude=["position"])
        _shift(programme, from_position=position, by=1)
        session.save()
        _journal(
            actor, "training.plan_session_added", programme, session=session.pk, position=position
        )
    return session


def plan_session_update(
    *, actor: Membership, session: ProgrammeSession, data: dict[str, Any]
) -> ProgrammeSession:
    programme = session.programme
    _check_admin(actor, programme.network_id)
    unknown = set(data) - set(SESSION_FIELDS)
    if unknown:
        raise ValueError(f"unknown session fields: {sorted(unknown)}")
    data = _check_session_data(data)
    with transaction.atomic():
        plan = _locked_plan(programme)
        current = next((s for s in plan if s.pk == session.pk), None)
        if current is None:
            raise DomainError(_("Cette séance n'est plus dans le déroulé."))
        changed = [name for name, value in data.items() if getattr(current, name) != value]
        if any(name in SHAPE_FIELDS for name in changed):
            _check_shape_open(programme)
        for name in changed:
            setattr(current, name, data[name])
        _check_placement(plan)
        if changed:
            current.full_clean()
            current.save(update_fields=changed)
            _journal(
                actor,
                "training.plan_session_updated",
                programme,
                session=current.pk,
                fields=changed,
            )
    return current


def plan_session_move(
    *, actor: Membership, session: ProgrammeSession, position: int
) -> ProgrammeSession:
    """Put the session at ``position`` in the plan; the others close up around it."""
    programme = session.programme
    _check_admin(actor, programme.network_id)
    with transaction.atomic():
        plan = _locked_plan(programme)
        current = next((s for s in plan if s.pk == session.pk), None)
        if current is None:
            raise DomainError(_("Cette séance n'est plus dans le déroulé."))
        if not 1 <= position <= len(plan):
            raise DomainError(
                _("Choisissez une place de 1 à %(last)s dans le déroulé.") % {"last": len(plan)}
            )
        old = current.position
        if position == old:
            return current
        _check_shape_open(programme)
        reordered = [s for s in plan if s.pk != current.pk]
        reordered.insert(position - 1, current)
        for index, row in enumerate(reordered, start=1):
            row.position = index
        _check_placement(reordered)
        ProgrammeSession.objects.filter(pk=current.pk).update(position=_SHIFT * 2)
        if position < old:
            _shift(programme, from_position=position, upto=old - 1, by=1)
        else:
            _shift(programme, from_position=old + 1, upto=position, by=-1)
        ProgrammeSession.objects.filter(pk=current.pk).update(position=position)
        _journal(
            actor,
            "training.plan_session_moved",
            programme,
            session=current.pk,
            position=position,
        )
    current.position = position
    return current


def plan_session_remove(*, actor: Membership, session: ProgrammeSession) -> None:
    programme = session.programme
    _check_admin(actor, programme.network_id)
    with transaction.atomic():
        plan = _locked_plan(programme)
        current = next((s for s in plan if s.pk == session.pk), None)
        if current is None:
            return
        _check_shape_open(programme)
        remaining = [s for s in plan if s.pk != current.pk]
        for index, row in enumerate(remaining, start=1):
            row.position = index
        _check_placement(remaining)
        position = current.position
        current.delete()
        _shift(programme, from_position=position + 1, by=-1)
        _journal(actor, "training.plan_session_removed", programme, session=session.pk)


def programme_module_keys(programme: Programme) -> list[str]:
    """The modules of the whole plan, in the order they come, once each: what a cohort's
    learners get (``learning.assignments.module_assign``, called on enrolment)."""
    keys: dict[str, None] = {}
    for modules in (
        ProgrammeSession.objects.filter(programme=programme)
        .order_by("position")
        .values_list("modules", flat=True)
    ):
        keys.update(dict.fromkeys(key for key in modules or [] if isinstance(key, str)))
    return list(keys)


def next_position(programme: Programme) -> int:
    last = ProgrammeSession.objects.filter(programme=programme).aggregate(m=Max("position"))["m"]
    return (last or 0) + 1


def partner_choices(network_id: int):
    return Partner.objects.filter(network_id=network_id, is_active=True).order_by("name")


def convention_choices(network_id: int):
    return Convention.objects.filter(funder__network_id=network_id).order_by("-starts_on")
