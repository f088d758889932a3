"""A national network's records for the impact-figures benchmark (issue 16), set-based.

On an empty, migrated PostgreSQL database (``DATABASE_URL``, dev settings)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tisser_bench_figures \\
        .venv/bin/python benchmarks/generate_figures.py

It installs the demo network (the ``network`` demo profile: the 12 spaces, their staff,
partners and funders, plus one referrer per partner and the demo catalogue of offers),
then writes, each table with a few ``INSERT … SELECT … FROM generate_series`` statements
(no row goes through Python; values drawn from ``hashint8extended`` of the row's number, so
the data is deterministic):

- ``--files`` files over the 12 spaces (about 1 % merged into another file of the space);
- ``--activities`` activity records over ``--days`` days (oldest first, as a table fills
  up), 85 % individual (one identified person) and 15 % workshops (two to six identified
  people plus a few anonymous ones): every record has at least one participant, so
  « personnes accompagnées » counts real files. A person comes back over about four
  months around their file's creation: a year sees about two thirds of the files;
- ``--sales`` paid counter sales (plus one cancelled or expired for every 19 paid), one or
  two lines each: a refurbished device (a ``Device`` row, distributed) or codes and cards
  (a sold ``Reservation`` and its ``Voucher`` rows), one payment each, about 2.5 % of the
  lines returned and refunded; the spaces' receipt counters moved past the numbers used;
- ``--referrals`` referrals (partner or public) with their appointments (the people who
  came have a file), and ``--diagnostics`` finished entry diagnostics (half with an exit
  one later) with a level per domain.

Every NOT NULL column and check constraint of the models is respected (the columns the
services derive are filled as they fill them where an indicator reads them). Each step
writes in chunks of its own transaction and starts from what is already there, so an
interrupted run resumes, and a finished one is skipped (idempotent). ANALYZE at the end.
History rows, journal entries and roll-ups are not written (the benchmark builds the
roll-ups itself). Prints one JSON object: counts, date range and timings.

``--session-for EMAIL`` only prints a signed-in session key of the network admin.
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

RANDOM_SEED = 16
NAME_PAIRS = 20000
ACTIVITY_SHAPES = 400
ACTIVITY_CHUNK = 500_000
SALE_CHUNK = 200_000
# A person's records fall within about a sixth of the history (four months of two years).
PERSON_WINDOW = 6
COLLECTIVE_PERCENT = 15
MERGED_EVERY = 100  # one file in a hundred merged into the next file of its space
CANCELLED_EVERY = 20  # one sale in twenty cancelled or expired, never paid
RETURNED_EVERY = 40  # one line in forty returned and refunded
# What a sale's first line sells (per 100): (family, share); the second line (30 % of the
# sales) is a recharge.
SOLD_FAMILIES = (
    ("RECHARGE", 55),
    ("SIM", 15),
    ("ORDINATEUR_PORTABLE", 12),
    ("SMARTPHONE", 10),
    ("TABLETTE", 5),
    ("ORDINATEUR_FIXE", 3),
)
DEVICE_FAMILIES = ("ORDINATEUR_PORTABLE", "SMARTPHONE", "TABLETTE", "ORDINATEUR_FIXE")


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()


def h(expr: str, salt: int, modulo: int) -> str:
    """SQL: a deterministic draw in [0, modulo) from the integer expression ``expr``."""
    return f"((hashint8extended(({expr})::bigint, {salt}) & 9223372036854775807) %% {modulo})"


# --- the network ---------------------------------------------------------------------


def network_setup() -> dict:
    """The demo network (once), its referrers, its catalogue; the temp tables every step
    reads: the spaces and their staff, the name pairs, the activity shapes."""
    from django.db import connection, transaction

    from tisser.accounts.enums import OrganisationKind, Role
    from tisser.accounts.models import Membership, Organisation, Site

    if not Organisation.objects.filter(kind=OrganisationKind.NETWORK).exists():
        from tisser.demo import seeding
        from tisser.demo.profiles import NETWORK_ONLY

        seeding.seed(NETWORK_ONLY)
    network = Organisation.objects.get(kind=OrganisationKind.NETWORK)
    from tisser.referrals import demo as referrals_demo

    with transaction.atomic():
        cast = referrals_demo.demo_cast(network)
    sites = list(Site.objects.filter(network=network).order_by("short_code"))
    from benchmarks.generate_stock import catalogue

    with transaction.atomic():
        offers = catalogue(network, sites)
    staff = {
        site.pk: list(
            Membership.objects.filter(
                organisation=site, role__in=[Role.MEDIATOR, Role.SITE_MANAGER]
            ).values_list("user_id", flat=True)
        )
        for site in sites
    }
    partners_of: dict[int, list[tuple[int, int]]] = {site.pk: [] for site in sites}
    codes = {site.short_code: site for site in sites}
    strasbourg = next(s for s in sites if s.name == referrals_demo.STRASBOURG_SITE)
    for name, partner in cast.partners.items():
        referrer = cast.referrers.get(name)
        if referrer is None:
            continue
        for code in referrals_demo.PARTNER_SITES.get(name, (strasbourg.short_code,)):
            if code in codes:
                partners_of[codes[code].pk].append((partner.pk, referrer.user_id))
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
        cursor.execute("SET synchronous_commit = off")  # this session only
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        # The rows are valid by construction: the foreign-key triggers are off for this
        # session only (they would check every row twice over).
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS g_site (idx int PRIMARY KEY, site_id bigint, "
            "code text, postal text, city text, place text, staff bigint[], "
            "partners bigint[], referrers bigint[], n_files int DEFAULT 0)"
        )
        cursor.execute("TRUNCATE g_site")
        for index, site in enumerate(sites):
            pairs = partners_of[site.pk]
            cursor.execute(
                "INSERT INTO g_site (idx, site_id, code, postal, city, place, staff, partners, "
                "referrers) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    index, site.pk, site.short_code, site.postal_code, site.city,
                    f"{site.name}, {site.address}, {site.postal_code} {site.city}",
                    staff[site.pk] or [cast.admin.user_id],
                    [p for p, _ in pairs], [r for _, r in pairs],
                ],
            )  # fmt: skip
    _names_table()
    _shapes_table()
    return {
        "network_id": network.pk,
        "sites": len(sites),
        "admin_email": cast.admin.user.email,
        "offers": {family: [o.pk for o in found] for family, found in offers.items()},
    }


def _names_table() -> None:
    """``g_name (i, first, last, key)``: name pairs with their search key as the services
    compute it (tisser.core.names.search_key)."""
    from django.db import connection

    from benchmarks.generate import synthetic_last_names
    from tisser.core.names import search_key
    from tisser.referrals import demo

    rng = random.Random(RANDOM_SEED)
    firsts, lasts = list(demo.FIRST_NAMES), list(demo.LAST_NAMES) + synthetic_last_names()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS g_name (i int PRIMARY KEY, first text, last text, "
            "key text, first_key text)"
        )
        cursor.execute("TRUNCATE g_name")
        with cursor.connection.cursor().copy(
            "COPY g_name (i, first, last, key, first_key) FROM STDIN"
        ) as copy:
            for index in range(NAME_PAIRS):
                first, last = rng.choice(firsts), rng.choice(lasts)
                copy.write_row((index, first, last, search_key(first, last), search_key(first, "")))


def _shapes_table() -> None:
    """``g_shape``: activity contents built as the demo builds them (tisser.activities.demo),
    numbered per kind (``k``); the generator overrides who took part."""
    from django.db import connection

    from tisser.accounts.models import Site
    from tisser.activities import demo

    rng = random.Random(RANDOM_SEED)
    site = Site(name="Espace", postal_code="67000", city="Strasbourg")
    kinds: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS g_shape (kind text, k int, duration int, "
            "place_type text, themes jsonb, procedure_themes jsonb, theme_mask bigint, "
            "procedure_name text, operator text, equipment jsonb, autonomy text, "
            "redirected boolean, redirection_target text, workshop_name text, "
            "workshop_level text, PRIMARY KEY (kind, k))"
        )
        cursor.execute("TRUNCATE g_shape")
        with cursor.connection.cursor().copy(
            "COPY g_shape (kind, k, duration, place_type, themes, procedure_themes, theme_mask,"
            " procedure_name, operator, equipment, autonomy, redirected, redirection_target,"
            " workshop_name, workshop_level) FROM STDIN"
        ) as copy:
            for _ in range(ACTIVITY_SHAPES):
                a, _people = demo._build(site, None, datetime.date(2026, 1, 5), rng, [1, 2, 3])
                k = kinds.get(a.kind, 0)
                kinds[a.kind] = k + 1
                copy.write_row((
                    a.kind, k, a.duration_minutes, a.place_type, json.dumps(a.themes),
                    json.dumps(a.procedure_themes), a.theme_mask, a.procedure_name, a.operator,
                    json.dumps(a.equipment), a.autonomy, a.redirected, a.redirection_target,
                    a.workshop_name, a.workshop_level,
                ))  # fmt: skip
    global SHAPE_COUNTS
    SHAPE_COUNTS = kinds


SHAPE_COUNTS: dict[str, int] = {}


STATEMENT_SECONDS: dict[str, float] = {}


def execute(sql: str, params=None) -> int:
    """Run ``sql`` (always with parameters: a literal % is written %%)."""
    from django.db import connection

    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        count = cursor.rowcount
    what = " ".join(sql.split()[:4])
    STATEMENT_SECONDS[what] = STATEMENT_SECONDS.get(what, 0.0) + time.monotonic() - started
    return count


def scalar(sql: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        return cursor.fetchone()[0]


def progress(message: str) -> None:
    print(f"   {time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


# --- files -------------------------------------------------------------------------------


def files_step(*, files: int, first_day: datetime.date, days: int) -> dict:
    """Files in turn over the spaces: file number ``<code>-<n>`` (n per space), created
    over the history in the order of their number (a person's visits follow it)."""
    from django.db import transaction

    done = scalar("SELECT count(*) FROM beneficiaries_beneficiary")
    sites = scalar("SELECT count(*) FROM g_site")
    wrote = 0
    if done < files:
        with transaction.atomic():
            wrote = execute(
                f"""
                INSERT INTO beneficiaries_beneficiary (created_at, updated_at, file_number,
                    first_name, last_name, birth_year, phone, email, preferred_channel,
                    postal_code, commune, social_status, is_jobseeker, eligibility_criteria,
                    nationality, asylum_request, notice_given_on, notice_version, search_key,
                    last_contact_at, site_id)
                SELECT c.at, c.at, s.code || '-' || lpad(c.n::text, 6, '0'), nm.first, nm.last,
                    1940 + {h("g", 1, 68)}, '+336' || lpad(g::text, 8, '0'), '', 'sms',
                    s.postal, s.city, 'non_communique',
                    CASE WHEN {h("g", 2, 3)} = 0 THEN true ELSE NULL END, '[]'::jsonb, '', NULL,
                    c.at::date, %(notice)s, nm.key, c.at, s.site_id
                FROM generate_series(%(start)s::bigint, %(end)s::bigint) g
                JOIN g_site s ON s.idx = (g - 1) %% {sites}
                JOIN g_name nm ON nm.i = {h("g", 3, NAME_PAIRS)}
                CROSS JOIN LATERAL (SELECT (g - 1) / {sites} + 1 AS n,
                    ((%(first)s::date - 20 + (((g - 1) / {sites})::bigint * %(days)s
                      / %(per_site)s)::int) + time '09:30')
                      AT TIME ZONE 'Europe/Paris' AS at) c
                """,
                {
                    "notice": _notice_version(), "start": done + 1, "end": files,
                    "first": first_day, "days": days, "per_site": -(-files // sites),
                },
            )  # fmt: skip
            execute(
                "INSERT INTO beneficiaries_filenumbersequence (site_id, last_value) "
                "SELECT site_id, count(*) FROM beneficiaries_beneficiary GROUP BY site_id "
                "ON CONFLICT (site_id) DO UPDATE SET last_value = EXCLUDED.last_value"
            )
    _site_files_table()
    merged = scalar(
        "SELECT count(*) FROM beneficiaries_beneficiary WHERE merged_into_id IS NOT NULL"
    )
    if not merged:
        with transaction.atomic():
            merged = execute(
                f"""
                UPDATE beneficiaries_beneficiary b SET merged_into_id = nxt.id
                FROM g_file f JOIN g_file nxt ON nxt.site_id = f.site_id AND nxt.rn = f.rn + 1
                WHERE b.id = f.id AND f.rn %% {MERGED_EVERY} = 7
                """
            )
    return {"written": wrote, "merged": merged}


def _notice_version() -> str:
    from tisser.beneficiaries.enums import CURRENT_NOTICE_VERSION

    return CURRENT_NOTICE_VERSION


def _site_files_table() -> None:
    """``g_file (site_id, rn, id)``: each space's files numbered 0… in creation order."""
    execute("DROP TABLE IF EXISTS g_file")
    execute(
        "CREATE TEMP TABLE g_file AS SELECT site_id, "
        "(row_number() OVER (PARTITION BY site_id ORDER BY id) - 1)::int AS rn, id "
        "FROM beneficiaries_beneficiary"
    )
    execute("ALTER TABLE g_file ADD PRIMARY KEY (site_id, rn)")
    execute("ANALYZE g_file")
    execute(
        "UPDATE g_site s SET n_files = c.n FROM (SELECT site_id, count(*) AS n FROM g_file "
        "GROUP BY site_id) c WHERE c.site_id = s.site_id"
    )


def _person(*, site: str, day_index: str, seed: str, k: str, days: int) -> str:
    """SQL: the ``rn`` of a file of the space (``g_site`` alias ``site``) for the ``k``-th
    person of a record on day ``day_index``: drawn among the files whose creation falls
    within the window of days around that day (distinct for distinct ``k`` < 7)."""
    window = f"greatest({site}.n_files / {PERSON_WINDOW}, 7)"
    centre = f"(({day_index})::bigint * {site}.n_files / {days})"
    offset = f"{h(seed, 11, 1_000_000_007)} %% {window}"
    return (
        f"(({centre} - {window} / 2 + {offset} + ({k}) * ({window} / 7) "
        f"+ {site}.n_files * 4) %% {site}.n_files)::int"
    )


# --- activities ------------------------------------------------------------------------


def activities_sql(*, sites: int, individual: int, collective: int, days: int) -> str:
    """One chunk of records (``%(start)s`` to ``%(end)s`` of ``%(total)s``) and their
    participants, in one statement."""
    return f"""
        WITH src AS (
            SELECT g, (g - 1) %% {sites} AS site_idx,
                ((g - 1)::bigint * %(days)s / %(total)s)::int AS d,
                CASE WHEN {h("g", 21, 100)} < {COLLECTIVE_PERCENT}
                    THEN 'collectif' ELSE 'individuel' END AS kind
            FROM generate_series(%(start)s::bigint, %(end)s::bigint) g
        ), rows AS (
            SELECT src.*, s.site_id, s.postal, s.city,
                s.staff[1 + {h("g", 22, 1000)} %% cardinality(s.staff)] AS mediator,
                CASE WHEN src.kind = 'collectif' THEN 2 + {h("g", 23, 5)} ELSE 1 END
                    AS known,
                CASE WHEN src.kind = 'collectif' THEN {h("g", 24, 4)} ELSE 0 END
                    AS anonymous,
                ((%(first)s::date + src.d) + time '09:00'
                    + make_interval(mins => {h("g", 25, 540)}::int))
                    AT TIME ZONE 'Europe/Paris' AS written
            FROM src JOIN g_site s ON s.idx = src.site_idx
        ), ins AS (
            INSERT INTO activities_activity (created_at, updated_at, kind, date,
                duration_minutes, place_type, place_postal_code, place_commune, themes,
                procedure_themes, theme_mask, procedure_name, operator, equipment,
                autonomy, redirected, redirection_target, workshop_name,
                workshop_level, anonymous_counts, anonymous_count,
                anonymous_seen_before, participant_count, notes, mediator_id, site_id)
            SELECT r.written, r.written, r.kind, %(first)s::date + r.d, sh.duration,
                sh.place_type, r.postal, r.city, sh.themes, sh.procedure_themes,
                sh.theme_mask, sh.procedure_name, sh.operator, sh.equipment,
                sh.autonomy, sh.redirected, sh.redirection_target, sh.workshop_name,
                sh.workshop_level,
                CASE WHEN r.anonymous > 0 THEN jsonb_build_object(
                    'age', jsonb_build_object('non_communique', r.anonymous),
                    'status', jsonb_build_object('non_communique', r.anonymous),
                    'gender', jsonb_build_object('non_communique', r.anonymous))
                ELSE '{{}}'::jsonb END,
                r.anonymous, 0, r.known + r.anonymous, '', r.mediator, r.site_id
            FROM rows r JOIN g_shape sh ON sh.kind = r.kind AND sh.k = CASE
                WHEN r.kind = 'collectif' THEN {h("r.g", 26, collective)}
                ELSE {h("r.g", 26, individual)} END
            ORDER BY r.g
            RETURNING id, site_id, date, participant_count - anonymous_count AS known
        )
        INSERT INTO activities_participation (activity_id, beneficiary_id)
        SELECT ins.id, f.id
        FROM ins JOIN g_site s ON s.site_id = ins.site_id
        CROSS JOIN LATERAL generate_series(0, ins.known - 1) k
        JOIN g_file f ON f.site_id = ins.site_id AND f.rn = {
        _person(site="s", day_index="ins.date - %(first)s::date", seed="ins.id", k="k", days=days)
    }
        """


def activities_step(*, activities: int, first_day: datetime.date, days: int) -> dict:
    """Records and their participants, chunk by chunk (one transaction each)."""
    from django.db import transaction

    sites = scalar("SELECT count(*) FROM g_site")
    individual = SHAPE_COUNTS.get("individuel", 0)
    collective = SHAPE_COUNTS.get("collectif", 0)
    assert individual and collective, SHAPE_COUNTS
    done = scalar("SELECT count(*) FROM activities_activity")
    sql = activities_sql(sites=sites, individual=individual, collective=collective, days=days)
    wrote = people = 0
    while done < activities:
        end = min(done + ACTIVITY_CHUNK, activities)
        with transaction.atomic():
            people += execute(
                sql,
                {"days": days, "total": activities, "start": done + 1, "end": end,
                 "first": first_day},
            )  # fmt: skip
        wrote += end - done
        done = end
        progress(f"activities {done:,} / {activities:,}")
    return {"written": wrote, "participations_written": people}


# --- sales -----------------------------------------------------------------------------


def sales_step(*, sales: int, first_day: datetime.date, days: int, info: dict) -> dict:
    """Paid sales (and the cancelled or expired ones between them), chunk by chunk."""
    from django.db import transaction

    total = sales * CANCELLED_EVERY // (CANCELLED_EVERY - 1)
    sites = scalar("SELECT count(*) FROM g_site")
    offers = _offers_table(info)
    done = scalar("SELECT count(*) FROM sales_sale")
    base = (scalar("SELECT coalesce(max(id), 0) FROM sales_sale") or 0) - done
    wrote = 0
    while done < total:
        end = min(done + SALE_CHUNK, total)
        with transaction.atomic():
            _sales_chunk(start=done + 1, end=end, total=total, base=base, sites=sites,
                         offers=offers, first_day=first_day, days=days,
                         network_id=info["network_id"])  # fmt: skip
        wrote += end - done
        done = end
        progress(f"sales {done:,} / {total:,}")
    execute(
        "INSERT INTO sales_receiptsequence (site_id, year, last_number) "
        "SELECT site_id, receipt_year, max(receipt_sequence) FROM sales_sale "
        "WHERE receipt_sequence IS NOT NULL GROUP BY site_id, receipt_year "
        "ON CONFLICT (site_id, year) DO UPDATE SET last_number = EXCLUDED.last_number"
    )
    for table in ("sales_sale", "sales_saleline", "offers_device", "offers_reservation"):
        execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 1) FROM {table}))"
        )
    return {"written": wrote}


