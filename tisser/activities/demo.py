"""Demo activity records: a year of accompaniments and workshops for every demo space.

Called by the demo app (tisser.demo) after the demo referrals, with its ``ManualClock``.
Two parts:

- every demo person who came to an appointment gets the record of that appointment,
  written through ``activity_create`` at the moment it happened (so one person can be
  followed from the referral to the activity, on their file's timeline);
- the daily history of each space (walk-ins, workshops), built from one seeded
  ``random.Random`` and written a day at a time in bulk, with its journal entries, so that
  the ``full`` profile's year of records loads in seconds.
"""

from __future__ import annotations

import datetime
import random
import time
from dataclasses import dataclass

from django.utils import timezone

from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Organisation, Site
from tisser.activities.enums import (
    COUNTED_ATTRIBUTES,
    THEME_BITS,
    ActivityKind,
    AgeBand,
    Autonomy,
    BeneficiaryStatus,
    Equipment,
    Gender,
    Operator,
    PlaceType,
    ProcedureTheme,
    RedirectionTarget,
    Theme,
    WorkshopLevel,
)
from tisser.activities.models import Activity, Participation
from tisser.activities.people import appointment_person, appointment_person_field
from tisser.activities.services import ActivityData, activity_create
from tisser.beneficiaries.models import Beneficiary
from tisser.core.clock import ManualClock, localdate
from tisser.core.errors import DomainError
from tisser.core.journal import build_entry, record_many
from tisser.referrals.enums import AppointmentStatus
from tisser.referrals.models import Appointment

DEMO_RANDOM_SEED = 20261129
WORKSHOP_SHARE = 0.15
IDENTIFIED_SHARE = 0.3

# How often each theme comes up in a digital-solidarity space (weights, not figures).
THEME_WEIGHTS = {
    Theme.AIDE_AUX_DEMARCHES_ADMINISTRATIVES: 30,
    Theme.EMAIL: 12,
    Theme.PRENDRE_EN_MAIN_DU_MATERIEL: 12,
    Theme.NAVIGATION_SUR_INTERNET: 8,
    Theme.INSERTION_PROFESSIONNELLE: 8,
    Theme.SECURITE_NUMERIQUE: 6,
    Theme.BANQUE_ET_ACHATS_EN_LIGNE: 5,
    Theme.SANTE: 5,
    Theme.GERE_SES_CONTENUS_NUMERIQUES: 4,
    Theme.BUREAUTIQUE: 3,
    Theme.DIAGNOSTIC_NUMERIQUE: 3,
    Theme.RESEAUX_SOCIAUX: 2,
    Theme.PARENTALITE: 2,
    Theme.SCOLARITE_ET_NUMERIQUE: 2,
    Theme.MAINTENANCE_DE_MATERIEL: 2,
    Theme.CULTURE_NUMERIQUE: 1,
    Theme.CREER_AVEC_LE_NUMERIQUE: 1,
    Theme.INTELLIGENCE_ARTIFICIELLE: 1,
    Theme.ENTREPRENEURIAT: 1,
}
PROCEDURES = {
    Operator.CAF: (ProcedureTheme.SOCIAL_SANTE, "Déclaration trimestrielle RSA"),
    Operator.FRANCE_TRAVAIL: (ProcedureTheme.TRAVAIL_FORMATION, "Actualisation mensuelle"),
    Operator.ASSURANCE_MALADIE: (ProcedureTheme.SOCIAL_SANTE, "Création du compte ameli"),
    Operator.IMPOTS: (ProcedureTheme.ARGENT_IMPOTS, "Déclaration de revenus"),
    Operator.ANTS: (
        ProcedureTheme.PAPIERS_ELECTIONS_CITOYENNETE,
        "Pré-demande de carte d'identité",
    ),
    Operator.PREFECTURE: (ProcedureTheme.ETRANGERS_EUROPE, "Renouvellement de titre de séjour"),
    Operator.LA_POSTE: (ProcedureTheme.LOGEMENT, "Suivi de courrier recommandé"),
    Operator.ENERGIE: (ProcedureTheme.LOGEMENT, "Relevé de compteur en ligne"),
    Operator.BANQUE: (ProcedureTheme.ARGENT_IMPOTS, "Activation de l'application bancaire"),
    Operator.AUTRE: (ProcedureTheme.FAMILLE_SCOLARITE, "Inscription à la cantine"),
}
OPERATOR_WEIGHTS = (18, 16, 10, 12, 8, 9, 3, 5, 6, 5)
WORKSHOPS = (
    ("Premiers pas sur le smartphone", Theme.PRENDRE_EN_MAIN_DU_MATERIEL),
    ("Déjouer les arnaques en ligne", Theme.SECURITE_NUMERIQUE),
    ("Envoyer un e-mail avec une pièce jointe", Theme.EMAIL),
    ("Mon CV en ligne", Theme.INSERTION_PROFESSIONNELLE),
    ("Ranger ses photos et ses documents", Theme.GERE_SES_CONTENUS_NUMERIQUES),
    ("Découvrir l'intelligence artificielle", Theme.INTELLIGENCE_ARTIFICIELLE),
)
DURATIONS = (15, 30, 30, 45, 45, 60, 60, 90)
HOURS = (9, 10, 11, 14, 15, 16, 17)


