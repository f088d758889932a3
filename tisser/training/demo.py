"""The demo's training: the press release's 32-hour programme with the Bas-Rhin employment
service, a year of cohorts in Strasbourg, and one-off workshops at the other spaces.

- The programme « Parcours numérique vers l'emploi » (the network admin's services): 32 h
  in 8 sessions of 4 h, the entry diagnostic at the first and the exit one at the last, the
  job-search modules between them; the referring partner is the demo referrer's France
  Travail agency, the convention the employment service's (funding demo); target 400 for
  the year, certificate at 80 %.
- Cohorts of 12 across the year in Strasbourg (31 closed ones in the ``full``
  profile: about 400 people): the past ones are written in bulk — schedule from
  ``schedule.generate`` (holidays and closures skipped, as ``cohort_create`` does), new
  jobseekers' files with an open period, enrolments (a few drop-outs with a reason),
  attendance (mostly present, some late with minutes, some excused or absent), ONE
  collective activity record per session built as ``roll_call_record`` builds it, the
  certificates of those who reached 80 %, the programme's modules given and mostly done,
  entry and exit diagnostics of the latest ten cohorts (``diagnostics.demo``'s sittings),
  satisfaction answers (about 93 % satisfied, some anonymous) and, for cohorts closed more
  than six months ago, the outcome answers. The cohorts a user clicks through go through the services: the
  running one (``cohort_create``, ``enrol_file``, ``roll_call_record`` of its past sessions;
  the journey's person is one of them) and two upcoming ones (one with seats left, one
  full with a waiting list; the employment service's accepted referrals are enrolled there
  through ``enrol_from_referral``).
- Workshops at the other spaces: past ones with their roll call and one record each,
  upcoming public ones with online registrations (first names, phones in
  +33 6 39 98 xx xx), one of them full with a waiting list.

Deterministic (one seeded ``random.Random``); a network without Strasbourg, partner or
mediators gets no programme.
"""

from __future__ import annotations

import datetime
import random
import secrets
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from tisser.accounts.demo import STRASBOURG_SITE
from tisser.accounts.enums import FunderKind, PartnerKind, Role
from tisser.accounts.models import Membership, Organisation, Partner, Site
from tisser.activities.enums import THEME_BITS, ActivityKind, PlaceType, Theme, WorkshopLevel
from tisser.activities.models import Activity, Participation
from tisser.beneficiaries.enums import (
    CURRENT_NOTICE_VERSION,
    ContactChannel,
    PeriodOpening,
    SocialStatus,
)
from tisser.beneficiaries.models import AccompanimentPeriod, Beneficiary, FileNumberSequence
from tisser.core.choices import in_choice_order
from tisser.core.clock import ManualClock
from tisser.core.clock import now as clock_now
from tisser.core.journal import build_entry, record_many
from tisser.core.names import search_key
from tisser.core.tokens import token_hash
from tisser.diagnostics import demo as diagnostics_demo
from tisser.diagnostics import framework
from tisser.diagnostics.enums import DiagnosticKind
from tisser.funding.models import Convention
from tisser.learning import content
from tisser.learning import demo as learning_demo
from tisser.learning.models import ModuleAssignment
from tisser.referrals.enums import ReferralStatus
from tisser.referrals.models import Referral
from tisser.training import cohorts, enrolments, hours, programmes, schedule, surveys
from tisser.training.enums import (
    OUTCOME_AFTER_DAYS,
    AttendanceStatus,
    DropReason,
    EnrolmentStatus,
    RegistrationStatus,
    SessionDiagnostic,
    SurveyChannel,
    SurveyKind,
)
from tisser.training.models import (
    Attendance,
    Cohort,
    CohortSession,
    Enrolment,
    Programme,
    SurveyInvitation,
    SurveyResponse,
    Workshop,
    WorkshopRegistration,
)
from tisser.training.roll_call import (
    PROGRAMME_SESSION_LEVEL,
    PROGRAMME_SESSION_THEMES,
    Mark,
    roll_call_record,
    session_enrolments,
)