def _offers_table(info: dict) -> int:
    """``g_offer (i, …)``: what a first line sells, by share (``i`` in 0…99)."""
    from tisser.offers.models import Offer

    execute(
        "CREATE TEMP TABLE IF NOT EXISTS g_offer (i int PRIMARY KEY, offer_id bigint, "
        "family text, tracking text, label text, price numeric, market numeric, face numeric, "
        "warranty int)"
    )
    execute("TRUNCATE g_offer")
    index = 0
    for family, share in SOLD_FAMILIES:
        choices = list(Offer.objects.filter(pk__in=info["offers"].get(family, [])).order_by("pk"))
        if not choices:
            raise SystemExit(f"No offer of the family {family} in the network's catalogue.")
        for step in range(share):
            offer = choices[step % len(choices)]
            execute(
                "INSERT INTO g_offer VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [index, offer.pk, offer.family, offer.tracking, offer.name,
                 offer.solidarity_price, offer.market_price, offer.face_value,
                 offer.warranty_months],
            )  # fmt: skip
            index += 1
    return index


def _sales_chunk(*, start, end, total, base, sites, offers, first_day, days, network_id) -> None:
    params = {"start": start, "end": end, "total": total, "base": base, "first": first_day,
              "days": days, "network": network_id,
              "devices_after": scalar("SELECT coalesce(max(id), 0) FROM offers_device"),
              "reservations_after": scalar("SELECT coalesce(max(id), 0) FROM offers_reservation"),
              "lines_after": scalar("SELECT coalesce(max(id), 0) FROM sales_saleline")}  # fmt: skip
    execute("DROP TABLE IF EXISTS g_line")
    # One row per line: the sale's fields repeated (line 1 on every sale, line 2 on 30 %),
    # with the ids its line, its device or its reservation will have (no join back needed).
    execute(
        f"""
        CREATE TEMP TABLE g_line AS
        WITH src AS (
            SELECT g, %(base)s + g AS sale_id, (g - 1) %% {sites} AS site_idx,
                ((g - 1)::bigint * %(days)s / %(total)s)::int AS d,
                CASE WHEN g %% {CANCELLED_EVERY} <> 0 THEN 'paid'
                     WHEN g %% {CANCELLED_EVERY * 2} = 0 THEN 'cancelled'
                     ELSE 'expired' END AS status
            FROM generate_series(%(start)s::bigint, %(end)s::bigint) g
        ), sale AS (
            SELECT src.*, s.site_id, s.code, s.staff[1 + {h("g", 31, 1000)} %% cardinality(s.staff)]
                    AS seller_id,
                f.id AS beneficiary_id,
                ((%(first)s::date + src.d) + time '10:00'
                    + make_interval(mins => {h("g", 32, 480)}::int)) AT TIME ZONE 'Europe/Paris'
                    AS at
            FROM src JOIN g_site s ON s.idx = src.site_idx
            JOIN g_file f ON f.site_id = s.site_id
                AND f.rn = {_person(site="s", day_index="src.d", seed="src.g + 7", k="0",
                                    days=days)}
        )
        , lines AS (
        SELECT sale.*, line.lineno, o.offer_id, o.family, o.tracking, o.label, o.price,
            o.market, o.face, o.warranty,
            CASE WHEN o.tracking = 'voucher' THEN 1 + {h("sale.g * 3 + line.lineno", 33, 3)}
                 ELSE 1 END AS quantity
        FROM sale
        CROSS JOIN LATERAL (SELECT 1 AS lineno UNION ALL
            SELECT 2 WHERE {h("sale.g", 34, 10)} < 3) line
        JOIN g_offer o ON o.i = CASE WHEN line.lineno = 1 THEN {h("sale.g", 35, offers)}
                                     ELSE {h("sale.g", 36, 55)} END
        )
        SELECT lines.*,
            %(lines_after)s + row_number() OVER (ORDER BY sale_id, lineno) AS line_id,
            CASE WHEN tracking = 'device' THEN %(devices_after)s + row_number() OVER (
                PARTITION BY tracking ORDER BY sale_id, lineno) END AS device_id,
            CASE WHEN tracking = 'voucher' THEN %(reservations_after)s + row_number() OVER (
                PARTITION BY tracking ORDER BY sale_id, lineno) END AS reservation_id
        FROM lines
        """,
        params,
    )  # fmt: skip
    execute("ANALYZE g_line")
    execute(
        """
        INSERT INTO sales_sale (id, created_at, updated_at, status, confirmed_at,
            reserved_until, paid_at, ended_at, cancel_reason, total_price, total_market,
            receipt_year, receipt_sequence, receipt_number, vat_mention, note, seller,
            beneficiary_id, network_id, site_id, created_by_id, confirmed_by_id, paid_by_id,
            ended_by_id)
        SELECT sale_id, at - interval '10 minutes', at, status, at - interval '5 minutes',
            CASE WHEN status = 'paid' THEN NULL ELSE at + interval '25 minutes' END,
            CASE WHEN status = 'paid' THEN at END,
            CASE WHEN status = 'paid' THEN NULL ELSE at + interval '30 minutes' END,
            CASE WHEN status = 'cancelled' THEN 'La personne a changé d''avis.' ELSE '' END,
            sum(price * quantity), sum(market * quantity),
            CASE WHEN status = 'paid' THEN extract(year FROM at AT TIME ZONE 'Europe/Paris') END,
            CASE WHEN status = 'paid' THEN g END,
            CASE WHEN status = 'paid' THEN code || '-'
                || extract(year FROM at AT TIME ZONE 'Europe/Paris') || '-' || lpad(g::text, 7, '0')
                ELSE '' END,
            CASE WHEN status = 'paid' THEN 'TVA non applicable, art. 293 B du CGI' ELSE '' END,
            '', CASE WHEN status = 'paid' THEN '{"legal_name": "Réseau"}'::jsonb ELSE '{}' END,
            beneficiary_id, %(network)s, site_id, seller_id, seller_id, CASE WHEN status = 'paid' THEN seller_id END,
            CASE WHEN status = 'cancelled' THEN seller_id END
        FROM g_line
        GROUP BY sale_id, g, at, status, code, beneficiary_id, site_id, seller_id
        """,
        params,
    )
    # A refurbished device per device line (distributed when the sale is paid).
    execute(
        """
        INSERT INTO offers_device (id, created_at, updated_at, inventory_id, device_type, status,
            grade, serial_number, imei, brand, model_name, processor, storage_kind,
            operating_system, os_version, received_on, notes, site_id, offer_id)
        SELECT device_id, at - interval '60 days', at, 'BF-' || sale_id || '-' || lineno, family,
            CASE WHEN status = 'paid' THEN 'DISTRIBUE' ELSE 'PRET_A_DISTRIBUER' END, 'A',
            '', '', 'Lenovo', 'ThinkPad', '', '', '', '', (at - interval '60 days')::date, '',
            site_id, offer_id
        FROM g_line WHERE tracking = 'device'
        """
    )
    # Codes and cards: a sold reservation per line, then its vouchers.
    execute(
        """
        INSERT INTO offers_reservation (id, created_at, updated_at, quantity, status,
            reserved_until, ended_at, note, offer_id, site_id, created_by_id)
        SELECT reservation_id, at - interval '5 minutes', at, quantity,
            CASE WHEN status = 'paid' THEN 'sold' WHEN status = 'cancelled' THEN 'released'
                 ELSE 'expired' END,
            at + interval '25 minutes', at, '', offer_id,
            site_id, seller_id
        FROM g_line WHERE tracking = 'voucher'
        """
    )
    execute(
        """
        INSERT INTO sales_saleline (id, kind, quantity, label, unit_price, unit_market_price,
            unit_face_value, warranty_until, device_id, offer_id, reservation_id, sale_id)
        SELECT l.line_id, 'item', l.quantity, l.label, l.price, l.market, l.face,
            CASE WHEN l.warranty > 0 THEN (l.at + make_interval(months => l.warranty))::date END,
            l.device_id, l.offer_id, l.reservation_id, l.sale_id
        FROM g_line l
        """,
        params,
    )
    execute(
        """
        INSERT INTO offers_voucher (created_at, updated_at, status, code_encrypted,
            code_fingerprint, serial, expires_on, received_on, sold_at, offer_id, site_id,
            reservation_id)
        SELECT l.at - interval '90 days', l.at,
            CASE WHEN l.status = 'paid' THEN 'SOLD' ELSE 'IN_STOCK' END, 'benchmark',
            'bf-' || l.sale_id || '-' || l.lineno || '-' || n, '',
            (l.at + interval '2 years')::date, (l.at - interval '90 days')::date,
            CASE WHEN l.status = 'paid' THEN l.at END, l.offer_id, l.site_id,
            CASE WHEN l.status = 'paid' THEN l.reservation_id END
        FROM g_line l
        CROSS JOIN LATERAL generate_series(1, l.quantity) n
        WHERE l.tracking = 'voucher'
        """,
        params,
    )
    execute(
        f"""
        INSERT INTO sales_payment (method, amount, reference, pass_numbers, at, sale_id)
        SELECT CASE WHEN {h("s.id", 37, 3)} = 0 THEN 'card' ELSE 'cash' END, s.total_price,
            '', '[]'::jsonb, s.paid_at, s.id
        FROM sales_sale s
        WHERE s.id BETWEEN %(base)s + %(start)s AND %(base)s + %(end)s AND s.status = 'paid'
        """,
        params,
    )
    execute(
        f"""
        INSERT INTO sales_salereturn (created_at, updated_at, quantity, outcome, device_fate,
            reason, refund_amount, refund_method, credit_amount, quota_given_back, at, line_id,
            recorded_by_id, site_id)
        SELECT l.at + interval '3 days', l.at + interval '3 days', 1, 'refund',
            CASE WHEN l.device_id IS NOT NULL THEN 'to_process' ELSE '' END,
            'Ne fonctionne pas.', l.price, 'cash', 0, true,
            l.at + interval '3 days', l.line_id, l.seller_id, l.site_id
        FROM g_line l
        WHERE l.status = 'paid' AND {h("l.line_id", 38, RETURNED_EVERY)} = 0
        """,
        params,
    )


