"""Writes of activity records: create, update, delete (docs/decisions/0020).

``actor`` is the acting :class:`Membership`. A mediator or a site manager records for their
own site. The author may change or delete their record for ``AUTHOR_EDIT_DAYS`` days after
writing it; after that, and for another mediator's record at any time, only a site manager
of the site may. Each write runs in one transaction with its journal entry; a refusal is a
``DomainError`` in French and changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tisser.accounts.enums import Role
from tisser.accounts.models import Membership
from tisser.activities.enums import (
    AUTHOR_EDIT_DAYS,
    COUNTED_ATTRIBUTES,
    MAX_PARTICIPANTS,
    MAX_PAST_DAYS,
    PLACES_WITH_COMMUNE,
    THEME_BITS,
    ActivityKind,
    Autonomy,
    Equipment,
    Operator,
    PlaceType,
    ProcedureTheme,
    RedirectionTarget,
    Theme,
    WorkshopLevel,
)
from tisser.activities.models import Activity, Participation
from tisser.beneficiaries.models import Beneficiary
from tisser.beneficiaries.services import visits_record
from tisser.core import clock, stale_figures
from tisser.core.choices import in_choice_order, known_codes
from tisser.core.errors import DomainError
from tisser.core.journal import record
from tisser.referrals.models import Appointment

WRITER_ROLES = frozenset({Role.MEDIATOR, Role.SITE_MANAGER})
PROCEDURE = Theme.AIDE_AUX_DEMARCHES_ADMINISTRATIVES


@dataclass
class ActivityData:
    """What a record says, as parsed by the form (codes, numbers, files)."""

    kind: str
    date: datetime.date
    duration_minutes: int
    place_type: str
    themes: list[str]
    place_postal_code: str = ""
    place_commune: str = ""
    procedure_themes: list[str] = field(default_factory=list)
    procedure_name: str = ""
    operator: str = ""
    equipment: list[str] = field(default_factory=list)
    autonomy: str = ""
    redirected: bool | None = None
    redirection_target: str = ""
    workshop_name: str = ""
    workshop_level: str = ""
    participants: list[Beneficiary] = field(default_factory=list)
    anonymous_count: int = 0
    # {"age": {code: n}, "status": {...}, "gender": {...}}; what is not given is "non_communique".
    anonymous_counts: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    anonymous_seen_before: int = 0
    notes: str = ""


def _require_writer(actor: Membership | None) -> None:
    if actor is None or not actor.is_active or actor.role not in WRITER_ROLES:
        raise DomainError(
            _("Seuls les médiateurs et responsables d'un espace saisissent ses activités.")
        )


def can_change(actor: Membership | None, activity: Activity, *, now=None) -> bool:
    """May ``actor`` edit or delete ``activity``? (The rule of docs/decisions/0020.)"""
    if actor is None or not actor.is_active or actor.organisation_id != activity.site_id:
        return False
    if actor.role == Role.SITE_MANAGER:
        return True
    if actor.role != Role.MEDIATOR or activity.mediator_id != actor.user_id:
        return False
    now = now or clock.now()
    return now < activity.created_at + datetime.timedelta(days=AUTHOR_EDIT_DAYS)


def _require_change(actor: Membership, activity: Activity) -> None:
    _require_writer(actor)
    if can_change(actor, activity):
        return
    if actor.role == Role.MEDIATOR and activity.mediator_id == actor.user_id:
        raise DomainError(
            _(
                "Cette activité a été saisie il y a plus de %(days)s jours : seul un "
                "responsable de l'espace peut encore la modifier ou la supprimer."
            )
            % {"days": AUTHOR_EDIT_DAYS}
        )
    raise DomainError(
        _("Seul son auteur ou un responsable de l'espace peut modifier cette activité.")
    )


def _counts(data: ActivityData) -> dict[str, dict[str, int]]:
    """Counts per value of each attribute; what is not given goes to « non communiqué »."""
    total = data.anonymous_count
    normalised: dict[str, dict[str, int]] = {}
    for attribute, choices in COUNTED_ATTRIBUTES.items():
        given = data.anonymous_counts.get(attribute, {}) or {}
        counts = {}
        for code, number in given.items():
            if code not in choices.values:
                raise DomainError(_("Valeur inconnue : %(code)s.") % {"code": code})
            if number is None or number < 0 or number > MAX_PARTICIPANTS:
                raise DomainError(_("Un nombre de participants doit être entre 0 et 500."))
            if number:
                counts[code] = int(number)
        missing = total - sum(counts.values())
        if missing < 0:
            raise DomainError(
                _(
                    "Les nombres par %(what)s dépassent le nombre de participants anonymes "
                    "(%(total)s)."
                )
                % {"what": _ATTRIBUTE_WORDS[attribute], "total": total}
            )
        if missing:
            counts["non_communique"] = counts.get("non_communique", 0) + missing
        normalised[attribute] = {code: counts[code] for code in choices.values if code in counts}
    return normalised


_ATTRIBUTE_WORDS = {"age": "tranche d'âge", "status": "statut", "gender": "genre"}


def _check_and_apply(
    activity: Activity, actor: Membership, data: ActivityData, *, site_id: int | None = None
) -> list[Beneficiary]:
    """Copy ``data`` onto ``activity`` after checking every rule (nothing saved yet); return
    the identified participants. ``site_id`` is the record's site when it is not the actor's
    own (a roll call taken by the network's admin or a trainer: ``activity_save_for_roll_call``);
    the files must then be of that site, whoever the actor."""
    today = clock.localdate()
    if data.kind not in ActivityKind.values:
        raise DomainError(_("Choisissez un accompagnement individuel ou un atelier collectif."))
    if data.date > today:
        raise DomainError(_("La date ne peut pas être dans le futur."))
    if data.date < today - datetime.timedelta(days=MAX_PAST_DAYS):
        raise DomainError(_("La date ne peut pas remonter à plus d'un an."))
    if data.place_type not in PlaceType.values:
        raise DomainError(_("Choisissez le lieu de l'activité."))
    if data.place_type in PLACES_WITH_COMMUNE and not (
        data.place_postal_code.strip() and data.place_commune.strip()
    ):
        raise DomainError(
            _("À domicile ou dans un autre lieu, indiquez le code postal et la commune.")
        )
    themes = known_codes(data.themes, Theme, unknown_message=_("Thématique inconnue : %(codes)s."))
    if not themes:
        raise DomainError(_("Choisissez au moins une thématique."))
    procedure_themes = known_codes(
        data.procedure_themes, ProcedureTheme, unknown_message=_("Démarche inconnue : %(codes)s.")
    )
    is_procedure = PROCEDURE in themes
    if procedure_themes and not is_procedure:
        raise DomainError(
            _("Les démarches ne se choisissent qu'avec « Aide aux démarches administratives ».")
        )
    if data.operator and data.operator not in Operator.values:
        raise DomainError(_("Opérateur inconnu : %(code)s.") % {"code": data.operator})
    if is_procedure and not data.operator:
        raise DomainError(
            _("Pour une aide aux démarches, choisissez l'organisme du service en ligne.")
        )
    equipment = known_codes(
        data.equipment, Equipment, unknown_message=_("Matériel inconnu : %(codes)s.")
    )
    if "aucun" in equipment and len(equipment) > 1:
        raise DomainError(_("« Pas de matériel » ne va pas avec un autre matériel."))
    if data.redirection_target and data.redirection_target not in RedirectionTarget.values:
        raise DomainError(_("Structure de redirection inconnue."))
    if data.redirection_target and data.redirected is not True:
        raise DomainError(_("Une structure de redirection suppose que la personne a été orientée."))
    individual = data.kind == ActivityKind.INDIVIDUEL
    if individual and data.workshop_level:
        raise DomainError(_("Le niveau d'atelier ne concerne que les ateliers collectifs."))
    if not individual and data.autonomy:
        raise DomainError(
            _("Le niveau d'autonomie ne concerne que les accompagnements individuels.")
        )
    if data.autonomy and data.autonomy not in Autonomy.values:
        raise DomainError(_("Niveau d'autonomie inconnu."))
    if data.workshop_level and data.workshop_level not in WorkshopLevel.values:
        raise DomainError(_("Niveau d'atelier inconnu."))

    participants = list(dict.fromkeys(data.participants))
    files = (
        Beneficiary.objects.active() if site_id else Beneficiary.objects.visible_to(actor).active()
    )
    in_scope = set(
        files.filter(
            pk__in=[p.pk for p in participants], site_id=site_id or actor.organisation_id
        ).values_list("pk", flat=True)
    )
    if len(in_scope) != len(participants):
        raise DomainError(_("Un des dossiers choisis n'est pas un dossier de votre espace."))
    if data.anonymous_count < 0 or data.anonymous_seen_before < 0:
        raise DomainError(_("Un nombre de participants ne peut pas être négatif."))
    if data.anonymous_seen_before > data.anonymous_count:
        raise DomainError(
            _("Les personnes déjà accompagnées sont plus nombreuses que les participants anonymes.")
        )
    total = len(participants) + data.anonymous_count
    if individual and total != 1:
        raise DomainError(
            _(
                "Un accompagnement individuel concerne une personne : un dossier, ou une personne anonyme."
            )
        )
    if total < 1:
        raise DomainError(_("Indiquez au moins un participant."))
    if total > MAX_PARTICIPANTS:
        raise DomainError(_("Un atelier compte au plus 500 participants."))

    activity.kind = data.kind
    activity.date = data.date
    activity.duration_minutes = data.duration_minutes
    activity.place_type = data.place_type
    has_commune = data.place_type in PLACES_WITH_COMMUNE
    activity.place_postal_code = data.place_postal_code.strip() if has_commune else ""
    activity.place_commune = data.place_commune.strip() if has_commune else ""
    activity.themes = in_choice_order(themes, Theme)
    activity.procedure_themes = (
        in_choice_order(procedure_themes, ProcedureTheme) if is_procedure else []
    )
    activity.theme_mask = sum(
        THEME_BITS[code] for code in [*activity.themes, *activity.procedure_themes]
    )
    activity.procedure_name = data.procedure_name.strip() if is_procedure else ""
    activity.operator = data.operator if is_procedure else ""
    activity.equipment = in_choice_order(equipment, Equipment)
    activity.autonomy = data.autonomy if individual else ""
    activity.redirected = data.redirected
    activity.redirection_target = data.redirection_target if data.redirected else ""
    activity.workshop_name = "" if individual else data.workshop_name.strip()
    activity.workshop_level = "" if individual else data.workshop_level
    activity.anonymous_count = data.anonymous_count
    activity.anonymous_counts = _counts(data) if data.anonymous_count else {}
    activity.anonymous_seen_before = data.anonymous_seen_before
    activity.participant_count = total
    activity.notes = data.notes.strip()
    return participants


def _validation_message(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def _full_clean(activity: Activity) -> None:
    try:
        activity.full_clean(exclude=["site", "mediator", "appointment"])
    except ValidationError as error:
        raise DomainError(_validation_message(error)) from error


def _save_participants(activity: Activity, participants: list[Beneficiary]) -> None:
    wanted = {p.pk for p in participants}
    current = set(activity.participations.values_list("beneficiary_id", flat=True))
    activity.participations.filter(beneficiary_id__in=current - wanted).delete()
    Participation.objects.bulk_create(
        [Participation(activity=activity, beneficiary_id=pk) for pk in sorted(wanted - current)]
    )


def _mark_stale(*site_days: tuple[int, datetime.date]) -> None:
    """The activities figures of these (site, day) changed (decision 0055)."""
    stale_figures.mark_stale_many(site_days, dimension=stale_figures.ACTIVITIES)


def _payload(activity: Activity, participants: list[Beneficiary]) -> dict[str, Any]:
    return {
        "kind": activity.kind,
        "themes": activity.themes,
        "participants": activity.participant_count,
        "files": [p.pk for p in participants],
    }


def activity_create(
    *, actor: Membership, data: ActivityData, appointment: Appointment | None = None
) -> Activity:
    """Record an activity of the actor's site, written by the actor."""
    _require_writer(actor)
    with transaction.atomic():
        activity = Activity(site_id=actor.organisation_id, mediator=actor.user)
        if appointment is not None:
            locked = (
                Appointment.objects.select_for_update()
                .filter(pk=appointment.pk, site_id=actor.organisation_id)
                .first()
            )
            if locked is None:
                raise DomainError(_("Ce rendez-vous n'est pas un rendez-vous de votre espace."))
            if Activity.objects.filter(appointment=locked).exists():
                raise DomainError(_("Une activité est déjà saisie pour ce rendez-vous."))
            activity.appointment = locked
        participants = _check_and_apply(activity, actor, data)
        _full_clean(activity)
        try:
            with transaction.atomic():
                activity.save()
        except IntegrityError as error:
            # Two saves of the same appointment at once: the constraint keeps one.
            raise DomainError(_("Une activité est déjà saisie pour ce rendez-vous.")) from error
        _save_participants(activity, participants)
        _mark_stale((activity.site_id, activity.date))
        visits_record(actor=actor, beneficiaries=participants, site=activity.site, on=activity.date)
        record(
            actor=actor.user,
            action="activity.created",
            obj=activity,
            site=activity.site_id,
            payload=_payload(activity, participants),
        )
    return activity


def activity_update(*, actor: Membership, activity: Activity, data: ActivityData) -> Activity:
    _require_writer(actor)
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        _require_change(actor, locked)
        before = (locked.site_id, locked.date)
        participants = _check_and_apply(locked, actor, data)
        _full_clean(locked)
        locked.save()
        _save_participants(locked, participants)
        _mark_stale(before, (locked.site_id, locked.date))
        visits_record(actor=actor, beneficiaries=participants, site=locked.site, on=locked.date)
        record(
            actor=actor.user,
            action="activity.updated",
            obj=locked,
            site=locked.site_id,
            payload=_payload(locked, participants),
        )
    return locked


def activity_delete(*, actor: Membership, activity: Activity) -> None:
    """Delete a record; the journal keeps who deleted what (never the notes)."""
    _require_writer(actor)
    with transaction.atomic():
        locked = Activity.objects.select_for_update().filter(pk=activity.pk).first()
        if locked is None:
            raise DomainError(_("Cette activité a déjà été supprimée."))
        _require_change(actor, locked)
        files = list(locked.participations.values_list("beneficiary_id", flat=True))
        record(
            actor=actor.user,
            action="activity.deleted",
            obj=locked,
            site=locked.site_id,
            payload={
                "kind": locked.kind,
                "date": locked.date.isoformat(),
                "author": locked.mediator_id,
                "participants": locked.participant_count,
                "files": files,
            },
        )
        _mark_stale((locked.site_id, locked.date))
        locked.delete()


def activity_record_view(*, actor: Membership, activity: Activity) -> None:
    """Journal that someone opened a record naming people's files (CNIL, reads)."""
    with transaction.atomic():
        record(
            actor=actor.user,
            action="activity.viewed",
            obj=activity,
            site=activity.site_id,
            payload={"role": actor.role},
        )


def activity_export_record(
    *, actor: Membership, file_format: str, rows: int, filters: Mapping[str, str]
) -> None:
    """Journal an export: who took which records out, in which format, with which filters."""
    with transaction.atomic():
        record(
            actor=actor.user,
            action="activity.exported",
            site=actor.organisation_id if actor.role in WRITER_ROLES else None,
            payload={"format": file_format, "rows": rows, "filters": dict(filters)},
        )


def activity_save_for_roll_call(
    *,
    actor: Membership,
    site_id: int,
    activity: Activity | None,
    data: ActivityData,
    source: str,
) -> Activity | None:
    """Write the one collective record of a programme session's or a workshop's roll call
    (docs/decisions/0054): create it, update it when the roll call is taken again, or delete
    it when nobody came (a record needs at least one participant); answer the record, or None.

    The training app has already checked that ``actor`` may take that roll call (the site's
    team, the cohort's trainers, the network's admins) and holds the session's row lock, so
    two tablets submitting at once make one record. Every rule of a record applies; only the
    author's window of decision 0020 does not: the roll call is retaken to correct it and it
    rewrites its own record. The record is ``site_id``'s; its author is whoever first took
    the roll call. ``source`` ("session:12", "workshop:3") is journaled with each write.
    """
    with transaction.atomic():
        locked = None
        if activity is not None:
            locked = Activity.objects.select_for_update().filter(pk=activity.pk).first()
        if locked is not None and locked.site_id != site_id:
            raise DomainError(_("Cette activité n'est pas une activité de cet espace."))
        if not data.participants and not data.anonymous_count:
            if locked is not None:
                record(
                    actor=actor.user,
                    action="activity.deleted",
                    obj=locked,
                    site=site_id,
                    payload={
                        "kind": locked.kind,
                        "date": locked.date.isoformat(),
                        "author": locked.mediator_id,
                        "participants": locked.participant_count,
                        "files": list(
                            locked.participations.values_list("beneficiary_id", flat=True)
                        ),
                        "source": source,
                    },
                )
                _mark_stale((locked.site_id, locked.date))
                locked.delete()
            return None
        action = "activity.updated"
        if locked is None:
            action = "activity.created"
        target = locked or Activity(site_id=site_id, mediator=actor.user)
        before = (target.site_id, target.date) if locked is not None else None
        participants = _check_and_apply(target, actor, data, site_id=site_id)
        _full_clean(target)
        target.save()
        _save_participants(target, participants)
        _mark_stale((target.site_id, target.date), *([before] if before else []))
        visits_record(actor=actor, beneficiaries=participants, site=target.site, on=target.date)
        record(
            actor=actor.user,
            action=action,
            obj=target,
            site=site_id,
            payload={**_payload(target, participants), "source": source},
        )
    return target
