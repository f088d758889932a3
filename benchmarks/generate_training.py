"""A training programme at scale, for the dashboard benchmark (issue 15).

On a database that holds the demo network and files (benchmarks/generate.py) and the
activity records (benchmarks/generate_activities.py), this adds the 32-hour programme
(eight sessions of four hours) funded by a convention of the demo's first funder, and
cohorts of ``--capacity`` people over the spaces and three years until ``--enrolments``
enrolments are written, with every session of every cohort and, for the sessions already
past, the roll call taken and one attendance row per enrolled person (present, late with
minutes missed, excused, absent, drawn with fixed weights); the cohorts whose last session
is past are closed, their people answer the satisfaction survey (most of them) and the
outcome questions (fewer). Some enrolments are dropped (a reason, the date), some wait.
Written with PostgreSQL COPY (ids given, sequences moved on after); deterministic (fixed
seed). Diagnostics and the sessions' activity records are not linked (the dashboard reads
the first through one grouped query whatever they hold, and never the second).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tisser_bench_training \\
        .venv/bin/python benchmarks/generate_training.py --enrolments 50000

``--session-for EMAIL --role ROLE`` only prints a signed-in session key (the benchmark's
network admin). Prints one JSON object: counts and timings.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RANDOM_SEED = 15
YEARS_OF_HISTORY = 3
SESSIONS = 8
SESSION_MINUTES = 240
# Attendance of one person at one session taken: (status, weight).
ATTENDANCE_WEIGHTS = (("present", 80), ("late", 8), ("excused", 6), ("absent", 6))
# An enrolment's fate: (status, weight); "dropped" ones were enrolled first.
ENROLMENT_WEIGHTS = (("enrolled", 85), ("dropped", 10), ("waiting", 5))
DROP_REASONS = ("job", "training", "health", "family", "moved", "no_show", "not_suited", "other")
SATISFACTION_SHARE = 0.7
# The benchmark takes the roll call again of the latest sessions taken of the first programme.
ROLL_CALLS = 400
RECENT_DAYS = 300
OUTCOME_SHARE = 0.4


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()


@dataclass(frozen=True)
class CohortShape:
    """Where and when one generated cohort runs, and how many people it holds."""

    index: int
    site_index: int
    starts_on: datetime.date
    size: int

    def session_days(self) -> list[datetime.date]:
        """Two sessions a week (Monday and Thursday) from the first day."""
        days = []
        day = self.starts_on
        while len(days) < SESSIONS:
            if day.weekday() in (0, 3):
                days.append(day)
            day += datetime.timedelta(days=1)
        return days


def cohort_shapes(
    *, enrolments: int, capacity: int, sites: int, today: datetime.date
) -> list[CohortShape]:
    """Cohorts of ``capacity`` people (the last one smaller) until ``enrolments`` people,
    over the sites in turn and spread evenly on three years up to ``today`` (a Monday
    each)."""
    count = -(-enrolments // capacity)
    span = 365 * YEARS_OF_HISTORY
    shapes = []
    for index in range(count):
        day = today - datetime.timedelta(days=span - (span * index) // max(count, 1))
        day -= datetime.timedelta(days=day.weekday())
        size = min(capacity, enrolments - index * capacity)
        shapes.append(CohortShape(index, index % sites, day, size))
    return shapes


def draw(rng: random.Random, weights) -> str:
    values, shares = zip(*weights, strict=True)
    return rng.choices(values, weights=shares)[0]


def attendance_row(rng: random.Random) -> tuple[str, int]:
    """A status and the minutes missed (only when late)."""
    status = draw(rng, ATTENDANCE_WEIGHTS)
    return status, (rng.randint(1, 6) * 10 if status == "late" else 0)


def _diagnostic(position: int) -> str:
    """The entry diagnostic at the first session, the exit one at the last."""
    if position == 1:
        return "entry"
    return "exit" if position == SESSIONS else ""


def generate(*, enrolments: int, capacity: int, programmes_count: int) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from tisser.accounts.enums import OrganisationKind, Role
    from tisser.accounts.models import Funder, Membership, Organisation, Site
    from tisser.beneficiaries.models import Beneficiary
    from tisser.funding.models import Convention
    from tisser.training.models import (
        Attendance,
        Cohort,
        CohortSession,
        Enrolment,
        Programme,
        ProgrammeSession,
        SurveyResponse,
    )

    started = time.monotonic()
    rng = random.Random(RANDOM_SEED)
    today = timezone.localdate()
    now = timezone.now().replace(microsecond=0)
    network = Organisation.objects.filter(kind=OrganisationKind.NETWORK).order_by("pk").first()
    sites = list(Site.objects.filter(network=network).order_by("short_code"))
    funder = Funder.objects.filter(network=network).order_by("pk").first()
    recorder = (
        Membership.objects.filter(organisation__in=sites, role=Role.SITE_MANAGER)
        .values_list("user_id", flat=True)
        .first()
    )
    files = {
        site.pk: list(Beneficiary.objects.filter(site=site).values_list("pk", flat=True)[:20000])
        for site in sites
    }
    with transaction.atomic():
        convention = Convention.objects.create(
            funder=funder, reference=f"BENCH-FORMATION-{Programme.objects.count() + 1}", title="Parcours numérique vers l'emploi",
            starts_on=today - datetime.timedelta(days=365 * YEARS_OF_HISTORY + 30),
            ends_on=today + datetime.timedelta(days=365),
        )  # fmt: skip
        convention.sites.set(sites)
        programmes = []
        for number in range(1, programmes_count + 1):
            programme = Programme.objects.create(
                network=network, name=f"Parcours numérique vers l'emploi (32 h) n° {number}",
                objective="Faire seul ses démarches de recherche d'emploi en ligne.",
                total_minutes=SESSIONS * SESSION_MINUTES,
                target_participants=-(-enrolments // programmes_count),
                starts_on=convention.starts_on, ends_on=convention.ends_on,
                eligible_public="Demandeurs d'emploi", convention=convention,
            )  # fmt: skip
            plan = [
                ProgrammeSession.objects.create(
                    programme=programme,
                    position=position,
                    title=f"Séance {position}",
                    duration_minutes=SESSION_MINUTES,
                    diagnostic=_diagnostic(position),
                )
                for position in range(1, SESSIONS + 1)
            ]
            programmes.append((programme, plan))
    shapes = cohort_shapes(enrolments=enrolments, capacity=capacity, sites=len(sites), today=today)
    ids = {
        model: (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        for model in (Cohort, CohortSession, Enrolment, Attendance, SurveyResponse)
    }
    rows: dict = {model: [] for model in ids}
    roll_calls: list[int] = []  # the first programme's sessions taken, to take again
    nine = datetime.time(9, 0)
    for shape in shapes:
        programme, plan = programmes[shape.index % programmes_count]
        site = sites[shape.site_index]
        cohort_id = ids[Cohort] + shape.index
        days = shape.session_days()
        closed_on = days[-1] if days[-1] < today else None
        rows[Cohort].append((
            cohort_id, now, now, programme.pk, site.pk, f"Groupe {shape.index + 1}", "Salle 1",
            capacity, shape.starts_on, "[0, 3]", nine, closed_on, None,
        ))  # fmt: skip
        sessions = []
        for plan_session, day in zip(plan, days, strict=True):
            begins = timezone.make_aware(datetime.datetime.combine(day, nine))
            session_id = ids[CohortSession] + len(rows[CohortSession])
            taken = begins if day < today else None
            rows[CohortSession].append((
                session_id, now, now, cohort_id, plan_session.pk, begins,
                begins + datetime.timedelta(minutes=SESSION_MINUTES), "Salle 1", None, taken,
                None,
            ))  # fmt: skip
            sessions.append((session_id, taken))
            # An activity record may not go back more than a year: recent sessions only.
            recent = day >= today - datetime.timedelta(days=RECENT_DAYS)
            if taken is not None and recent and programme is programmes[0][0]:
                roll_calls.append(session_id)
        people = rng.sample(files[site.pk], k=min(shape.size, len(files[site.pk])))
        for beneficiary_id in people:
            enrolment_id = ids[Enrolment] + len(rows[Enrolment])
            status = draw(rng, ENROLMENT_WEIGHTS)
            joined = timezone.make_aware(
                datetime.datetime.combine(shape.starts_on - datetime.timedelta(days=7), nine)
            )
            dropped_at = rng.randint(1, SESSIONS - 1) if status == "dropped" else SESSIONS
            dropped_on = days[dropped_at] if status == "dropped" else None
            rows[Enrolment].append((
                enrolment_id, now, now, cohort_id, beneficiary_id, None, status,
                joined if status == "waiting" else None,
                None if status == "waiting" else joined,
                dropped_on, rng.choice(DROP_REASONS) if status == "dropped" else "", "", "", None,
            ))  # fmt: skip
            if status == "waiting":
                continue
            for position, (session_id, taken) in enumerate(sessions):
                if taken is None or position >= dropped_at:
                    break
                attendance, missed = attendance_row(rng)
                rows[Attendance].append((
                    ids[Attendance] + len(rows[Attendance]), session_id, enrolment_id,
                    attendance, missed, recorder, taken,
                ))  # fmt: skip
            if closed_on is not None and status == "enrolled":
                if rng.random() < SATISFACTION_SHARE:
                    overall = rng.choices((5, 4, 3, 2, 1), weights=(60, 33, 4, 2, 1))[0]
                    rows[SurveyResponse].append((
                        ids[SurveyResponse] + len(rows[SurveyResponse]), "satisfaction", site.pk,
                        programme.pk, cohort_id, None, closed_on, "phone",
                        json.dumps({"ensemble": overall}), overall,
                    ))  # fmt: skip
                if rng.random() < OUTCOME_SHARE:
                    answers = {
                        "situation": rng.choice(("emploi", "formation", "non")),
                        "numerique_seul": rng.choice(("oui", "oui", "non")),
                        "demarche_seul": rng.choice(("oui", "non")),
                    }
                    rows[SurveyResponse].append((
                        ids[SurveyResponse] + len(rows[SurveyResponse]), "outcome", site.pk,
                        programme.pk, cohort_id, None,
                        closed_on + datetime.timedelta(days=182), "phone", json.dumps(answers),
                        None,
                    ))  # fmt: skip
    columns = {
        Cohort: ("id", "created_at", "updated_at", "programme_id", "site_id", "name", "room",
                 "capacity", "starts_on", "weekdays", "start_time", "closed_on", "cancelled_at"),
        CohortSession: ("id", "created_at", "updated_at", "cohort_id", "plan_id", "starts_at",
                        "ends_at", "room", "moved_from", "roll_call_at", "activity_id"),
        Enrolment: ("id", "created_at", "updated_at", "cohort_id", "beneficiary_id",
                    "referral_id", "status", "waiting_since", "enrolled_at", "dropped_on",
                    "drop_reason", "drop_note", "certificate_number", "certificate_issued_at"),
        Attendance: ("id", "session_id", "enrolment_id", "status", "minutes_missed",
                     "recorded_by_id", "recorded_at"),
        SurveyResponse: ("id", "kind", "site_id", "programme_id", "cohort_id", "beneficiary_id",
                         "answered_on", "channel", "answers", "overall"),
    }  # fmt: skip
    built = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.connection.cursor()
        for model, names in columns.items():
            table = model._meta.db_table
            with raw.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
                for row in rows[model]:
                    copy.write_row(row)
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
    copied = time.monotonic()
    with connection.cursor() as cursor:
        for model in columns:
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    return {
        "programme": programmes[0][0].pk,
        "programmes": programmes_count,
        "first_programme_enrolments": Enrolment.objects.filter(
            cohort__programme=programmes[0][0]
        ).count(),
        "cohorts": len(rows[Cohort]),
        "sessions": len(rows[CohortSession]),
        "enrolments": len(rows[Enrolment]),
        "attendances": len(rows[Attendance]),
        "survey_responses": len(rows[SurveyResponse]),
        "sites": len(sites),
        "first_site": sites[0].pk,
        "roll_call_sessions": roll_calls[-ROLL_CALLS:],
        "seconds_build": round(built - started, 1),
        "seconds_copy": round(copied - built, 1),
        "seconds": round(time.monotonic() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enrolments", type=int, default=50_000)
    parser.add_argument("--capacity", type=int, default=12)
    parser.add_argument("--programmes", type=int, default=25)
    parser.add_argument("--session-for", metavar="EMAIL")
    parser.add_argument("--role", default="network_admin")
    args = parser.parse_args(argv)
    setup_django()
    if args.session_for:
        from benchmarks.generate import create_session

        print(create_session(email=args.session_for, role=args.role))
        return 0
    print(
        json.dumps(
            generate(
                enrolments=args.enrolments, capacity=args.capacity, programmes_count=args.programmes
            )
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