DEMO_RANDOM_SEED = 20261130
PROGRAMME_NAME = "Parcours numérique vers l'emploi"
PROGRAMME_OBJECTIVE = (
    "Apprendre à utiliser le numérique pour chercher un emploi : faire son CV, répondre à "
    "une offre, passer un entretien en visio et suivre ses candidatures, seul."
)
ELIGIBLE_PUBLIC = "Demandeurs d'emploi orientés par France Travail Bas-Rhin"
REFERRING_PARTNER = "France Travail Strasbourg Hautepierre"
SESSION_MINUTES = 4 * 60
TARGET = 400
# (title, content, diagnostic, modules): 8 sessions of 4 h = 32 h.
PLAN = (
    (
        "Accueil et diagnostic d'entrée",
        "Faire connaissance, le diagnostic d'entrée, créer son adresse e-mail si besoin.",
        SessionDiagnostic.ENTRY,
        ["mail-envoyer"],
    ),
    (
        "Le CV en ligne",
        "Préparer son CV, l'enregistrer en PDF, le ranger pour le retrouver.",
        SessionDiagnostic.NONE,
        ["preparer-cv"],
    ),
    (
        "Envoyer sa candidature",
        "Joindre son CV à un e-mail, écrire un message court et poli.",
        SessionDiagnostic.NONE,
        ["mail-joindre"],
    ),
    (
        "Trouver les offres",
        "Chercher des offres sur le site de France Travail, postuler en ligne.",
        SessionDiagnostic.NONE,
        ["offre-emploi-postuler"],
    ),
    (
        "Son espace France Travail",
        "Se connecter à son espace, s'actualiser, lire ses messages ; FranceConnect.",
        SessionDiagnostic.NONE,
        ["compte-service-public"],
    ),
    (
        "L'entretien en visio",
        "Installer l'application, tester le micro et la caméra, un entretien pour s'exercer.",
        SessionDiagnostic.NONE,
        ["entretien-visio"],
    ),
    (
        "Suivre ses candidatures",
        "Noter ses candidatures, relancer un employeur, préparer ses rendez-vous.",
        SessionDiagnostic.NONE,
        ["suivre-candidatures"],
    ),
    (
        "Bilan et diagnostic de sortie",
        "Le diagnostic de sortie, ce qu'on a appris, les prochaines étapes seul.",
        SessionDiagnostic.EXIT,
        [],
    ),
)
COHORT_SIZE = 12
# (weekdays, start time, room): the slots the cohorts take in turn.
SLOTS = (
    ((0, 3), datetime.time(9, 0), "Salle Gutenberg"),
    ((1, 4), datetime.time(9, 0), "Salle Kléber"),
    ((0, 3), datetime.time(14, 0), "Salle Gutenberg"),
    ((1, 4), datetime.time(14, 0), "Salle Kléber"),
)
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip
# Attendance of one person at one session: present, late, excused, absent (weights).
MARKS = ((AttendanceStatus.PRESENT, 86), (AttendanceStatus.LATE, 7),
         (AttendanceStatus.EXCUSED, 4), (AttendanceStatus.ABSENT, 3))  # fmt: skip
DROP_ONE_IN = 9
DROP_REASONS = (
    (DropReason.JOB, "A signé un CDD de six mois."),
    (DropReason.TRAINING, "Entrée en formation d'aide-soignante."),
    (DropReason.HEALTH, ""),
    (DropReason.FAMILY, "Garde de ses enfants le matin."),
    (DropReason.NO_SHOW, "Trois appels sans réponse."),
    (DropReason.MOVED, ""),
    (DropReason.NOT_SUITED, "Déjà à l'aise : orientée vers un atelier avancé."),
)
# Entry and exit diagnostics are written for this many of the latest closed cohorts.
DIAGNOSED_COHORTS = 10
ANSWER_SHARE = 0.75
ANONYMOUS_SHARE = 0.25
# Seven answers in a hundred are not satisfied (overall 2 or 3), spread evenly over the
# answers in order (the first at the eighth answer): the rate is 93 % give or take one answer.
UNSATISFIED_PER_100 = 7
OUTCOME_ANSWER_SHARE = 0.55
# The satisfaction survey's question codes (training/surveys.py), the overall one apart.
SATISFACTION_CODES = tuple(
    question.code for question in surveys.SATISFACTION_QUESTIONS if question.code != surveys.OVERALL
)
OVERALL_CODE = surveys.OVERALL
FIRST_NAMES = (
    "Abdel", "Agnès", "Alexandre", "Amel", "Aurore", "Bachir", "Carole", "Cédric", "Coralie",
    "Dalila", "Damien", "Émilie", "Farida", "Fabrice", "Gisèle", "Grégory", "Habiba", "Isabelle",
    "Jamila", "Jordan", "Karima", "Kevin", "Laetitia", "Lina", "Ludovic", "Marlène", "Mickaël",
    "Myriam", "Naïma", "Nicolas", "Ophélie", "Patrick", "Rachida", "Régis", "Sabrina", "Sofiane",
    "Stéphanie", "Tarek", "Virginie", "Yacine",
)  # fmt: skip
LAST_NAMES = (
    "Adam", "Baumann", "Benali", "Bernard", "Boulanger", "Cissé", "Diop", "Erhard", "Frey",
    "Gaillard", "Herrmann", "Jaeger", "Kieffer", "Koch", "Lang", "Meyer", "Mokrani", "Ott",
    "Rieffel", "Roth", "Schaeffer", "Schmitt", "Seiler", "Simon", "Walter", "Wendling",
    "Zimmer", "Zeller",
)  # fmt: skip
HOMES = (("67000", "Strasbourg"), ("67200", "Strasbourg"), ("67100", "Strasbourg"),
         ("67300", "Schiltigheim"), ("67800", "Bischheim"))  # fmt: skip
# One-off workshops of the other spaces: (title, theme, level, description).
WORKSHOPS = (
    ("Découvrir son smartphone", Theme.PRENDRE_EN_MAIN_DU_MATERIEL, WorkshopLevel.DEBUTANT,
     "Allumer, appeler, envoyer un SMS, régler le son et la luminosité."),
    ("Mes e-mails sans stress", Theme.EMAIL, WorkshopLevel.DEBUTANT,
     "Lire, écrire et envoyer un e-mail, ajouter une pièce jointe."),
    ("Repérer les arnaques", Theme.SECURITE_NUMERIQUE, WorkshopLevel.INTERMEDIAIRE,
     "Les faux SMS, les faux sites, les bons réflexes."),
    ("Prendre rendez-vous chez le médecin en ligne", Theme.SANTE, WorkshopLevel.DEBUTANT,
     "Créer son compte, choisir un créneau, annuler un rendez-vous."),
    ("Ranger ses photos et documents", Theme.GERE_SES_CONTENUS_NUMERIQUES,
     WorkshopLevel.INTERMEDIAIRE, "Créer des dossiers, sauvegarder, partager un document."),
)  # fmt: skip
WORKSHOP_NAMES = (
    "Aline", "Bakary", "Colette", "Dounia", "Eric", "Fanny", "Gilles", "Hawa", "Ilyes", "Josette",
    "Karl", "Lamia", "Marcel", "Nour", "Odette", "Pierre", "Rokia", "Serge", "Tiphaine", "Walid",
)  # fmt: skip


