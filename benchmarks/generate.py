"""Generate a large dataset for the referral benchmark: files and referrals over 12 spaces.

Run on an empty, migrated database (``DATABASE_URL``) with the dev settings::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tisser_bench \\
        .venv/bin/python benchmarks/generate.py --files 100000 --referrals 200000

It installs the demo network (the ``network`` demo profile: the spaces, partners, funders
and staff, without the demo's history; plus one referrer per partner),
then writes the rows in bulk (``bulk_create`` in chunks) with every derived column filled
the way the services fill it: ``search_key`` from tisser.core.names, E.164 phones, file
numbers ``<SITE>-<6 digits>`` with the sites' counters moved on, submitted and status dates.
The referrals follow a steady state over three years: the last 30 days hold the open ones
(sent, accepted with a planned appointment, in moderation), older ones are closed (came,
refused, expired, cancelled). History rows, journal entries and message records are not
generated: the pages measured do not read them.

Deterministic (fixed seed). Prints one JSON object: counts, timings and sample queries.
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

RANDOM_SEED = 42
CHUNK = 5000
YEARS_OF_HISTORY = 3
OPEN_WINDOW_DAYS = 30
APPOINTMENT_LENGTH = datetime.timedelta(minutes=30)  # the sites' default duration

# Synthetic last names: enough distinct names that a full name finds a handful of files.
PREFIXES = (
    "Ber", "Char", "Dou", "Gar", "Kel", "Lam", "Mor", "Pel", "Rou", "Sau", "Tes", "Val",
    "Bou", "Cha", "Fau", "Gui", "Hen", "Jou", "Lec", "Mal", "Ney", "Pou", "Rig", "Sal",
    "Thi", "Ver", "Bré", "Dé", "Gé", "Lé", "Mé", "Ré",
)  # fmt: skip
MIDDLES = ("a", "e", "i", "o", "ou", "an", "in", "")
ENDINGS = (
    "rd", "lle", "t", "ssier", "mont", "ville", "det", "zel", "rand", "chet", "lin", "ger",
    "nier", "ry", "tte", "bault", "ché", "lière", "mann", "ret",
)  # fmt: skip

# Where the referrals of each partner go (the Strasbourg partners: the Strasbourg space).
STATUS_OPEN_WEIGHTS = {
    "submitted": 40,
    "accepted": 30,
    "consumed": 14,
    "rejected": 8,
    "cancelled": 4,
    "moderation_pending": 4,
}
STATUS_CLOSED_WEIGHTS = {
    "consumed": 50,
    "rejected": 15,
    "expired": 20,
    "cancelled": 10,
    "moderation_rejected": 3,
    "draft": 2,
}


@dataclass
class Samples:
    """Queries that find something in the generated data (for the measured searches)."""

    accented_name: str
    typo_name: str
    typo_finds: str  # the name the typo search must find
    phone: str
    file_number: str
    partner_id: int


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()


def synthetic_last_names() -> list[str]:
    return [f"{p}{m}{e}" for p in PREFIXES for m in MIDDLES for e in ENDINGS]


def with_typo(word: str) -> str:
    """One typo in the middle of ``word``: two letters swapped."""
    i = max(1, len(word) // 2 - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def generate(*, files: int, referrals: int) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from tisser.accounts.enums import OrganisationKind
    from tisser.accounts.models import Organisation
    from tisser.beneficiaries.enums import CURRENT_NOTICE_VERSION, ContactChannel
    from tisser.beneficiaries.models import Beneficiary, FileNumberSequence
    from tisser.core.names import search_key
    from tisser.referrals import demo
    from tisser.referrals.enums import AppointmentStatus, ReferralSource
    from tisser.referrals.models import Appointment, Referral

    started = time.monotonic()
    timings: dict[str, float] = {}
    rng = random.Random(RANDOM_SEED)  # reproducible data, not secrets
    now = timezone.now().replace(microsecond=0)

    from tisser.demo import seeding
    from tisser.demo.profiles import NETWORK_ONLY

    seeding.seed(NETWORK_ONLY)
    network = Organisation.objects.get(kind=OrganisationKind.NETWORK)
    with transaction.atomic():
        cast = demo.demo_cast(network)
    sites = sorted(cast.sites.values(), key=lambda site: site.short_code)
    strasbourg_code = next(s.short_code for s in sites if s.name == demo.STRASBOURG_SITE)
    partners_of: dict[str, list] = {site.short_code: [] for site in sites}
    for name, partner in cast.partners.items():
        for code in demo.PARTNER_SITES.get(name, (strasbourg_code,)):
            partners_of[code].append(partner)
    first_names = list(demo.FIRST_NAMES)
    last_names = list(demo.LAST_NAMES) + synthetic_last_names()
    timings["network"] = time.monotonic() - started

    # --- files ---------------------------------------------------------------------------
    step = time.monotonic()
    counters = {site.short_code: 0 for site in sites}
    file_sites: list[int] = []
    file_people: list[tuple[str, str, int, str]] = []
    batch: list[Beneficiary] = []
    for index in range(files):
        site = sites[index % len(sites)]
        counters[site.short_code] += 1
        first, last = rng.choice(first_names), rng.choice(last_names)
        birth_year = rng.randint(1940, 2007)
        phone = f"+3361{index:07d}"
        batch.append(
            Beneficiary(
                site_id=site.pk,
                file_number=f"{site.short_code}-{counters[site.short_code]:06d}",
                first_name=first,
                last_name=last,
                birth_year=birth_year,
                phone=phone,
                preferred_channel=ContactChannel.SMS,
                postal_code=site.postal_code,
                commune=site.city,
                notice_given_on=(now - datetime.timedelta(days=rng.randint(0, 1095))).date(),
                notice_version=CURRENT_NOTICE_VERSION,
                search_key=search_key(first, last),
                last_contact_at=now - datetime.timedelta(days=rng.randint(0, 1095)),
            )
        )
        file_sites.append(site.pk)
        file_people.append((first, last, birth_year, phone))
        if len(batch) == CHUNK:
            Beneficiary.objects.bulk_create(batch)
            batch = []
    if batch:
        Beneficiary.objects.bulk_create(batch)
    FileNumberSequence.objects.bulk_create(
        [FileNumberSequence(site=site, last_value=counters[site.short_code]) for site in sites]
    )
    file_ids = list(Beneficiary.objects.order_by("pk").values_list("pk", flat=True))
    files_by_site: dict[int, list[int]] = {}
    for pk, site_id in zip(file_ids, file_sites, strict=True):
        files_by_site.setdefault(site_id, []).append(pk)
    person_of_file = dict(zip(file_ids, file_people, strict=True))
    timings["files"] = time.monotonic() - step

    # --- referrals and their appointments (30 minutes long, the sites' default) --------------
    step = time.monotonic()
    history = datetime.timedelta(days=365 * YEARS_OF_HISTORY)
    batch_referrals: list[Referral] = []
    pending_appointments: list[tuple[int, str, datetime.datetime, int | None]] = []
    place_of = {
        site.pk: f"{site.name}, {site.address}, {site.postal_code} {site.city}" for site in sites
    }
    mediators = {site.pk: [m.user_id for m in cast.site_staff[site.short_code]] for site in sites}
    appointments_written = 0

    def flush() -> None:
        nonlocal batch_referrals, pending_appointments, appointments_written
        created = Referral.objects.bulk_create(batch_referrals)
        appointments = [
            Appointment(
                referral_id=created[position].pk,
                beneficiary_id=created[position].beneficiary_id,
                site_id=created[position].site_id,
                starts_at=starts_at,
                ends_at=starts_at + APPOINTMENT_LENGTH,
                place=place_of[created[position].site_id],
                mediator_id=mediator_id,
                status=status,
            )
            for position, status, starts_at, mediator_id in pending_appointments
        ]
        Appointment.objects.bulk_create(appointments)
        appointments_written += len(appointments)
        batch_referrals, pending_appointments = [], []

    # Oldest first, as a real table fills up (PostgreSQL's statistics see that order).
    ages = sorted((history * rng.random() for _ in range(referrals)), reverse=True)
    for index, age in enumerate(ages):
        site = sites[index % len(sites)]
        submitted_at = now - age
        is_open = age < datetime.timedelta(days=OPEN_WINDOW_DAYS)
        status = _weighted(rng, STATUS_OPEN_WEIGHTS if is_open else STATUS_CLOSED_WEIGHTS)
        local = partners_of[site.short_code]
        public = not local or rng.random() < 0.15 or status.startswith("moderation")
        partner = None if public else rng.choice(local)
        if status.startswith("moderation") and not public:
            status = "submitted"
        beneficiary_id = None
        if status == "consumed":
            beneficiary_id = rng.choice(files_by_site[site.pk])
            first, last, birth_year, phone = person_of_file[beneficiary_id]
        else:
            first, last = rng.choice(first_names), rng.choice(last_names)
            birth_year = rng.randint(1940, 2007)
            phone = f"+3362{index:07d}"
        if public:
            last = ""  # the public form asks for the first name only
        referral = Referral(
            site_id=site.pk,
            partner_id=partner.pk if partner else None,
            referrer_id=cast.referrers[partner.name].user_id if partner else None,
            source=ReferralSource.PUBLIC_REQUEST if public else ReferralSource.PARTNER,
            status=status,
            status_changed_at=submitted_at + datetime.timedelta(days=rng.uniform(0, 5)),
            submitted_at=None if status in ("draft", "moderation_pending") else submitted_at,
            beneficiary_id=beneficiary_id,
            first_name=first,
            last_name=last,
            birth_year=None if public else birth_year,
            phone=phone,
            preferred_channel=ContactChannel.SMS,
            postal_code=site.postal_code,
            commune=site.city,
            needs=["online_procedures"],
            notice_version=CURRENT_NOTICE_VERSION,
            search_key=search_key(first, last),
        )
        if status in ("rejected",):
            referral.rejection_reasons = ["session-complète"]
            referral.rejection_message = "Ateliers complets ce mois-ci."
        position = len(batch_referrals)
        batch_referrals.append(referral)
        mediator = rng.choice(mediators[site.pk]) if mediators[site.pk] else None
        if status == "accepted":
            starts_at = now + datetime.timedelta(days=rng.uniform(1, 20))
            pending_appointments.append((position, AppointmentStatus.PLANNED, starts_at, mediator))
        elif status == "consumed":
            starts_at = submitted_at + datetime.timedelta(days=rng.uniform(2, 12))
            pending_appointments.append((position, AppointmentStatus.CAME, starts_at, mediator))
        if len(batch_referrals) == CHUNK:
            flush()
    if batch_referrals:
        flush()
    timings["referrals"] = time.monotonic() - step

    # --- statistics, as autovacuum would have them in production ----------------------------
    step = time.monotonic()
    if connection.vendor == "postgresql":
        # VACUUM also fills the visibility map (index-only scans); it cannot run in a
        # transaction (tests), where ANALYZE alone is done.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        with connection.cursor() as cursor:
            for table in (
                "beneficiaries_beneficiary",
                "referrals_referral",
                "referrals_appointment",
            ):
                cursor.execute(f"{command} {table}")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    timings["analyze"] = time.monotonic() - step

    samples = pick_samples(strasbourg_code=strasbourg_code, cast=cast)
    return {
        "files": Beneficiary.objects.count(),
        "referrals": Referral.objects.count(),
        "appointments": appointments_written,
        "sites": len(sites),
        "seconds": round(time.monotonic() - started, 1),
        "timings": {key: round(value, 1) for key, value in timings.items()},
        "samples": samples.__dict__,
    }


def pick_samples(*, strasbourg_code: str, cast) -> Samples:
    """Queries that find files of the Strasbourg space (the measured manager's)."""
    from tisser.beneficiaries.models import Beneficiary
    from tisser.core.phones import display_phone

    files = Beneficiary.objects.filter(site__short_code=strasbourg_code).order_by("pk")
    first = files.first()
    accented = next(
        (
            f
            for f in files.iterator(chunk_size=2000)
            if not f.first_name.isascii() and not f.last_name.isascii() and " " not in f.last_name
        ),
        first,
    )
    long_name = next(
        (
            f
            for f in files.filter(last_name__regex=r"^[A-Za-z]{6,}$").iterator(chunk_size=2000)
            if f.first_name.isascii()
        ),
        first,
    )
    middle = files[files.count() // 2]
    return Samples(
        accented_name=f"{accented.first_name} {accented.last_name}",
        typo_name=f"{long_name.first_name} {with_typo(long_name.last_name)}",
        typo_finds=long_name.last_name,
        phone=display_phone(middle.phone),
        file_number=middle.file_number,
        partner_id=cast.partners[demo_partner_name()].pk,
    )


def demo_partner_name() -> str:
    from tisser.referrals.demo import DEMO_REFERRER_PARTNER

    return DEMO_REFERRER_PARTNER


def create_session(*, email: str, role: str) -> str:
    """A signed-in session for ``email`` acting as ``role``, TOTP enrolled (as after the
    sign-in with the second factor). Returns the session key for the ``sessionid`` cookie."""
    from importlib import import_module

    from allauth.mfa.models import Authenticator
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from tisser.accounts.middleware import SESSION_LAST_SEEN_KEY, SESSION_STARTED_KEY
    from tisser.accounts.models import Membership

    membership = Membership.objects.select_related("user").get(user__email=email, role=role)
    user = membership.user
    Authenticator.objects.get_or_create(
        user=user,
        type=Authenticator.Type.TOTP,
        defaults={"data": {"secret": "JBSWY3DPEHPK3PXP"}},
    )
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "tisser.accounts.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store["current_membership_id"] = membership.pk
    store[SESSION_STARTED_KEY] = store[SESSION_LAST_SEEN_KEY] = int(time.time())
    store.save()
    return store.session_key


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--referrals", type=int, default=200_000)
    parser.add_argument(
        "--session-for",
        metavar="EMAIL",
        help="Only create a signed-in session (site manager) and print its key.",
    )
    args = parser.parse_args(argv)
    setup_django()
    if args.session_for:
        print(create_session(email=args.session_for, role="site_manager"))
        return 0
    result = generate(files=args.files, referrals=args.referrals)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
