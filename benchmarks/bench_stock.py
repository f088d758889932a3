"""Donated stock at national scale: the stock list and the device search under gunicorn.

1. recreate the PostgreSQL database ``stock_bench`` (``BENCH_STOCK_PG_URL``), migrate,
   generate the demo network with files and referrals (benchmarks/generate.py), then
   100,000 devices in every lifecycle status and 1,000,000 vouchers over the 12 spaces with
   the ledger to match (benchmarks/generate_stock.py, PostgreSQL COPY), and a signed-in
   session of the Strasbourg site manager (TOTP enrolled);
2. start gunicorn with the production settings (benchmarks/settings_serve.py), one worker
   per core, as bench_serve.py does;
3. load each page in turn with the same clients as bench_serve.py (keep-alive client
   threads; warm-up, then measured requests or a time budget): the site's stock list, the
   device search (no criterion, words and a status, an exact inventory id, an IMEI), and
   the vouchers overview;
4. write the figures to docs/benchmarks.md (section ``stock``).

Target: p95 < 250 ms on every page. ``make bench`` runs it; ``--reuse`` skips step 1 when
the database is already generated.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import bench_serve  # noqa: E402
from benchmarks.bench_referrals import (  # noqa: E402
    MANAGER_EMAIL,
    Deadline,
    database_version,
    env_for,
    machine,
    run,
)
from benchmarks.bench_serve import Page  # noqa: E402

PYTHON = sys.executable
PG_URL = os.environ.get("BENCH_STOCK_PG_URL", "postgres://postgres@127.0.0.1:5432/stock_bench")
REDIS_URL = os.environ.get("BENCH_STOCK_REDIS_URL", "redis://127.0.0.1:6379/12")
TARGET_P95_MS = 250


def pages(dataset: dict) -> list[Page]:
    stock = dataset.get("stock", {})
    inventory_id = stock.get("sample_inventory_id", "")
    imei = stock.get("sample_imei", "")
    return [
        Page("stock", "Stock list of the space", "/espace-pro/stock/", signed_in=True),
        Page("devices", "Device search, no criterion", "/espace-pro/stock/appareils/",
             signed_in=True),
        Page(
            "words",
            "Device search: « thinkpad », ready to distribute",
            "/espace-pro/stock/appareils/?q=thinkpad&status=PRET_A_DISTRIBUER",
            signed_in=True,
        ),
        Page("inventory_id", "Device search: an exact inventory id",
             f"/espace-pro/stock/appareils/?q={inventory_id}", signed_in=True,
             expect=inventory_id),
        Page("imei", "Device search: an IMEI", f"/espace-pro/stock/appareils/?q={imei}",
             signed_in=True, expect=inventory_id),
        Page("vouchers", "Vouchers overview (counts, never a code)", "/espace-pro/stock/codes/",
             signed_in=True),
    ]  # fmt: skip


def server_env() -> dict:
    return bench_serve.production_env(PG_URL, REDIS_URL)


def prepare(args, deadline: Deadline) -> tuple[dict, str]:
    env = env_for(PG_URL)
    dataset_path = ROOT / "var" / "bench-stock-dataset.json"
    if args.reuse and dataset_path.exists():
        dataset = json.loads(dataset_path.read_text(encoding="utf-8"))
        print("== reusing the generated database", flush=True)
    else:
        print("== database recreated, migrations", flush=True)
        bench_serve.recreate_postgres(PG_URL)
        run([PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], env=env,
            deadline=deadline, what="migrate")  # fmt: skip
        print(f"== generating {args.files} files, {args.referrals} referrals", flush=True)
        output = run(
            [PYTHON, "benchmarks/generate.py", "--files", str(args.files), "--referrals",
             str(args.referrals)],
            env=env, deadline=deadline, what="generate",
        )  # fmt: skip
        dataset = json.loads(output.strip().splitlines()[-1])
        print(f"== generating {args.devices:,} devices, {args.vouchers:,} vouchers", flush=True)
        output = run(
            [PYTHON, "benchmarks/generate_stock.py", "--devices", str(args.devices),
             "--vouchers", str(args.vouchers)],
            env=env, deadline=deadline, what="generate stock",
        )  # fmt: skip
        dataset["stock"] = json.loads(output.strip().splitlines()[-1])
        dataset_path.parent.mkdir(parents=True, exist_ok=True)
        dataset_path.write_text(json.dumps(dataset, ensure_ascii=False), encoding="utf-8")
    cookie = run(
        [PYTHON, "benchmarks/generate.py", "--session-for", MANAGER_EMAIL],
        env=server_env(), deadline=deadline, what="session",
    ).strip().splitlines()[-1]  # fmt: skip
    return dataset, cookie


def command_line(args) -> str:
    return (
        f".venv/bin/python benchmarks/bench_stock.py --devices {args.devices} "
        f"--vouchers {args.vouchers} --files {args.files} --referrals {args.referrals} "
        f"--requests {args.requests} --warmup {args.warmup} --clients {args.clients} "
        f"--page-seconds {args.page_seconds:g}"
    )


def report_lines(results, args, *, workers, dataset, db_version, started, seconds) -> list[str]:
    import django

    stock = dataset["stock"]
    lines = [
        "## Donated stock: the stock list and the device search at 100,000 devices and "
        "1,000,000 vouchers (issue 10)",
        "",
        f"- Command: `make bench` (that is `{command_line(args)}`)",
        f"- Date: {started:%Y-%m-%d %H:%M} UTC; the whole run took {seconds:.0f} s "
        f"(generating the stock: {stock['seconds']:.0f} s).",
        f"- Machine: {machine()}; Python {platform.python_version()}, "
        f"Django {django.get_version()}, {db_version}.",
        f"- Server: gunicorn, {workers} sync worker processes, production settings "
        "(benchmarks/settings_serve.py), on 127.0.0.1; the same clients as the serving "
        f"benchmark, {args.clients} of them, {args.warmup} warm-up requests each, then "
        f"{args.requests} measured requests per page (or {args.page_seconds:g} s).",
        f"- Dataset: {stock['devices']:,} devices, {stock['vouchers']:,} vouchers and "
        f"{stock['movements']:,} ledger lines over {stock['sites']} spaces and "
        f"{stock['offers']} offers (benchmarks/generate_stock.py, COPY), with "
        f"{dataset['files']:,} files and {dataset['referrals']:,} referrals "
        "(benchmarks/generate.py). Signed in as the Strasbourg site manager "
        f"(about {stock['devices'] // stock['sites']:,} devices and "
        f"{stock['vouchers'] // stock['sites']:,} vouchers in the space).",
        f"- Target: p95 < {TARGET_P95_MS} ms on every page.",
        "",
        "| Page | Requests | Requests/s | Median (ms) | p95 (ms) | Target met |",
        "|---|---:|---:|---:|---:|:-:|",
    ]
    for result in results:
        met = "yes" if result.p95 < TARGET_P95_MS else "**no**"
        lines.append(
            f"| {result.page.label} | {len(result.timings_ms)} | {result.rps:.1f} "
            f"| {result.median:.1f} | {result.p95:.1f} | {met} |"
        )
    lines.append("")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Stock pages benchmark under gunicorn.")
    parser.add_argument("--devices", type=int, default=100_000)
    parser.add_argument("--vouchers", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--referrals", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=400, help="measured, per page")
    parser.add_argument("--warmup", type=int, default=5, help="per client, per page")
    parser.add_argument("--page-seconds", type=float, default=25, help="time budget per page")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--clients", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--time-limit", type=float, default=1200, help="seconds, whole run")
    parser.add_argument("--reuse", action="store_true", help="keep the generated database")
    parser.add_argument("--no-report", action="store_true", help="leave docs/ alone")
    args = parser.parse_args(argv)

    started = datetime.datetime.now(datetime.UTC)
    clock = time.monotonic()
    deadline = Deadline(args.time_limit)
    dataset, cookie = prepare(args, deadline)
    server = bench_serve.Gunicorn(
        args.workers, ROOT / "var" / "bench-stock-gunicorn.log", server_env()
    )
    results = bench_serve.serve_and_load(
        server, pages(dataset), cookie, args, deadline, clients=args.clients
    )
    lines = report_lines(
        results,
        args,
        workers=args.workers,
        dataset=dataset,
        db_version=database_version(PG_URL),
        started=started,
        seconds=time.monotonic() - clock,
    )
    if not args.no_report:
        from benchmarks.results import write_section

        write_section("stock", lines)
        print("   results written to docs/benchmarks.md")
    missed = [r.page.label for r in results if r.p95 >= TARGET_P95_MS]
    if missed:
        print("Target missed: " + "; ".join(missed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