# --- referrals, diagnostics -------------------------------------------------------------


def referrals_step(*, referrals: int, first_day: datetime.date, days: int) -> dict:
    """Referrals over the history with their appointments: most came (a file), some were
    refused, expired or cancelled; the last weeks' still open."""
    from django.db import transaction

    done = scalar("SELECT count(*) FROM referrals_referral")
    if done >= referrals:
        return {"written": 0}
    sites = scalar("SELECT count(*) FROM g_site")
    with transaction.atomic():
        execute(
            f"""
            WITH src AS (
                SELECT g, (g - 1) %% {sites} AS site_idx,
                    ((g - 1)::bigint * %(days)s / %(total)s)::int AS d, {h("g", 41, 100)} AS roll
                FROM generate_series(%(start)s::bigint, %(end)s::bigint) g
            ), rows AS (
                SELECT src.*, s.site_id, s.postal, s.city, s.place,
                    s.staff[1 + {h("g", 42, 1000)} %% cardinality(s.staff)] AS mediator,
                    CASE WHEN cardinality(s.partners) > 0 AND {h("g", 43, 100)} >= 15
                         THEN 1 + {h("g", 44, 1000)} %% cardinality(s.partners) END AS p,
                    s.partners, s.referrers,
                    CASE WHEN src.d > %(days)s - 20 THEN
                             CASE WHEN src.roll < 50 THEN 'submitted' ELSE 'accepted' END
                         WHEN src.roll < 55 THEN 'consumed' WHEN src.roll < 70 THEN 'rejected'
                         WHEN src.roll < 88 THEN 'expired' ELSE 'cancelled' END AS status,
                    f.id AS file_id, nm.first, nm.last, nm.key, nm.first_key,
                    ((%(first)s::date + src.d) + time '08:00'
                        + make_interval(mins => {h("g", 45, 600)}::int))
                        AT TIME ZONE 'Europe/Paris' AS at
                FROM src JOIN g_site s ON s.idx = src.site_idx
                JOIN g_name nm ON nm.i = {h("g", 46, NAME_PAIRS)}
                JOIN g_file f ON f.site_id = s.site_id AND f.rn = {
                    _person(site="s", day_index="src.d", seed="src.g + 13", k="0", days=days)}
            ), ins AS (
                INSERT INTO referrals_referral (created_at, updated_at, source, status,
                    status_changed_at, submitted_at, first_name, last_name, birth_year, phone,
                    email, preferred_channel, postal_code, commune, social_status,
                    eligibility_criteria, needs, requested_offers, reason, notice_version,
                    rejection_reasons, rejection_message, import_key, search_key,
                    beneficiary_id, partner_id, referrer_id, site_id, reply_due_on)
                SELECT at, at, CASE WHEN p IS NULL THEN 'public_request' ELSE 'partner' END,
                    status, at + interval '2 days', at, first,
                    CASE WHEN p IS NULL THEN '' ELSE last END,
                    CASE WHEN p IS NULL THEN NULL ELSE 1940 + {h("g", 47, 68)} END,
                    '+337' || lpad(g::text, 8, '0'), '', 'sms', postal, city, 'non_communique',
                    '[]'::jsonb, '["online_procedures"]'::jsonb, '[]'::jsonb, '',
                    %(notice)s, CASE WHEN status = 'rejected' THEN '["session-complète"]'::jsonb
                                     ELSE '[]'::jsonb END,
                    CASE WHEN status = 'rejected' THEN 'Ateliers complets ce mois-ci.' ELSE '' END,
                    '', CASE WHEN p IS NULL THEN first_key ELSE key END,
                    CASE WHEN status = 'consumed' THEN file_id END,
                    partners[p], referrers[p], site_id, (at + interval '30 days')::date
                FROM rows
                RETURNING id, site_id, status, submitted_at, beneficiary_id
            )
            INSERT INTO referrals_appointment (created_at, updated_at, starts_at, ends_at, place,
                status, mediator_id, site_id, referral_id, beneficiary_id, reason, walk_in_name,
                walk_in_phone, kind)
            SELECT ins.submitted_at + interval '1 day', ins.submitted_at + interval '1 day',
                ins.submitted_at + make_interval(days => 2 + {h("ins.id", 48, 10)}::int),
                ins.submitted_at + make_interval(days => 2 + {h("ins.id", 48, 10)}::int)
                    + interval '30 minutes', s.place,
                CASE WHEN ins.status = 'consumed' THEN 'came' ELSE 'planned' END,
                s.staff[1], ins.site_id, ins.id, ins.beneficiary_id, '', '', '', 'individual'
            FROM ins JOIN g_site s ON s.site_id = ins.site_id
            WHERE ins.status IN ('consumed', 'accepted')
            """,
            {"days": days, "total": referrals, "start": done + 1, "end": referrals,
             "first": first_day, "notice": _notice_version()},
        )  # fmt: skip
    return {"written": referrals - done}