@dataclass
class DemoTrainingResult:
    programmes: int = 0
    cohorts: int = 0
    sessions: int = 0
    enrolled: int = 0
    dropped: int = 0
    waiting: int = 0
    attendances: int = 0
    activities: int = 0
    certificates: int = 0
    files: int = 0
    diagnostics: int = 0
    satisfaction: int = 0
    outcomes: int = 0
    workshops: int = 0
    registrations: int = 0
    journey_cohort: str = ""
    cohort_names: list[str] = field(default_factory=list)
    # The files this builder opened (the programme's jobseekers), by file number.
    new_files: list[str] = field(default_factory=list)
    progress: int = 0
    seconds: float = 0.0


def is_unsatisfied(index: int) -> bool:
    """Whether the ``index``-th satisfaction answer (from 0) is not satisfied: 7 in 100."""
    return ((index + 8) * UNSATISFIED_PER_100) // 100 > ((index + 7) * UNSATISFIED_PER_100) // 100


def _token_hash() -> str:
    """The stored hash of a link nobody will open (the demo's past rows)."""
    return token_hash(secrets.token_urlsafe(24))


def _team(site: Site) -> list[Membership]:
    """The site's manager first, then its mediators (active memberships)."""
    return list(
        Membership.objects.active()
        .filter(organisation=site, role__in=(Role.SITE_MANAGER, Role.MEDIATOR))
        .select_related("user")
        .order_by("-role", "user__email")  # "site_manager" > "mediator"
    )


def _programme(network: Organisation, admin: Membership, *, today, clock) -> Programme | None:
    partner = Partner.objects.filter(network=network, name=REFERRING_PARTNER).first()
    convention = (
        Convention.objects.filter(
            funder__network=network, funder__funder_kind=FunderKind.EMPLOYMENT_SERVICE
        )
        .order_by("-starts_on")
        .first()
    )
    starts_on = today - datetime.timedelta(days=340)
    clock.move_to(timezone.make_aware(datetime.datetime.combine(starts_on, datetime.time(10)))
                  - datetime.timedelta(days=20))  # fmt: skip
    programme = programmes.programme_create(
        actor=admin,
        data={
            "name": PROGRAMME_NAME,
            "objective": PROGRAMME_OBJECTIVE,
            "total_minutes": SESSION_MINUTES * len(PLAN),
            "target_participants": TARGET,
            "starts_on": starts_on,
            "ends_on": starts_on + datetime.timedelta(days=364),
            "eligible_public": ELIGIBLE_PUBLIC,
            "partner": partner,
            "convention": convention,
        },
    )
    known = {m.key for m in content.modules()}
    for title, text, diagnostic, modules in PLAN:
        programmes.plan_session_add(
            actor=admin,
            programme=programme,
            data={
                "title": title,
                "duration_minutes": SESSION_MINUTES,
                "content": text,
                "diagnostic": diagnostic,
                "modules": [key for key in modules if key in known],
            },
        )
    return programme


def _cohort_name(index: int, starts_on: datetime.date) -> str:
    return f"Groupe {index} — {MONTHS[starts_on.month - 1]} {starts_on.year}"


# --- files ---------------------------------------------------------------------------------


