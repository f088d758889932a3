"""Add activity records to a benchmark database until it holds ``--activities`` of them.

Run on a database prepared by benchmarks/generate.py (the demo network, files, referrals),
with the dev settings::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/activities_bench \\
        .venv/bin/python benchmarks/generate_activities.py --activities 1000000

Rows are written with PostgreSQL's COPY (ids given, the sequence moved on after), spread
evenly over the 12 spaces and their mediators and over three years, with every derived
column filled the way ``activities.services`` fills it (theme mask, participant counts,
counts per value). A share of the individual records names a file of the space
(``Participation``). Journal entries are not generated: the pages measured do not read them.
Deterministic (fixed seed). Prints one JSON object: counts and timings.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RANDOM_SEED = 8
YEARS_OF_HISTORY = 3
# Distinct record shapes drawn once, then combined with a site, a mediator and a date.
SHAPES = 5000
IDENTIFIED_SHARE = 0.2
UNKNOWN_PERSON = json.dumps(
    {"age": {"non_communique": 1}, "status": {"non_communique": 1}, "gender": {"non_communique": 1}}
)
COLUMNS = (
    "id", "created_at", "updated_at", "site_id", "mediator_id", "kind", "date",
    "duration_minutes", "place_type", "place_postal_code", "place_commune", "themes",
    "procedure_themes", "theme_mask", "procedure_name", "operator", "equipment", "autonomy",
    "redirected", "redirection_target", "workshop_name", "workshop_level", "anonymous_counts",
    "anonymous_count", "anonymous_seen_before", "participant_count", "notes",
)  # fmt: skip


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()


def _shapes(rng: random.Random) -> list[dict]:
    """Record contents built the way the demo builder builds them (tisser.activities.demo)."""
    from tisser.accounts.models import Site
    from tisser.activities import demo

    site = Site(name="Espace", postal_code="67000", city="Strasbourg")
    shapes = []
    for _ in range(SHAPES):
        activity, people = demo._build(site, None, datetime.date(2026, 1, 5), rng, [1, 2, 3])
        shapes.append(
            {
                "kind": activity.kind,
                "duration_minutes": activity.duration_minutes,
                "place_type": activity.place_type,
                "place_postal_code": activity.place_postal_code,
                "place_commune": activity.place_commune,
                "themes": json.dumps(activity.themes),
                "procedure_themes": json.dumps(activity.procedure_themes),
                "theme_mask": activity.theme_mask,
                "procedure_name": activity.procedure_name,
                "operator": activity.operator,
                "equipment": json.dumps(activity.equipment),
                "autonomy": activity.autonomy,
                "redirected": activity.redirected,
                "redirection_target": activity.redirection_target,
                "workshop_name": activity.workshop_name,
                "workshop_level": activity.workshop_level,
                "anonymous_counts": json.dumps(activity.anonymous_counts),
                "anonymous_count": activity.anonymous_count,
                "anonymous_seen_before": activity.anonymous_seen_before,
                "participant_count": activity.participant_count,
                "people": len(people),
            }
        )
    return shapes


def generate(*, activities: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from tisser.accounts.enums import Role
    from tisser.accounts.models import Membership, Site
    from tisser.activities.enums import ActivityKind
    from tisser.activities.models import Activity, Participation
    from tisser.beneficiaries.models import Beneficiary

    started = time.monotonic()
    rng = random.Random(RANDOM_SEED)
    existing = Activity.objects.count()
    to_write = max(activities - existing, 0)
    sites = list(Site.objects.order_by("short_code"))
    staff = {
        site.pk: list(
            Membership.objects.filter(
                organisation=site, role__in=[Role.MEDIATOR, Role.SITE_MANAGER]
            ).values_list("user_id", flat=True)
        )
        for site in sites
    }
    files = {
        site.pk: list(Beneficiary.objects.filter(site=site).values_list("pk", flat=True)[:20000])
        for site in sites
    }
    shapes = _shapes(rng)
    today = timezone.localdate()
    days = 365 * YEARS_OF_HISTORY
    now = timezone.now().replace(microsecond=0)
    first_id = (Activity.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    participations: list[tuple[int, int]] = []
    table = Activity._meta.db_table
    with connection.cursor() as cursor:
        raw = cursor.connection.cursor()
        with raw.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for offset in range(to_write):
                pk = first_id + offset
                site = sites[offset % len(sites)]
                shape = shapes[rng.randrange(SHAPES)]
                day = today - datetime.timedelta(days=rng.randrange(days))
                written = now - datetime.timedelta(days=(today - day).days, hours=rng.randint(0, 8))
                people = 0
                if files[site.pk] and (
                    shape["kind"] == ActivityKind.COLLECTIF or rng.random() < IDENTIFIED_SHARE
                ):
                    people = 1 if shape["kind"] == ActivityKind.INDIVIDUEL else shape["people"]
                    for file_id in rng.sample(files[site.pk], k=people):
                        participations.append((pk, file_id))
                anonymous = shape["anonymous_count"]
                counts = shape["anonymous_counts"]
                if shape["kind"] == ActivityKind.INDIVIDUEL:
                    # One person: their file, or an anonymous visitor.
                    if people:
                        anonymous, counts = 0, "{}"
                    elif not anonymous:
                        anonymous, counts = 1, UNKNOWN_PERSON
                copy.write_row(
                    (
                        pk, written, written, site.pk, rng.choice(staff[site.pk]), shape["kind"],
                        day, shape["duration_minutes"], shape["place_type"],
                        shape["place_postal_code"], shape["place_commune"], shape["themes"],
                        shape["procedure_themes"], shape["theme_mask"], shape["procedure_name"],
                        shape["operator"], shape["equipment"], shape["autonomy"],
                        shape["redirected"], shape["redirection_target"], shape["workshop_name"],
                        shape["workshop_level"], counts, anonymous,
                        min(shape["anonymous_seen_before"], anonymous), anonymous + people, "",
                    )
                )  # fmt: skip
        step = time.monotonic()
        with raw.copy(
            f"COPY {Participation._meta.db_table} (activity_id, beneficiary_id) FROM STDIN"
        ) as copy:
            for row in participations:
                copy.write_row(row)
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
        )
    copied = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute(f"VACUUM ANALYZE {Participation._meta.db_table}")
    return {
        "activities": Activity.objects.count(),
        "participations": Participation.objects.count(),
        "sites": len(sites),
        "seconds_copy": round(copied, 1),
        "seconds_participations": round(time.monotonic() - step, 1),
        "seconds": round(time.monotonic() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    setup_django()
    print(json.dumps(generate(activities=args.activities)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