def diagnostics_step(*, diagnostics: int, first_day: datetime.date, days: int) -> dict:
    """Finished entry diagnostics (levels drawn 30/30/20/12/8 % as in the simulator) and,
    for half the people, an exit one about two months later with a gain."""
    from django.db import transaction

    from tisser.diagnostics import framework

    done = scalar("SELECT count(*) FROM diagnostics_diagnostic WHERE kind = 'entry'")
    if done >= diagnostics:
        return {"written": 0}
    domains = [d.code for d in framework.domains() if not d.jobseekers_only]
    sites = scalar("SELECT count(*) FROM g_site")
    written = 0
    with transaction.atomic():
        for kind in ("entry", "exit"):
            level = f"(ARRAY[0,0,0,1,1,1,2,2,3,4])[1 + {h('d.beneficiary_id * 17 + i', 51, 10)}]"
            if kind == "exit":
                level = f"least(4, {level} + 1 + {h('d.id * 7 + i', 52, 2)})"
            written += execute(
                f"""
                WITH src AS (
                    SELECT g, (g - 1) %% {sites} AS site_idx,
                        ((g - 1)::bigint * %(span)s / %(total)s)::int
                            + CASE WHEN %(kind)s = 'exit' THEN 60 ELSE 0 END AS d
                    FROM generate_series(%(start)s::bigint, %(end)s::bigint) g
                    WHERE %(kind)s = 'entry' OR g %% 2 = 0
                ), ins AS (
                    INSERT INTO diagnostics_diagnostic (kind, mode, status, domains, context,
                        form_version, started_at, finished_at, item_count, beneficiary_id,
                        site_id, started_by_id)
                    SELECT %(kind)s, 'assisted', 'finished', %(domains)s::jsonb, '{{}}'::jsonb,
                        'benchmark', at, at + interval '25 minutes', 24, f.id, s.site_id,
                        s.staff[1]
                    FROM src JOIN g_site s ON s.idx = src.site_idx
                    JOIN g_file f ON f.site_id = s.site_id AND f.rn = {
                        _person(site="s", day_index="src.d - CASE WHEN %(kind)s = 'exit' "
                                "THEN 60 ELSE 0 END", seed="src.g + 29", k="0", days=days)}
                    CROSS JOIN LATERAL (SELECT ((%(first)s::date + src.d) + time '14:00')
                        AT TIME ZONE 'Europe/Paris' AS at) t
                    RETURNING id, beneficiary_id
                )
                INSERT INTO diagnostics_diagnosticresult (domain, level, diagnostic_id)
                SELECT dom, {level}, d.id
                FROM ins d CROSS JOIN LATERAL unnest(%(codes)s::text[]) WITH ORDINALITY
                    AS x(dom, i)
                """,
                {"span": days - 61, "total": diagnostics, "start": done + 1, "end": diagnostics,
                 "first": first_day, "kind": kind, "domains": json.dumps(domains),
                 "codes": domains},
            )  # fmt: skip
    return {"written": diagnostics - done, "results": written}