def _new_files(site: Site, count: int, rng: random.Random, *, opened) -> list[Beneficiary]:
    """``count`` jobseekers' files of ``site`` (bulk), numbered from the site's counter."""
    if count <= 0:
        return []
    sequence, _created = FileNumberSequence.objects.select_for_update().get_or_create(site=site)
    first = sequence.last_value + 1
    sequence.last_value += count
    sequence.save(update_fields=["last_value"])
    files = []
    for offset in range(count):
        number = first + offset
        first_name = FIRST_NAMES[(number * 7) % len(FIRST_NAMES)]
        last_name = LAST_NAMES[(number * 11 + number // len(FIRST_NAMES)) % len(LAST_NAMES)]
        postal_code, commune = rng.choice(HOMES)
        when = opened[offset]
        files.append(
            Beneficiary(
                site=site,
                file_number=f"{site.short_code.upper()}-{number:06d}",
                first_name=first_name,
                last_name=last_name,
                birth_year=rng.randint(1965, 2003),
                phone=f"+3361235{number % 10000:04d}",
                preferred_channel=ContactChannel.SMS,
                postal_code=postal_code,
                commune=commune,
                social_status=SocialStatus.SANS_EMPLOI,
                is_jobseeker=True,
                notice_given_on=when.date(),
                notice_version=CURRENT_NOTICE_VERSION,
                search_key=search_key(first_name, last_name),
                last_contact_at=when,
            )
        )
    created = Beneficiary.objects.bulk_create(files, batch_size=500)
    for row, moment in zip(created, opened, strict=True):
        row.created_at = row.updated_at = moment
    Beneficiary.objects.bulk_update(created, ["created_at", "updated_at"], batch_size=500)
    AccompanimentPeriod.objects.bulk_create(
        [
            AccompanimentPeriod(
                beneficiary=row,
                site=site,
                opened_on=timezone.localdate(moment),
                opened_by=PeriodOpening.STAFF,
            )
            for row, moment in zip(created, opened, strict=True)
        ],
        batch_size=500,
    )
    return created


# --- past cohorts, in bulk -------------------------------------------------------------------


@dataclass
class _Past:
    cohort: Cohort
    sessions: list[CohortSession]
    enrolments: list[Enrolment]
    trainer: Membership


def _mark(rng: random.Random) -> Mark:
    status = rng.choices([m for m, _ in MARKS], weights=[w for _, w in MARKS])[0]
    if status == AttendanceStatus.LATE:
        return Mark(status, rng.choice((10, 15, 20, 30, 45, 60)))
    return Mark(status)


def _attended_minutes(mark: Mark, minutes: int) -> int:
    if mark.status == AttendanceStatus.PRESENT:
        return minutes
    if mark.status == AttendanceStatus.LATE:
        return minutes - mark.minutes_missed
    return 0


def _past_cohorts(*, programme, site, team, plan, starts, rng, clock, result) -> list[_Past]:
    """Closed cohorts written in bulk: cohort, sessions, files, enrolments, attendance, one
    activity per session, certificates."""
    closures = cohorts.closures_of(
        site, starts[0], starts[-1] + datetime.timedelta(days=schedule.HORIZON_DAYS)
    )
    mediators = [m for m in team if m.role == Role.MEDIATOR] or team
    built: list[_Past] = []
    for number, starts_on in enumerate(starts, start=1):
        weekdays, start_time, room = SLOTS[(number - 1) % len(SLOTS)]
        slots = schedule.generate(
            durations=[p.duration_minutes for p in plan],
            starts_on=starts_on,
            weekdays=weekdays,
            start_time=start_time,
            postal_code=site.postal_code,
            closures=closures,
        )
        created_at = slots[0].starts_at - datetime.timedelta(days=21)
        clock.move_to(created_at)
        cohort = Cohort.objects.create(
            programme=programme,
            site=site,
            name=_cohort_name(number, starts_on),
            room=room,
            capacity=COHORT_SIZE,
            starts_on=starts_on,
            weekdays=list(weekdays),
            start_time=start_time,
            closed_on=timezone.localdate(slots[-1].ends_at),
        )
        trainer = mediators[number % len(mediators)]
        cohort.trainers.set([trainer.user])
        sessions = CohortSession.objects.bulk_create(
            CohortSession(
                cohort=cohort, plan=p, starts_at=s.starts_at, ends_at=s.ends_at, room=room
            )
            for p, s in zip(plan, slots, strict=True)
        )
        enrolled_at = [
            created_at + datetime.timedelta(days=rng.randint(1, 18), hours=rng.randint(0, 6))
            for _ in range(COHORT_SIZE)
        ]
        files = _new_files(
            site,
            COHORT_SIZE,
            rng,
            opened=[m - datetime.timedelta(days=rng.randint(1, 10)) for m in enrolled_at],
        )
        rows = Enrolment.objects.bulk_create(
            Enrolment(
                cohort=cohort,
                beneficiary=person,
                status=EnrolmentStatus.ENROLLED,
                enrolled_at=moment,
            )
            for person, moment in zip(files, enrolled_at, strict=True)
        )
        for row, moment in zip(rows, enrolled_at, strict=True):
            row.created_at = moment
        result.files += len(files)
        result.new_files += [f.file_number for f in files]
        built.append(_Past(cohort, sessions, rows, trainer))
    result.cohorts += len(built)
    result.sessions += sum(len(p.sessions) for p in built)
    _attend(built, programme, site, rng, clock, result)
    return built


def _attend(built: list[_Past], programme, site, rng, clock, result) -> None:
    """Drop-outs, attendance, one activity per session, certificates (all in bulk)."""
    attendances: list[Attendance] = []
    activities: list[tuple[Activity, list[int], CohortSession, _Past]] = []
    entries = []
    certificates: dict[int, list[Enrolment]] = defaultdict(list)
    theme_list = in_choice_order(list(PROGRAMME_SESSION_THEMES), Theme)
    mask = sum(THEME_BITS[code] for code in theme_list)
    total = programme.total_minutes
    for past in built:
        drops: dict[int, int] = {}  # enrolment pk -> index of the session they left on
        for enrolment in past.enrolments:
            if rng.randrange(DROP_ONE_IN) == 0:
                drops[enrolment.pk] = rng.randint(1, len(past.sessions) - 2)
        attended: dict[int, int] = defaultdict(int)
        for index, session in enumerate(past.sessions):
            minutes = session.minutes
            came: list[int] = []
            for enrolment in past.enrolments:
                left = drops.get(enrolment.pk)
                if left is not None and index > left:
                    continue
                mark = Mark(AttendanceStatus.ABSENT) if left == index else _mark(rng)
                attendances.append(
                    Attendance(
                        session=session,
                        enrolment=enrolment,
                        status=mark.status,
                        minutes_missed=mark.minutes_missed,
                        recorded_by=past.trainer.user,
                        recorded_at=session.starts_at + datetime.timedelta(minutes=20),
                    )
                )
                attended[enrolment.pk] += _attended_minutes(mark, minutes)
                if mark.status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE):
                    came.append(enrolment.beneficiary_id)
            if not came:
                continue
            activity = Activity(
                site=site,
                mediator=past.trainer.user,
                kind=ActivityKind.COLLECTIF,
                date=timezone.localdate(session.starts_at),
                duration_minutes=minutes,
                place_type=PlaceType.LIEU_ACTIVITE,
                themes=theme_list,
                theme_mask=mask,
                workshop_name=f"{programme.name} — {session.plan.title}"[:200],
                workshop_level=PROGRAMME_SESSION_LEVEL,
                participant_count=len(came),
            )
            activities.append((activity, came, session, past))
        for enrolment in past.enrolments:
            left = drops.get(enrolment.pk)
            if left is not None:
                reason, note = DROP_REASONS[enrolment.pk % len(DROP_REASONS)]
                enrolment.status = EnrolmentStatus.DROPPED
                enrolment.dropped_on = timezone.localdate(past.sessions[left].starts_at)
                enrolment.drop_reason, enrolment.drop_note = reason, note
                result.dropped += 1
            elif attended[enrolment.pk] * 100 >= programme.completion_percent * total:
                certificates[past.sessions[-1].ends_at.year].append(enrolment)
            result.enrolled += 1
    Attendance.objects.bulk_create(attendances, batch_size=2000)
    result.attendances += len(attendances)
    # One record per session that someone came to, stamped when its roll call was taken.
    rows = Activity.objects.bulk_create([a for a, *_ in activities], batch_size=500)
    for row, (_a, _came, session, _past) in zip(rows, activities, strict=True):
        row.created_at = row.updated_at = session.starts_at + datetime.timedelta(minutes=20)
    Activity.objects.bulk_update(rows, ["created_at", "updated_at"], batch_size=500)
    Participation.objects.bulk_create(
        [
            Participation(activity=row, beneficiary_id=pk)
            for row, (_a, came, _s, _p) in zip(rows, activities, strict=True)
            for pk in came
        ],
        batch_size=2000,
    )
    called = []
    for row, (_a, came, session, past) in zip(rows, activities, strict=True):
        session.activity = row
        session.roll_call_at = row.created_at
        called.append(session)
        entries.append(
            build_entry(
                actor=past.trainer.user,
                action="activity.created",
                obj=row,
                site=site.pk,
                payload={
                    "kind": row.kind,
                    "themes": row.themes,
                    "participants": row.participant_count,
                    "files": came,
                    "source": f"session:{session.pk}",
                },
                at=row.created_at,
            )
        )
        entries.append(
            build_entry(
                actor=past.trainer.user,
                action="training.roll_call_taken",
                obj=session,
                site=site.pk,
                payload={"activity": row.pk, "demo": True},
                at=row.created_at,
            )
        )
    CohortSession.objects.bulk_update(called, ["activity", "roll_call_at"], batch_size=500)
    result.activities += len(rows)
    # Certificates, numbered per site and year from 1 (as hours.certificate_issue does).
    for year in sorted(certificates):
        prefix = hours.certificate_number_prefix(site, year)
        issued = Enrolment.objects.filter(
            cohort__site_id=site.pk, certificate_number__startswith=prefix
        ).count()
        for enrolment in certificates[year]:
            issued += 1
            enrolment.certificate_number = f"{prefix}{issued}"
            closed = enrolment.cohort.closed_on
            enrolment.certificate_issued_at = timezone.make_aware(
                datetime.datetime.combine(closed, datetime.time(16, 30))
            )
            result.certificates += 1
    everyone = [e for past in built for e in past.enrolments]
    Enrolment.objects.bulk_update(
        everyone,
        [
            "status",
            "dropped_on",
            "drop_reason",
            "drop_note",
            "certificate_number",
            "certificate_issued_at",
            "created_at",
        ],
        batch_size=500,
    )
    record_many(entries)


def _modules(built: list[_Past], keys: list[str], rng, clock) -> int:
    """The programme's modules given to each person at enrolment; most done by the end."""
    catalogue = {m.key: m for m in content.modules()}
    modules = [catalogue[k] for k in keys if k in catalogue]
    if not modules:
        return 0
    given, plans = [], []
    for past in built:
        first = past.sessions[0].starts_at
        for enrolment in past.enrolments:
            for position, module in enumerate(modules):
                given.append(
                    ModuleAssignment(
                        beneficiary_id=enrolment.beneficiary_id,
                        module_key=module.key,
                        position=position,
                        assigned_by=past.trainer.user,
                    )
                )
                if enrolment.status == EnrolmentStatus.DROPPED and position > 1:
                    continue
                start = past.sessions[min(position + 1, len(past.sessions) - 1)].starts_at
                finished = rng.random() < 0.85
                plans.append(
                    learning_demo._plan(
                        rng,
                        enrolment.beneficiary_id,
                        module,
                        start + datetime.timedelta(minutes=rng.randint(30, 180)),
                        finished=finished,
                    )
                )
        clock.move_to(first - datetime.timedelta(days=7))
        ModuleAssignment.objects.bulk_create(given, batch_size=1000)
        given = []
    return learning_demo._write(plans, clock)[0]


def _diagnostics(built: list[_Past], rng, *, ceiling) -> int:
    """Entry (first session) and exit (last session) diagnostics for the people who came."""
    forms = {
        kind: (
            framework.form_bank(kind),
            {item.key: item for item in framework.form_items(kind)},
            framework.form_version(kind),
        )
        for kind in (DiagnosticKind.ENTRY, DiagnosticKind.EXIT)
    }
    domains = [d.code for d in framework.domains()]
    if not all(forms[k][0] for k in forms) or not domains:
        return 0
    periods = {
        p.beneficiary_id: p
        for p in AccompanimentPeriod.objects.filter(
            beneficiary_id__in=[e.beneficiary_id for past in built for e in past.enrolments]
        )
    }
    sittings = []
    for past in built:
        first, last = past.sessions[0], past.sessions[-1]
        for index, enrolment in enumerate(past.enrolments):
            person = enrolment.beneficiary
            period = periods.get(person.pk)
            if period is None:
                continue
            truth = diagnostics_demo._true_levels(rng, domains)
            entry_at = min(first.starts_at + datetime.timedelta(minutes=30 + index * 3), ceiling)
            sittings.append(
                diagnostics_demo._sit(
                    person,
                    period,
                    DiagnosticKind.ENTRY,
                    forms,
                    domains,
                    truth,
                    rng,
                    entry_at,
                    past.trainer,
                    False,
                )
            )
            if enrolment.status == EnrolmentStatus.DROPPED:
                continue
            exit_at = min(last.starts_at + datetime.timedelta(minutes=30 + index * 3), ceiling)
            sittings.append(
                diagnostics_demo._sit(
                    person,
                    period,
                    DiagnosticKind.EXIT,
                    forms,
                    domains,
                    diagnostics_demo._progressed(rng, truth),
                    rng,
                    exit_at,
                    past.trainer,
                    False,
                )
            )
    written = diagnostics_demo._write(sittings, journey_file="")
    return written.entries + written.exits


def _surveys(built: list[_Past], programme, site, rng, *, today, result) -> None:
    """Satisfaction answers at each cohort's end (~93 % satisfied, some anonymous), and the
    outcome answers of cohorts closed more than six months ago; invitations marked used."""
    invitations, responses = [], []
    for past in built:
        closed = past.cohort.closed_on
        sent = timezone.make_aware(datetime.datetime.combine(closed, datetime.time(17)))
        kinds = [SurveyKind.SATISFACTION]
        if (today - closed).days > OUTCOME_AFTER_DAYS:
            kinds.append(SurveyKind.OUTCOME)
        for kind in kinds:
            offset = 0 if kind == SurveyKind.SATISFACTION else OUTCOME_AFTER_DAYS
            sent_at = sent + datetime.timedelta(days=offset)
            for enrolment in past.enrolments:
                if enrolment.status == EnrolmentStatus.DROPPED:
                    continue
                share = ANSWER_SHARE if kind == SurveyKind.SATISFACTION else OUTCOME_ANSWER_SHARE
                answered = rng.random() < share
                used_at = sent_at + datetime.timedelta(hours=rng.randint(0, 72))
                invitations.append(
                    SurveyInvitation(
                        kind=kind,
                        site=site,
                        beneficiary_id=enrolment.beneficiary_id,
                        enrolment=enrolment,
                        token_hash=_token_hash(),
                        sent_at=sent_at,
                        used_at=used_at if answered else None,
                        expires_at=sent_at + datetime.timedelta(days=30),
                    )
                )
                if not answered:
                    continue
                anonymous = rng.random() < ANONYMOUS_SHARE
                if kind == SurveyKind.SATISFACTION:
                    overall = (
                        rng.choice((2, 3))
                        if is_unsatisfied(result.satisfaction)
                        else rng.choice((4, 5, 5))
                    )
                    answers = {
                        code: max(1, min(5, overall + rng.choice((-1, 0, 0, 0, 1))))
                        for code in SATISFACTION_CODES
                    }
                    answers[OVERALL_CODE] = overall
                    result.satisfaction += 1
                else:
                    overall = None
                    answers = {
                        surveys.SITUATION: rng.choices(
                            ("emploi", "formation", surveys.NO), (40, 20, 40)
                        )[0],
                        surveys.DIGITAL_ALONE: rng.choices(
                            (surveys.YES, "parfois", surveys.NO), (65, 25, 10)
                        )[0],
                        surveys.PROCEDURE_ALONE: rng.choices((surveys.YES, surveys.NO), (70, 30))[
                            0
                        ],
                    }
                    result.outcomes += 1
                responses.append(
                    SurveyResponse(
                        kind=kind,
                        site=site,
                        programme=programme,
                        cohort=past.cohort,
                        beneficiary=None if anonymous else enrolment.beneficiary,
                        answered_on=timezone.localdate(used_at),
                        channel=SurveyChannel.TABLET
                        if kind == SurveyKind.SATISFACTION and rng.random() < 0.4
                        else SurveyChannel.PHONE,
                        answers=answers,
                        overall=overall,
                    )
                )
    SurveyInvitation.objects.bulk_create(invitations, batch_size=1000)
    # Written in shuffled order: nothing in the ids ties an answer to its invitation.
    rng.shuffle(responses)
    SurveyResponse.objects.bulk_create(responses, batch_size=1000)


# --- the cohorts a user clicks through -------------------------------------------------------


def _running(
    *, programme, site, team, trainer, people, journey, rng, clock, today, real_now, result
) -> Cohort:
    """A cohort that started some days ago, through the services: enrolled from files, the
    journey's person among them, the roll call of its past sessions."""
    manager = team[0]
    weekdays, start_time, room = SLOTS[0]
    starts_on = today - datetime.timedelta(days=12)
    clock.move_to(timezone.make_aware(datetime.datetime.combine(starts_on, datetime.time(9)))
                  - datetime.timedelta(days=14))  # fmt: skip
    cohort = cohorts.cohort_create(
        actor=manager,
        programme=programme,
        site=site,
        name=_cohort_name(len(result.cohort_names) + 1, starts_on),
        trainer_ids=[trainer.user_id],
        room=room,
        capacity=COHORT_SIZE,
        starts_on=starts_on,
        weekdays=list(weekdays),
        start_time=start_time,
    )
    chosen = ([journey] if journey is not None else []) + [p for p in people if p != journey]
    for person in chosen[:COHORT_SIZE]:
        clock.move_to(clock_now() + datetime.timedelta(hours=3))
        enrolments.enrol_file(actor=manager, cohort=cohort, beneficiary=person)
    sessions = list(cohort.sessions.order_by("starts_at"))
    for session in sessions:
        if session.starts_at > real_now - datetime.timedelta(hours=1):
            break
        called = list(session_enrolments(session))
        marks = {}
        for enrolment in called:
            marks[enrolment.pk] = (
                Mark(AttendanceStatus.PRESENT)
                if journey is not None and enrolment.beneficiary_id == journey.pk
                else _mark(rng)
            )
        clock.move_to(session.starts_at + datetime.timedelta(minutes=25))
        roll_call_record(actor=trainer, session=session, marks=marks)
        result.attendances += len(marks)
        result.activities += 1
    result.cohorts += 1
    result.sessions += len(sessions)
    result.enrolled += min(len(chosen), COHORT_SIZE)
    return cohort


def _upcoming(
    *, programme, site, team, trainer, referrals, people, days, seats_left, rng, clock, today,
    result,
) -> Cohort:  # fmt: skip
    """A cohort starting in ``days`` days: the employment service's accepted referrals
    enrolled first, then files; ``seats_left`` < 0 means that many people wait."""
    manager = team[0]
    weekdays, start_time, room = SLOTS[1 if days < 14 else 2]
    starts_on = today + datetime.timedelta(days=days)
    clock.release()
    cohort = cohorts.cohort_create(
        actor=manager,
        programme=programme,
        site=site,
        name=_cohort_name(len(result.cohort_names) + 1, starts_on),
        trainer_ids=[trainer.user_id],
        room=room,
        capacity=COHORT_SIZE,
        starts_on=starts_on,
        weekdays=list(weekdays),
        start_time=start_time,
    )
    wanted = COHORT_SIZE - seats_left
    count = 0
    while referrals and count < wanted:
        enrolment = enrolments.enrol_from_referral(
            actor=manager, cohort=cohort, referral=referrals.pop(0)
        )
        count += 1
        result.waiting += enrolment.status == EnrolmentStatus.WAITING
        result.enrolled += enrolment.status == EnrolmentStatus.ENROLLED
    while people and count < wanted:
        enrolment = enrolments.enrol_file(actor=manager, cohort=cohort, beneficiary=people.pop(0))
        count += 1
        result.waiting += enrolment.status == EnrolmentStatus.WAITING
        result.enrolled += enrolment.status == EnrolmentStatus.ENROLLED
    result.cohorts += 1
    result.sessions += cohort.sessions.count()
    return cohort


# --- workshops at the other spaces -----------------------------------------------------------


def _workshops(
    *, sites, network_teams, per_site_past, per_site_coming, rng, clock, real_now, result
) -> None:
    """Past workshops with their roll call (the service: one record each) and upcoming
    public ones with online registrations; the first upcoming one is full with a waiting
    list."""
    from tisser.training.roll_call import workshop_roll_call_record

    phone_index = 0

    def registration(workshop, status, at, *, attended=None):
        nonlocal phone_index
        phone_index += 1
        return WorkshopRegistration(
            workshop=workshop,
            first_name=WORKSHOP_NAMES[phone_index % len(WORKSHOP_NAMES)],
            phone=f"+33639980{phone_index % 1000:03d}",
            status=status,
            waiting_since=at if status == RegistrationStatus.WAITING else None,
            cancel_token_hash=_token_hash(),
            attended=attended,
        )

    full_done = False
    for number, site in enumerate(sites):
        team = network_teams.get(site.pk) or []
        if not team:
            continue
        mediator = team[-1]
        for index in range(per_site_past + per_site_coming):
            title, theme, level, description = WORKSHOPS[(number + index) % len(WORKSHOPS)]
            past = index < per_site_past
            days = -(7 + 18 * index + number % 5) if past else 4 + 6 * (index - per_site_past)
            day = timezone.localdate(real_now) + datetime.timedelta(days=days)
            if day.weekday() >= 5:
                day -= datetime.timedelta(days=day.weekday() - 4)
            starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(14)))
            clock.move_to(min(starts_at, real_now) - datetime.timedelta(days=10))
            capacity = 8 if not past and not full_done else 10
            workshop = Workshop.objects.create(
                site=site,
                title=title,
                theme=theme,
                level=level,
                description=description,
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(minutes=90),
                place=f"{site.name}, salle d'atelier",
                capacity=capacity,
                is_public=True,
                mediator=mediator.user,
            )
            result.workshops += 1
            confirmed = capacity if not past and not full_done else rng.randint(3, capacity - 2)
            rows = [
                registration(workshop, RegistrationStatus.CONFIRMED, None) for _ in range(confirmed)
            ]
            if not past and not full_done:
                moment = clock_now() + datetime.timedelta(days=2)
                rows += [
                    registration(workshop, RegistrationStatus.WAITING, moment + datetime.timedelta(hours=h))
                    for h in range(2)
                ]  # fmt: skip
                full_done = True
            WorkshopRegistration.objects.bulk_create(rows)
            result.registrations += len(rows)
            if past:
                clock.move_to(starts_at + datetime.timedelta(minutes=100))
                workshop_roll_call_record(
                    actor=mediator,
                    workshop=workshop,
                    attended={row.pk: rng.random() < 0.8 for row in rows},
                    walk_ins=rng.randint(0, 3),
                )
                result.activities += 1


