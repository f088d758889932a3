"""Make the stock benchmark database ready to sell at the counter (issue 11's benchmark).

Run after benchmarks/generate.py (the demo network, its staff, files and referrals) and
benchmarks/generate_stock.py (the demo's catalogue, devices, vouchers and their ledger),
with the dev settings::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/stock_bench \\
        .venv/bin/python benchmarks/generate_counter.py

It adds what a counter sale reads besides the stock:
- the demo's three quota rules (``tisser.sales.demo.DEMO_RULES``) when the network has none,
  the network's access-right and counter settings;
- an active access right (opened by a referral, started in the last eight months) for every
  file whose referral was consumed, as the ``referral.consumed`` hook would have;
- households: one file in five with a right shares a household with the next file of its
  space that has one;
- the quota ledger of three years of sales: one consumption per device handed over and per
  code sold by the stock generator, given to a person with a right at that space (so the
  quota checks read a ledger of national size: about 50 lines per person);
- untouched people for the benchmark: in every space, ``--fresh-per-site`` files with a
  right (and their households) have no laptop, no smartphone and no recharge of this month
  in the ledger, only recharges of earlier months, so that each measured sale may go
  through without an override.

Writes with COPY (PostgreSQL). Deterministic (fixed seed). Prints one JSON object: counts
and timings. ``--pick N --site CODE`` prints instead the ids of N files of that space that
may still buy a laptop and a recharge today (the people of the next measured sales);
``--plan CLIENTS --people N`` prints the benchmark's sellers: one mediator per space
(Strasbourg first), signed in (a session with TOTP enrolled), with N people each.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RANDOM_SEED = 11
HOUSEHOLD_SHARE = 0.2
RIGHT_MAX_AGE_DAYS = 240  # rights started in the last eight months: all still running
FRESH_PER_SITE = 150
EARLIER_RECHARGES = 6  # at most, per fresh person, in the months before this one
CONSUMPTION_COLUMNS = (
    "network_id", "site_id", "beneficiary_id", "household_id", "offer_id", "family",
    "quantity", "amount", "at", "reference_kind", "overridden", "override_reason",
)  # fmt: skip
COUNTER_LEGAL_NAME = "Association Tisser Solidarité"


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()


def _rules_and_settings(network) -> int:
    from tisser.sales.demo import seed_quota_rules
    from tisser.sales.models import AccessRightSettings, CounterSettings, QuotaRule

    AccessRightSettings.objects.get_or_create(network=network)
    CounterSettings.objects.get_or_create(
        network=network,
        defaults={
            "legal_name": COUNTER_LEGAL_NAME,
            "siret": "12345678900017",
            "address": "12 rue du Faubourg National, 67000 Strasbourg",
        },
    )
    if not QuotaRule.objects.filter(network=network).exists():
        seed_quota_rules(network)
    return QuotaRule.objects.filter(network=network, is_active=True).count()


def _open_rights(network, rng: random.Random, today: datetime.date) -> dict[int, list[int]]:
    """A current right for every file whose referral was consumed; {site id: file ids}."""
    from django.db.models import Exists, OuterRef

    from tisser.beneficiaries.models import Beneficiary
    from tisser.referrals.enums import ReferralStatus
    from tisser.referrals.models import Referral
    from tisser.sales.enums import RightOpening
    from tisser.sales.models import AccessRight
    from tisser.sales.services import period_end, settings_for

    months = settings_for(network.pk).duration_months
    consumed = Referral.objects.filter(beneficiary=OuterRef("pk"), status=ReferralStatus.CONSUMED)
    files = list(
        Beneficiary.objects.filter(site__network=network, merged_into__isnull=True)
        .filter(Exists(consumed))
        .exclude(access_rights__is_current=True)
        .order_by("pk")
        .values_list("pk", "site_id")
    )
    rights = []
    for pk, site_id in files:
        starts = today - datetime.timedelta(days=rng.randrange(RIGHT_MAX_AGE_DAYS))
        rights.append(
            AccessRight(
                network=network,
                site_id=site_id,
                beneficiary_id=pk,
                opened_by=RightOpening.REFERRAL,
                starts_on=starts,
                ends_on=period_end(starts, months),
            )
        )
    AccessRight.objects.bulk_create(rights, batch_size=5000)
    holders: dict[int, list[int]] = {}
    for pk, site_id in (
        AccessRight.objects.filter(network=network, is_current=True)
        .order_by("beneficiary_id")
        .values_list("beneficiary_id", "beneficiary__site_id")
    ):
        holders.setdefault(site_id, []).append(pk)
    return holders


def _households(holders: dict[int, list[int]], rng, now) -> dict[int, int]:
    """Pairs of files of one space in one household; {file id: household id}."""
    from tisser.beneficiaries.models import Household, HouseholdMember

    linked = set(HouseholdMember.objects.current().values_list("beneficiary_id", flat=True))
    pairs: list[tuple[int, int, int]] = []
    for site_id, people in holders.items():
        index = 0
        while index + 1 < len(people):
            first, second = people[index], people[index + 1]
            if rng.random() < HOUSEHOLD_SHARE and first not in linked and second not in linked:
                pairs.append((site_id, first, second))
                index += 2
            else:
                index += 1
    households = Household.objects.bulk_create(
        [Household(site_id=site_id) for site_id, _a, _b in pairs], batch_size=5000
    )
    members = []
    household_of: dict[int, int] = {}
    for household, (_site, first, second) in zip(households, pairs, strict=True):
        joined = now - datetime.timedelta(days=rng.randrange(30, 1000))
        for person in (first, second):
            members.append(
                HouseholdMember(household=household, beneficiary_id=person, joined_at=joined)
            )
            household_of[person] = household.pk
    HouseholdMember.objects.bulk_create(members, batch_size=5000)
    return household_of


def _fresh(holders: dict[int, list[int]], household_of: dict[int, int], per_site: int) -> set[int]:
    """The people kept for the measured sales: the last ``per_site`` holders of each space,
    with everyone in their households."""
    fresh: set[int] = set()
    for people in holders.values():
        fresh.update(people[-per_site:])
    households = {household_of[p] for p in fresh if p in household_of}
    fresh.update(p for p, h in household_of.items() if h in households)
    return fresh


def _ledger(network, holders, household_of, fresh, rng, now) -> tuple[int, int]:
    """One quota consumption per device handed over and per code sold (COPY)."""
    from django.db import connection
    from django.utils import timezone

    from tisser.offers.models import Device, Offer, Voucher
    from tisser.sales.models import QuotaConsumption

    offers = {offer.pk: offer for offer in Offer.objects.filter(network=network)}

    def unit_value(offer) -> Decimal:
        return offer.face_value if offer.face_value is not None else offer.market_price

    buyers = {site: [p for p in people if p not in fresh] for site, people in holders.items()}
    sold = list(
        Device.objects.filter(site__network=network, status="DISTRIBUE")
        .values_list("site_id", "offer_id", "received_on")
        .order_by("pk")
    )
    sold_at = [
        (site, offer, datetime.datetime.combine(day, datetime.time(15), tzinfo=datetime.UTC))
        for site, offer, day in sold
    ]
    sold_at += list(
        Voucher.objects.filter(site__network=network, status__in=("SOLD", "ACTIVATED"))
        .values_list("site_id", "offer_id", "sold_at")
        .order_by("pk")
    )
    month_start = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0)
    recharges = [offer for offer in offers.values() if offer.family == "RECHARGE"]
    rows = fresh_rows = 0
    table = QuotaConsumption._meta.db_table
    with connection.cursor() as cursor:
        raw = cursor.connection.cursor()
        with raw.copy(f"COPY {table} ({', '.join(CONSUMPTION_COLUMNS)}) FROM STDIN") as copy:
            for site_id, offer_id, at in sold_at:
                people = buyers.get(site_id)
                if not people or at is None:
                    continue
                person = rng.choice(people)
                offer = offers[offer_id]
                copy.write_row(
                    (
                        network.pk, site_id, person, household_of.get(person), offer_id,
                        offer.family, 1, unit_value(offer), min(at, now), "", False, "",
                    )
                )  # fmt: skip
                rows += 1
            # The fresh people: a few recharges in the months before this one.
            for site_id, people in holders.items():
                for person in people:
                    if person not in fresh or not recharges:
                        continue
                    for _ in range(rng.randrange(EARLIER_RECHARGES + 1)):
                        offer = rng.choice(recharges)
                        at = month_start - datetime.timedelta(days=rng.randrange(1, 700))
                        copy.write_row(
                            (
                                network.pk, site_id, person, household_of.get(person),
                                offer.pk, offer.family, 1, unit_value(offer), at, "", False, "",
                            )
                        )  # fmt: skip
                        fresh_rows += 1
        cursor.execute(f"ANALYZE {table}")
    return rows, fresh_rows


def generate(*, fresh_per_site: int = FRESH_PER_SITE) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from tisser.accounts.models import Organisation

    started = time.monotonic()
    rng = random.Random(RANDOM_SEED)
    now = timezone.now().replace(microsecond=0)
    today = timezone.localdate()
    network = Organisation.objects.get(kind="network")
    with transaction.atomic():
        rules = _rules_and_settings(network)
        holders = _open_rights(network, rng, today)
        rights_seconds = time.monotonic() - started
        step = time.monotonic()
        household_of = _households(holders, rng, now)
        fresh = _fresh(holders, household_of, fresh_per_site)
        households_seconds = time.monotonic() - step
        step = time.monotonic()
        history, earlier = _ledger(network, holders, household_of, fresh, rng, now)
        ledger_seconds = time.monotonic() - step
    return {
        "quota_rules": rules,
        "rights": sum(len(people) for people in holders.values()),
        "households": len(set(household_of.values())),
        "fresh_people": len(fresh),
        "quota_consumptions": history + earlier,
        "quota_history": history,
        "fresh_earlier_recharges": earlier,
        "seconds_rights": round(rights_seconds, 1),
        "seconds_households": round(households_seconds, 1),
        "seconds_ledger": round(ledger_seconds, 1),
        "seconds": round(time.monotonic() - started, 1),
    }


def pick(*, site_code: str, count: int) -> list[int]:
    """Files of ``site_code`` that may buy a laptop and a recharge today without override
    (the quota engine says so), with a running right and no sale yet."""
    from django.db.models import Exists, OuterRef

    from tisser.accounts.models import Site
    from tisser.beneficiaries.models import Beneficiary, HouseholdMember
    from tisser.core import clock
    from tisser.offers.models import Offer
    from tisser.sales.models import AccessRight, Sale
    from tisser.sales.quotas import BasketLine, quota_check

    site = Site.objects.select_related("network").get(short_code=site_code)
    today = clock.localdate()
    offers = Offer.objects.filter(network=site.network_id, is_active=True)
    laptop = offers.filter(family="ORDINATEUR_PORTABLE").order_by("pk").first()
    recharge = offers.filter(family="RECHARGE").order_by("face_value", "pk").first()
    basket = [BasketLine(laptop), BasketLine(recharge)]
    running = AccessRight.objects.filter(
        beneficiary=OuterRef("pk"), starts_on__lte=today, ends_on__gte=today, closed_on=None
    )
    candidates = (
        Beneficiary.objects.filter(site=site, merged_into__isnull=True)
        .filter(Exists(running))
        .exclude(Exists(Sale.objects.filter(beneficiary=OuterRef("pk"))))
        .select_related("site")
        .order_by("-pk")
    )
    household_of = dict(
        HouseholdMember.objects.current()
        .filter(beneficiary__site=site)
        .values_list("beneficiary_id", "household_id")
    )
    chosen: list[int] = []
    households: set[int] = set()  # one person per household: one laptop each
    for person in candidates.iterator(chunk_size=200):
        household = household_of.get(person.pk)
        if household in households:
            continue
        if not quota_check(beneficiary=person, basket=basket):
            chosen.append(person.pk)
            if household is not None:
                households.add(household)
            if len(chosen) == count:
                break
    return chosen


def sellers_plan(*, clients: int, people: int) -> list[dict]:
    """One mediator per space for ``clients`` spaces (Strasbourg first), each signed in,
    with ``people`` files of that space who may still buy, and the offers they buy."""
    from benchmarks.generate import create_session
    from tisser.accounts.enums import Role
    from tisser.accounts.models import Membership
    from tisser.offers.models import Offer

    mediators = (
        Membership.objects.filter(role=Role.MEDIATOR, is_active=True, organisation__kind="site")
        .select_related("organisation__site", "user")
        .order_by("organisation__site__short_code", "user__email")
    )
    first_by_site: dict[str, Membership] = {}
    for membership in mediators:
        first_by_site.setdefault(membership.organisation.site.short_code, membership)
    codes = sorted(first_by_site, key=lambda code: (code != "STRGAR", code))[:clients]
    plan = []
    for code in codes:
        membership = first_by_site[code]
        offers = Offer.objects.filter(network=membership.organisation.network_id, is_active=True)
        laptop = offers.filter(family="ORDINATEUR_PORTABLE").order_by("pk").first()
        recharge = offers.filter(family="RECHARGE").order_by("face_value", "pk").first()
        total = laptop.solidarity_price + recharge.solidarity_price
        plan.append(
            {
                "site": code,
                "email": membership.user.email,
                "session": create_session(email=membership.user.email, role=Role.MEDIATOR),
                "people": pick(site_code=code, count=people),
                "laptop": laptop.pk,
                "recharge": recharge.pk,
                "total": f"{total:.2f}".replace(".", ","),  # as typed in the French form
            }
        )
    return plan


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh-per-site", type=int, default=FRESH_PER_SITE)
    parser.add_argument("--pick", type=int, metavar="N", help="print N fresh file ids")
    parser.add_argument("--site", default="STRGAR", help="the space of --pick")
    parser.add_argument("--plan", type=int, metavar="CLIENTS", help="print the sellers' plan")
    parser.add_argument("--people", type=int, default=60, help="per seller, with --plan")
    args = parser.parse_args(argv)
    setup_django()
    if args.plan:
        print(json.dumps(sellers_plan(clients=args.plan, people=args.people)))
        return 0
    if args.pick:
        print(json.dumps(pick(site_code=args.site, count=args.pick)))
        return 0
    print(json.dumps(generate(fresh_per_site=args.fresh_per_site)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