@dataclass
class DemoActivitiesResult:
    from_appointments: int
    history: int
    seconds: float


def _staff(site: Site) -> list[Membership]:
    return list(
        Membership.objects.active()
        .filter(organisation=site, role__in=[Role.MEDIATOR, Role.SITE_MANAGER])
        .select_related("user")
        .order_by("role", "user__email")
    )


def _record_appointments(network: Organisation, clock: ManualClock, rng: random.Random) -> int:
    """The record of every appointment a demo person came to, written an hour after it."""
    came = (
        Appointment.objects.filter(site__network=network, status=AppointmentStatus.CAME)
        .select_related("site", "mediator", appointment_person_field())
        .order_by("starts_at", "pk")
    )
    staff_by_site: dict[int, list[Membership]] = {}
    written = 0
    for appointment in came:
        staff = staff_by_site.setdefault(appointment.site_id, _staff(appointment.site))
        actor = next(
            (m for m in staff if m.user_id == appointment.mediator_id), staff[0] if staff else None
        )
        person = appointment_person(appointment)
        if actor is None:
            continue
        moment = appointment.starts_at + datetime.timedelta(hours=1)
        clock.move_to(moment)
        themes, procedure, operator, name = _themes(rng)
        data = ActivityData(
            kind=ActivityKind.INDIVIDUEL,
            date=timezone.localdate(appointment.starts_at),
            duration_minutes=rng.choice(DURATIONS),
            place_type=PlaceType.LIEU_ACTIVITE,
            themes=themes,
            procedure_themes=procedure,
            operator=operator,
            procedure_name=name,
            equipment=[rng.choice([Equipment.ORDINATEUR, Equipment.TELEPHONE])],
            autonomy=rng.choice(Autonomy.values),
            redirected=False,
            participants=[person] if person is not None else [],
            anonymous_count=0 if person is not None else 1,
        )
        try:
            activity_create(actor=actor, data=data, appointment=appointment)
        except DomainError:
            continue  # an appointment in the future of the clock, or already recorded
        written += 1
    return written


def _themes(rng: random.Random) -> tuple[list[str], list[str], str, str]:
    codes, weights = zip(*THEME_WEIGHTS.items(), strict=True)
    themes = sorted(set(rng.choices(codes, weights=weights, k=rng.choice((1, 1, 1, 2)))))
    if Theme.AIDE_AUX_DEMARCHES_ADMINISTRATIVES not in themes:
        return themes, [], "", ""
    operator = rng.choices(list(PROCEDURES), weights=OPERATOR_WEIGHTS)[0]
    procedure, name = PROCEDURES[operator]
    return themes, [procedure], operator, name


def _one_person_counts(rng: random.Random) -> dict[str, dict[str, int]]:
    return {
        "age": {rng.choice(AgeBand.values): 1},
        "status": {rng.choice(BeneficiaryStatus.values): 1},
        "gender": {rng.choice(Gender.values): 1},
    }


def _group_counts(rng: random.Random, total: int) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for attribute, choices in COUNTED_ATTRIBUTES.items():
        found: dict[str, int] = {}
        for _ in range(total):
            code = rng.choice(choices.values)
            found[code] = found.get(code, 0) + 1
        counts[attribute] = {code: found[code] for code in choices.values if code in found}
    return counts