# --- secondary indexes during the load --------------------------------------------------

# The big tables' plain indexes (not the primary keys, not the unique ones) are dropped while
# their rows are written and built again after, sorted, in one pass each: several times
# faster than maintaining them row by row. Their definitions are kept in a file first, so
# a run interrupted in between builds them on its next start.
LOAD_TABLES = (
    "beneficiaries_beneficiary", "activities_activity", "activities_participation",
    "sales_sale", "sales_saleline", "sales_payment", "offers_device", "offers_reservation",
    "offers_voucher",
)  # fmt: skip
INDEX_FILE = ROOT / "var" / "generate-figures-indexes.json"


def drop_load_indexes() -> None:
    if not INDEX_FILE.exists():
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
                "FROM pg_index i WHERE i.indrelid::regclass::text = ANY(%s) "
                "AND NOT i.indisunique AND NOT i.indisprimary",
                [list(LOAD_TABLES)],
            )
            found = dict(cursor.fetchall())
        INDEX_FILE.parent.mkdir(parents=True, exist_ok=True)
        INDEX_FILE.write_text(json.dumps(found, indent=1), encoding="utf-8")
    for name in json.loads(INDEX_FILE.read_text(encoding="utf-8")):
        execute(f'DROP INDEX IF EXISTS "{name}"')


