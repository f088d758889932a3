"""Add donated stock to a benchmark database: devices and vouchers over the 12 spaces.

Run on a database prepared by benchmarks/generate.py (the demo network, files, referrals),
with the dev settings::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/stock_bench \\
        .venv/bin/python benchmarks/generate_stock.py --devices 100000 --vouchers 1000000

It makes the network's catalogue (the demo's offers when ``tisser.offers.demo`` has written
them, else one offer per family), then writes the rows with PostgreSQL's COPY: devices in
every lifecycle status with their inventory ids, specs and grades, vouchers with codes
encrypted and fingerprinted by ``tisser.offers.vouchers`` (as a receipt stores them), and
the ledger to match: one receipt line per device, one per (site, offer, day) batch of
vouchers, the write-offs and sales of the devices that left, and ``StockLevel`` totals equal
to the ledger's sums (the invariant of docs/decisions/0038). Journal entries are not
generated: the pages measured do not read them. Deterministic (fixed seed). Prints one JSON
object: counts and timings.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RANDOM_SEED = 10
DAYS_OF_HISTORY = 3 * 365
# Share of each status among the generated devices (a steady state: most have been handed
# over, a working stock sits on the shelves and at the hub).
STATUS_WEIGHTS = {
    "DISTRIBUE": 55,
    "PRET_A_DISTRIBUER": 15,
    "A_TRAITER": 8,
    "EN_COURS_DE_TRAITEMENT": 5,
    "PRET_A_COMMANDER": 6,
    "NON_REEMPLOYABLE": 6,
    "RESERVE": 1,
    "SAV": 2,
    "EN_COURS_DE_LIVRAISON": 2,
}
VOUCHER_STATUS_WEIGHTS = {"IN_STOCK": 30, "SOLD": 40, "ACTIVATED": 25, "EXPIRED": 3, "VOID": 2}
BRANDS = {
    "ORDINATEUR_PORTABLE": [("Lenovo", "ThinkPad T480"), ("Dell", "Latitude 7490"),
                            ("HP", "EliteBook 840 G5"), ("Lenovo", "ThinkPad X270")],
    "ORDINATEUR_FIXE": [("Dell", "OptiPlex 7060"), ("HP", "ProDesk 600 G4")],
    "SMARTPHONE": [("Samsung", "Galaxy A52"), ("Apple", "iPhone 11"), ("Xiaomi", "Redmi Note 10")],
    "TABLETTE": [("Samsung", "Galaxy Tab A8"), ("Apple", "iPad 7")],
    "BOX": [("SFR", "Box 8")],
    "CLE_4G": [("Huawei", "E3372")],
}  # fmt: skip
TYPE_CODES = {
    "ORDINATEUR_PORTABLE": "PC", "ORDINATEUR_FIXE": "UC", "SMARTPHONE": "TEL",
    "TABLETTE": "TAB", "BOX": "BOX", "CLE_4G": "CLE",
}  # fmt: skip
DEVICE_SHARES = {
    "ORDINATEUR_PORTABLE": 45, "SMARTPHONE": 35, "TABLETTE": 8, "ORDINATEUR_FIXE": 7,
    "BOX": 3, "CLE_4G": 2,
}  # fmt: skip
ON_HAND = {"A_TRAITER", "EN_COURS_DE_TRAITEMENT", "PRET_A_COMMANDER", "PRET_A_DISTRIBUER",
           "RESERVE", "SAV"}  # fmt: skip
DEVICE_COLUMNS = (
    "id", "created_at", "updated_at", "site_id", "offer_id", "inventory_id", "device_type",
    "status", "grade", "serial_number", "imei", "brand", "model_name", "processor",
    "memory_gb", "storage_gb", "storage_kind", "operating_system", "os_version",
    "received_on", "wiped_at", "notes",
)  # fmt: skip
VOUCHER_COLUMNS = (
    "id", "created_at", "updated_at", "site_id", "offer_id", "status", "code_encrypted",
    "code_fingerprint", "serial", "expires_on", "received_on", "sold_at",
)  # fmt: skip
MOVEMENT_COLUMNS = (
    "site_id", "offer_id", "kind", "quantity", "reserved_delta", "at", "device_id",
    "voucher_id", "reason",
)  # fmt: skip
# Vouchers share a handful of encrypted tokens per offer: encrypting a million codes one by
# one would dominate the run without changing what the pages read (they never decrypt).
DISTINCT_TOKENS = 2000


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def catalogue(network, sites) -> dict[str, list]:
    """The network's offers by family. When the demo did not write them, the demo's own
    catalogue (tisser.offers.demo.CATALOGUE: prices, face values, grades, loans) is written
    here, offered at every space, so that the counter benchmark sells what the demo sells."""
    from decimal import Decimal

    from tisser.offers.demo import CATALOGUE
    from tisser.offers.enums import TRACKING_BY_FAMILY
    from tisser.offers.models import Offer

    offers: dict[str, list] = {}
    for offer in Offer.objects.filter(network=network, is_active=True):
        offers.setdefault(offer.family, []).append(offer)
    own_families = set(offers)  # families the network already offers: left as they are
    for family, name, price, market, extra in CATALOGUE:
        if family in own_families:
            continue
        offer = Offer(
            network=network,
            family=family,
            tracking=TRACKING_BY_FAMILY[family],
            name=name,
            solidarity_price=Decimal(price),
            market_price=Decimal(market),
            **extra,
        )
        offer.full_clean(exclude=["network"])
        offer.save()
        offer.sites.set(sites)
        offers.setdefault(family, []).append(offer)
    return offers


def generate(*, devices: int, vouchers: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from tisser.accounts.models import Organisation, Site
    from tisser.offers import vouchers as voucher_codes
    from tisser.offers.models import (
        Device,
        InventorySequence,
        StockLevel,
        StockMovement,
        Voucher,
    )
    from tisser.offers.validators import luhn_check_digit

    started = time.monotonic()
    rng = random.Random(RANDOM_SEED)
    network = Organisation.objects.get(kind="network")
    sites = list(Site.objects.filter(network=network).order_by("short_code"))
    offers = catalogue(network, sites)
    now = timezone.now().replace(microsecond=0)
    today = timezone.localdate()
    sequences: Counter = Counter()
    on_hand: Counter = Counter()  # (site, offer) -> units on the premises
    reserved: Counter = Counter()
    device_table, voucher_table = Device._meta.db_table, Voucher._meta.db_table
    movement_table = StockMovement._meta.db_table
    first_device = (Device.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    first_voucher = (Voucher.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    device_types = list(DEVICE_SHARES)
    device_weights = list(DEVICE_SHARES.values())
    with connection.cursor() as cursor:
        raw = cursor.connection.cursor()
        movements: list[tuple] = []
        with raw.copy(f"COPY {device_table} ({', '.join(DEVICE_COLUMNS)}) FROM STDIN") as copy:
            for offset in range(devices):
                pk = first_device + offset
                site = sites[offset % len(sites)]
                device_type = rng.choices(device_types, weights=device_weights)[0]
                offer = rng.choice(offers[device_type])
                status = _weighted(rng, STATUS_WEIGHTS)
                received = today - datetime.timedelta(days=rng.randrange(DAYS_OF_HISTORY))
                received_at = datetime.datetime.combine(
                    received, datetime.time(10), tzinfo=datetime.UTC
                )
                year = received.year % 100
                key = (site.pk, TYPE_CODES[device_type], received.year)
                sequences[key] += 1
                inventory_id = (
                    f"{site.short_code}-{TYPE_CODES[device_type]}-{year:02d}-{sequences[key]:04d}"
                )
                brand, model = rng.choice(BRANDS[device_type])
                imei = ""
                if device_type == "SMARTPHONE":
                    body = f"35{pk:012d}"
                    imei = body + luhn_check_digit(body)
                grade = (
                    ""
                    if status in ("A_TRAITER", "NON_REEMPLOYABLE")
                    else rng.choice(["PREMIUM", "A", "A", "B", "B", "C"])
                )
                computer = device_type.startswith("ORDINATEUR")
                copy.write_row(
                    (
                        pk, received_at, received_at, site.pk, offer.pk, inventory_id,
                        device_type, status, grade, f"SN{pk:010d}", imei, brand, model,
                        "Intel Core i5-8350U" if computer else "",
                        rng.choice([4, 8, 8, 16]) if computer else rng.choice([3, 4, 6]),
                        rng.choice([128, 256, 512]) if computer else rng.choice([32, 64, 128]),
                        rng.choice(["SSD", "NVME", "HDD"]) if computer else "FLASH",
                        "Linux" if computer and rng.random() < 0.2 else
                        ("Windows" if computer else ("iOS" if brand == "Apple" else "Android")),
                        "", received, None if status == "A_TRAITER" else received_at, "",
                    )
                )  # fmt: skip
                movements.append((site.pk, offer.pk, "receipt", 1, 0, received_at, pk, None, ""))
                if status in ON_HAND:
                    on_hand[(site.pk, offer.pk)] += 1
                    if status == "RESERVE":
                        reserved[(site.pk, offer.pk)] += 1
                        movements.append(
                            (site.pk, offer.pk, "reservation", 0, 1, now, pk, None, "")
                        )
                else:
                    kind = {
                        "DISTRIBUE": "sale",
                        "NON_REEMPLOYABLE": "write_off",
                        "EN_COURS_DE_LIVRAISON": "transfer_out",
                    }[status]
                    movements.append((site.pk, offer.pk, kind, -1, 0, received_at, pk, None, ""))
        device_seconds = time.monotonic() - started
        step = time.monotonic()
        voucher_offers = offers["RECHARGE"] + offers["SIM"]
        tokens = {}
        for offer in voucher_offers:
            tokens[offer.pk] = [
                voucher_codes.code_encrypt(f"{offer.pk}{index:012d}")
                for index in range(DISTINCT_TOKENS)
            ]
        batches: Counter = Counter()
        with raw.copy(f"COPY {voucher_table} ({', '.join(VOUCHER_COLUMNS)}) FROM STDIN") as copy:
            for offset in range(vouchers):
                pk = first_voucher + offset
                site = sites[offset % len(sites)]
                # Every space gets every code offer (offset % 12 and offset % 4 would pair
                # each space with one offer only).
                offer = voucher_offers[(offset // len(sites)) % len(voucher_offers)]
                status = _weighted(rng, VOUCHER_STATUS_WEIGHTS)
                received = today - datetime.timedelta(days=rng.randrange(DAYS_OF_HISTORY))
                received_at = datetime.datetime.combine(
                    received, datetime.time(9), tzinfo=datetime.UTC
                )
                expires = received + datetime.timedelta(days=rng.randrange(365, 3 * 365))
                sold_at = received_at + datetime.timedelta(days=rng.randrange(1, 300))
                copy.write_row(
                    (
                        pk, received_at, received_at, site.pk, offer.pk, status,
                        tokens[offer.pk][pk % DISTINCT_TOKENS],
                        voucher_codes.code_fingerprint(f"V{pk:015d}"), f"VCH{pk:010d}", expires, received,
                        sold_at if status in ("SOLD", "ACTIVATED") else None,
                    )
                )  # fmt: skip
                batches[(site.pk, offer.pk, received_at)] += 1
                if status in ("IN_STOCK", "RESERVED"):
                    on_hand[(site.pk, offer.pk)] += 1
                else:
                    kind = "sale" if status in ("SOLD", "ACTIVATED") else "write_off"
                    at = sold_at if kind == "sale" else received_at
                    movements.append((site.pk, offer.pk, kind, -1, 0, at, None, pk, ""))
        for (site_id, offer_id, at), count in batches.items():
            movements.append((site_id, offer_id, "receipt", count, 0, at, None, None, ""))
        voucher_seconds = time.monotonic() - step
        step = time.monotonic()
        with raw.copy(f"COPY {movement_table} ({', '.join(MOVEMENT_COLUMNS)}) FROM STDIN") as copy:
            for row in movements:
                copy.write_row(row)
        for table in (device_table, voucher_table):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
    StockLevel.objects.bulk_create(
        [
            StockLevel(
                site_id=site_id,
                offer_id=offer_id,
                on_hand=count,
                reserved=reserved[(site_id, offer_id)],
                low_stock_threshold=5,
            )
            for (site_id, offer_id), count in on_hand.items()
        ],
        update_conflicts=True,
        unique_fields=["site", "offer"],
        update_fields=["on_hand", "reserved", "low_stock_threshold"],
    )
    InventorySequence.objects.bulk_create(
        [
            InventorySequence(site_id=site_id, type_code=code, year=year, last_number=number)
            for (site_id, code, year), number in sequences.items()
        ],
        update_conflicts=True,
        unique_fields=["site", "type_code", "year"],
        update_fields=["last_number"],
    )
    movement_seconds = time.monotonic() - step
    # VACUUM cannot run in a transaction (the tests run in one): ANALYZE is enough there.
    analyze = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for table in (device_table, voucher_table, movement_table, StockLevel._meta.db_table):
            cursor.execute(f"{analyze} {table}")
    strasbourg = next((site for site in sites if site.city == "Strasbourg"), sites[0])
    sample = (
        Device.objects.filter(site=strasbourg, device_type="SMARTPHONE")
        .order_by("pk")
        .values("inventory_id", "imei")
        .first()
    ) or {"inventory_id": "", "imei": ""}
    return {
        "sample_inventory_id": sample["inventory_id"],
        "sample_imei": sample["imei"],
        "devices": Device.objects.count(),
        "vouchers": Voucher.objects.count(),
        "movements": StockMovement.objects.count(),
        "sites": len(sites),
        "offers": sum(len(family) for family in offers.values()),
        "seconds_devices": round(device_seconds, 1),
        "seconds_vouchers": round(voucher_seconds, 1),
        "seconds_ledger": round(movement_seconds, 1),
        "seconds": round(time.monotonic() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=100_000)
    parser.add_argument("--vouchers", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    setup_django()
    print(json.dumps(generate(devices=args.devices, vouchers=args.vouchers)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