def _build(site, mediator, day, rng, files) -> tuple[Activity, list[int]]:
    """One record of ``site`` on ``day``, as activity_create would store it."""
    workshop = rng.random() < WORKSHOP_SHARE
    if workshop:
        name, theme = rng.choice(WORKSHOPS)
        themes, procedure, operator, procedure_name = [theme], [], "", ""
        anonymous = rng.randint(3, 9)
        people = rng.sample(files, k=min(len(files), rng.randint(0, 2)))
    else:
        name = ""
        themes, procedure, operator, procedure_name = _themes(rng)
        people = [rng.choice(files)] if files and rng.random() < IDENTIFIED_SHARE else []
        anonymous = 0 if people else 1
    redirected = rng.random() < 0.12
    activity = Activity(
        site=site,
        mediator=mediator,
        kind=ActivityKind.COLLECTIF if workshop else ActivityKind.INDIVIDUEL,
        date=day,
        duration_minutes=rng.choice((90, 120)) if workshop else rng.choice(DURATIONS),
        place_type=rng.choices(PlaceType.values, weights=(85, 5, 7, 3))[0],
        themes=themes,
        procedure_themes=procedure,
        theme_mask=sum(THEME_BITS[c] for c in [*themes, *procedure]),
        operator=operator,
        procedure_name=procedure_name,
        equipment=[rng.choice(Equipment.values[:3])],
        autonomy="" if workshop else rng.choice(Autonomy.values),
        redirected=redirected,
        redirection_target=rng.choice(RedirectionTarget.values) if redirected else "",
        workshop_name=name,
        workshop_level=rng.choice(WorkshopLevel.values) if workshop else "",
        anonymous_count=anonymous,
        anonymous_counts=(
            _group_counts(rng, anonymous)
            if workshop
            else (_one_person_counts(rng) if anonymous else {})
        ),
        anonymous_seen_before=rng.randint(0, anonymous) if workshop else 0,
        participant_count=anonymous + len(people),
    )
    if activity.place_type in (PlaceType.DOMICILE, PlaceType.AUTRE):
        activity.place_postal_code, activity.place_commune = site.postal_code, site.city
    return activity, list(people)


def _write_history(
    sites, clock: ManualClock, rng: random.Random, *, days: int, per_day: int, today
) -> int:
    """``per_day`` records on average per space and working day, over ``days`` days."""
    tz = timezone.get_current_timezone()
    staff = {site.pk: _staff(site) for site in sites}
    files = {
        site.pk: list(Beneficiary.objects.filter(site=site).active().values_list("pk", flat=True))
        for site in sites
    }
    written = 0
    for offset in range(days, 0, -1):
        day = today - datetime.timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        evening = timezone.make_aware(datetime.datetime.combine(day, datetime.time(18)), tz)
        clock.move_to(evening)
        built: list[tuple[Activity, list[int]]] = []
        for site in sites:
            if not staff[site.pk]:
                continue
            for _ in range(rng.randint(max(per_day - 2, 0), per_day + 2)):
                mediator = rng.choice(staff[site.pk]).user
                built.append(_build(site, mediator, day, rng, files[site.pk]))
        if not built:
            continue
        activities = Activity.objects.bulk_create([activity for activity, _ in built])
        Participation.objects.bulk_create(
            [
                Participation(activity=activity, beneficiary_id=pk)
                for activity, people in built
                for pk in people
            ]
        )
        record_many(
            build_entry(
                actor=activity.mediator,
                action="activity.created",
                obj=activity,
                site=activity.site_id,
                payload={
                    "kind": activity.kind,
                    "themes": activity.themes,
                    "participants": activity.participant_count,
                    "files": people,
                },
                at=evening - datetime.timedelta(hours=rng.choice(HOURS[:4])),
            )
            for activity, people in built
        )
        written += len(activities)
    return written


def seed_demo_activities(
    *, network: Organisation, clock: ManualClock, days: int, per_day: int
) -> DemoActivitiesResult:
    started = time.monotonic()
    rng = random.Random(DEMO_RANDOM_SEED)  # noqa: S311 (demo data, not secrets)
    clock.release()
    today = localdate()
    from_appointments = _record_appointments(network, clock, rng)
    sites = list(Site.objects.filter(network=network).order_by("short_code"))
    history = _write_history(sites, clock, rng, days=days, per_day=per_day, today=today)
    clock.release()
    return DemoActivitiesResult(
        from_appointments=from_appointments, history=history, seconds=time.monotonic() - started
    )