def restore_load_indexes() -> int:
    """Build every index the file lists that is missing; then forget the file."""
    if not INDEX_FILE.exists():
        return 0
    built = 0
    for name, definition in json.loads(INDEX_FILE.read_text(encoding="utf-8")).items():
        if scalar("SELECT to_regclass(%(name)s) IS NULL", {"name": name}):
            progress(f"index {name}")
            execute(definition.replace("%", "%%"))
            built += 1
    INDEX_FILE.unlink()
    return built


# --- the whole run ----------------------------------------------------------------------


def _wrote(results: dict) -> bool:
    """Whether any step wrote rows (else the statistics are already those of the data)."""
    return any(
        value for found in results.values() for key, value in found.items() if key != "merged"
    )


TABLES = (
    "beneficiaries_beneficiary", "activities_activity", "activities_participation",
    "sales_sale", "sales_saleline", "sales_salereturn", "sales_payment", "offers_device",
    "offers_reservation", "offers_voucher", "referrals_referral", "referrals_appointment",
    "diagnostics_diagnostic", "diagnostics_diagnosticresult",
)  # fmt: skip


def generate(*, files, activities, sales, referrals, diagnostics, days) -> dict:
    from django.db import connection

    from tisser.core import clock

    started = time.monotonic()
    timings: dict[str, float] = {}
    step = time.monotonic()
    info = network_setup()
    timings["network"] = time.monotonic() - step
    # The history ends yesterday; a rerun on a later day keeps the dates of the first run.
    first_day = scalar("SELECT min(date) FROM activities_activity")
    if first_day is None:
        first_day = clock.localdate() - datetime.timedelta(days=days)
    last_day = first_day + datetime.timedelta(days=days - 1)
    results = {}
    restore_load_indexes()  # an interrupted run's
    if (
        scalar("SELECT count(*) FROM beneficiaries_beneficiary") < files
        or scalar("SELECT count(*) FROM activities_activity") < activities
        or scalar("SELECT count(*) FROM sales_sale WHERE status = 'paid'") < sales
    ):
        drop_load_indexes()
    for name, call in (
        ("files", lambda: files_step(files=files, first_day=first_day, days=days)),
        ("activities", lambda: activities_step(activities=activities, first_day=first_day,
                                               days=days)),
        ("sales", lambda: sales_step(sales=sales, first_day=first_day, days=days, info=info)),
        ("referrals", lambda: referrals_step(referrals=referrals, first_day=first_day,
                                             days=days)),
        ("diagnostics", lambda: diagnostics_step(diagnostics=diagnostics, first_day=first_day,
                                                 days=days)),
    ):  # fmt: skip
        step = time.monotonic()
        progress(f"{name}…")
        results[name] = call()
        timings[name] = time.monotonic() - step
        progress(f"{name}: {results[name]} in {timings[name]:.0f} s")
    step = time.monotonic()
    restore_load_indexes()
    timings["indexes"] = time.monotonic() - step
    step = time.monotonic()
    if _wrote(results):
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"VACUUM ANALYZE {table}")
    timings["analyze"] = time.monotonic() - step
    counts = {table: scalar(f"SELECT count(*) FROM {table}") for table in TABLES}
    return {
        "network_id": info["network_id"],
        "sites": info["sites"],
        "admin_email": info["admin_email"],
        "first_day": first_day.isoformat(),
        "last_day": last_day.isoformat(),
        "files": counts["beneficiaries_beneficiary"],
        "activities": counts["activities_activity"],
        "participations": counts["activities_participation"],
        "paid_sales": scalar("SELECT count(*) FROM sales_sale WHERE status = 'paid'"),
        "counts": counts,
        "written": results,
        "seconds": round(time.monotonic() - started, 1),
        "timings": {key: round(value, 1) for key, value in timings.items()},
        "statements": {key: round(value, 1) for key, value in STATEMENT_SECONDS.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1_000_000)
    parser.add_argument("--activities", type=int, default=10_000_000)
    parser.add_argument("--sales", type=int, default=1_000_000, help="paid sales")
    parser.add_argument("--referrals", type=int, default=200_000)
    parser.add_argument("--diagnostics", type=int, default=100_000, help="entry diagnostics")
    parser.add_argument("--days", type=int, default=730, help="days of history")
    parser.add_argument("--session-for", metavar="EMAIL",
                        help="Only create a signed-in session (network admin) and print its key.")  # fmt: skip
    args = parser.parse_args(argv)
    setup_django()
    if args.session_for:
        from benchmarks.generate import create_session

        print(create_session(email=args.session_for, role="network_admin"))
        return 0
    result = generate(
        files=args.files, activities=args.activities, sales=args.sales,
        referrals=args.referrals, diagnostics=args.diagnostics, days=args.days,
    )  # fmt: skip
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