# --- the builder -----------------------------------------------------------------------------


def seed_demo_training(
    *,
    network: Organisation,
    clock: ManualClock,
    journey_file: str = "",
    past_cohorts: int = 31,
    upcoming_cohorts: int = 2,
    workshops_past: int = 2,
    workshops_coming: int = 2,
) -> DemoTrainingResult:
    """Write the demo's programme, cohorts and workshops (see the module's docstring)."""
    started = time.monotonic()
    result = DemoTrainingResult()
    clock.release()
    real_now = clock_now()
    today = timezone.localdate(real_now)
    rng = random.Random(DEMO_RANDOM_SEED)  # noqa: S311 (demo draws)
    admin = (
        Membership.objects.active()
        .filter(organisation=network, role=Role.NETWORK_ADMIN)
        .select_related("user")
        .order_by("user__email")
        .first()
    )
    sites = list(Site.objects.filter(network=network, is_active=True).order_by("short_code"))
    teams: dict[int, list[Membership]] = {site.pk: _team(site) for site in sites}
    strasbourg = next((s for s in sites if s.name == STRASBOURG_SITE), None)
    others = [s for s in sites if s is not strasbourg]
    _workshops(
        sites=others,
        network_teams=teams,
        per_site_past=workshops_past,
        per_site_coming=workshops_coming,
        rng=rng,
        clock=clock,
        real_now=real_now,
        result=result,
    )
    team = teams.get(strasbourg.pk, []) if strasbourg is not None else []
    if admin is None or strasbourg is None or not team:
        clock.release()
        if result.workshops:
            result.seconds = time.monotonic() - started
        return result

    programme = _programme(network, admin, today=today, clock=clock)
    result.programmes = 1
    plan = list(programme.plan.order_by("position"))
    mediators = [m for m in team if m.role == Role.MEDIATOR] or team
    trainer = mediators[0]

    # Past cohorts: every ~10 days from the programme's start, ending before the running one.
    running_start = today - datetime.timedelta(days=12)
    last_start = running_start - datetime.timedelta(days=40)
    span = max((last_start - programme.starts_on).days, 0)
    starts = [
        programme.starts_on + datetime.timedelta(days=(span * i) // max(past_cohorts - 1, 1))
        for i in range(past_cohorts)
    ]
    built = (
        _past_cohorts(
            programme=programme,
            site=strasbourg,
            team=team,
            plan=plan,
            starts=starts,
            rng=rng,
            clock=clock,
            result=result,
        )
        if starts
        else []
    )
    result.cohort_names = [past.cohort.name for past in built]
    result.progress = _modules(built, programmes.programme_module_keys(programme), rng, clock)
    clock.release()
    # Diagnostics for the most recent closed cohorts only: half the builder's time otherwise
    # (every answer is played and written), and the entry→exit figure needs no more.
    result.diagnostics = _diagnostics(
        built[-DIAGNOSED_COHORTS:], rng, ceiling=real_now - datetime.timedelta(hours=1)
    )
    _surveys(built, programme, strasbourg, rng, today=today, result=result)

    # The files of the space not in a cohort yet: the running and upcoming cohorts' people.
    taken = set(
        Enrolment.objects.filter(cohort__programme=programme).values_list(
            "beneficiary_id", flat=True
        )
    )
    journey = (
        Beneficiary.objects.filter(file_number=journey_file, site=strasbourg).first()
        if journey_file
        else None
    )
    referrals = list(
        Referral.objects.filter(
            site=strasbourg, status=ReferralStatus.ACCEPTED, partner__partner_kind=PartnerKind.FT
        ).order_by("pk")
    )
    referred = {r.beneficiary_id for r in referrals if r.beneficiary_id}
    people = [
        person
        for person in Beneficiary.objects.active()
        .filter(site=strasbourg)
        .exclude(pk__in=taken | referred)
        .order_by("pk")
        if journey is None or person.pk != journey.pk
    ]
    needed = COHORT_SIZE * (1 + upcoming_cohorts) + 3
    if len(people) + len(referrals) < needed:
        extra = needed - len(people) - len(referrals)
        moments = [real_now - datetime.timedelta(days=30 + i) for i in range(extra)]
        clock.move_to(moments[-1])
        added = _new_files(strasbourg, extra, rng, opened=moments)
        people += added
        result.files += extra
        result.new_files += [f.file_number for f in added]
    running = _running(
        programme=programme,
        site=strasbourg,
        team=team,
        trainer=trainer,
        people=people[: COHORT_SIZE - (journey is not None)],
        journey=journey,
        rng=rng,
        clock=clock,
        today=today,
        real_now=real_now,
        result=result,
    )
    result.cohort_names.append(running.name)
    result.journey_cohort = running.name if journey is not None else ""
    people = people[COHORT_SIZE - (journey is not None) :]
    for index in range(upcoming_cohorts):
        cohort = _upcoming(
            programme=programme,
            site=strasbourg,
            team=team,
            trainer=mediators[(index + 1) % len(mediators)],
            referrals=referrals,
            people=people,
            days=7 + 14 * index,
            # The first has seats left; the next ones are full with people waiting.
            seats_left=4 if index == 0 else -3,
            rng=rng,
            clock=clock,
            today=today,
            result=result,
        )
        result.cohort_names.append(cohort.name)
    clock.release()
    result.seconds = time.monotonic() - started
    return result
