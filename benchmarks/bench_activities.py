"""Activity records at national scale: the site's list and the staff home under gunicorn.

1. recreate the PostgreSQL database ``activities_bench`` (``BENCH_ACTIVITIES_PG_URL``),
   migrate, generate the demo network with files and referrals (benchmarks/generate.py),
   then add activity records until there are 1,000,000 over the 12 spaces
   (benchmarks/generate_activities.py, PostgreSQL COPY), and a signed-in session of the
   Strasbourg site manager (TOTP enrolled);
2. start gunicorn with the production settings (benchmarks/settings_serve.py), one worker
   per core, as bench_serve.py does;
3. load each page in turn with the same clients as bench_serve.py (keep-alive client
   threads, one per worker; warm-up, then measured requests or a time budget): the staff home, the site's
   activity list, the list filtered by theme, operator and period, and its last-year page;
4. write the figures to docs/benchmarks.md (section ``activities``).

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
PG_URL = os.environ.get(
    "BENCH_ACTIVITIES_PG_URL", "postgres://postgres@127.0.0.1:5432/activities_bench"
)
REDIS_URL = os.environ.get("BENCH_ACTIVITIES_REDIS_URL", "redis://127.0.0.1:6379/11")
TARGET_P95_MS = 250


def pages() -> list[Page]:
    year_ago = (datetime.date.today() - datetime.timedelta(days=365)).isoformat()
    return [
        Page("staff_home", "Staff home (site manager)", "/espace-pro/", signed_in=True),
        Page(
            "list",
            "Site activity list (newest first)",
            "/espace-pro/activites/",
            signed_in=True,
            expect="activités",
        ),
        Page(
            "filtered",
            "List by theme, operator, last year",
            "/espace-pro/activites/?theme=aide_aux_demarches_administratives&operator=caf"
            f"&date_from={year_ago}",
            signed_in=True,
            expect="activités",
        ),
        Page(
            "deep",
            "List, page 40 of the last year",
            f"/espace-pro/activites/?date_from={year_ago}&page=40",
            signed_in=True,
            expect="Page 40",
        ),
    ]


def server_env() -> dict:
    return bench_serve.production_env(PG_URL, REDIS_URL)


def prepare(args, deadline: Deadline) -> tuple[dict, str]:
    env = env_for(PG_URL)
    dataset_path = ROOT / "var" / "bench-activities-dataset.json"
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
        print(f"== generating {args.activities:,} activity records", flush=True)
        output = run(
            [PYTHON, "benchmarks/generate_activities.py", "--activities", str(args.activities)],
            env=env, deadline=deadline, what="generate activities",
        )  # fmt: skip
        dataset["activity_records"] = json.loads(output.strip().splitlines()[-1])
        dataset_path.parent.mkdir(parents=True, exist_ok=True)
        dataset_path.write_text(json.dumps(dataset, ensure_ascii=False), encoding="utf-8")
    cookie = run(
        [PYTHON, "benchmarks/generate.py", "--session-for", MANAGER_EMAIL],
        env=server_env(), deadline=deadline, what="session",
    ).strip().splitlines()[-1]  # fmt: skip
    return dataset, cookie


def command_line(args) -> str:
    return (
        f".venv/bin/python benchmarks/bench_activities.py --activities {args.activities} "
        f"--files {args.files} --referrals {args.referrals} --requests {args.requests} "
        f"--warmup {args.warmup} --clients {args.clients} --page-seconds {args.page_seconds:g}"
    )


def report_lines(results, args, *, workers, dataset, db_version, started, seconds) -> list[str]:
    import django

    records = dataset["activity_records"]
    lines = [
        "## Activity records: the site's list and the staff home at 1,000,000 records (issue 8)",
        "",
        f"- Command: `make bench` (that is `{command_line(args)}`)",
        f"- Date: {started:%Y-%m-%d %H:%M} UTC; the whole run took {seconds:.0f} s "
        f"(generating the records: {records['seconds']:.0f} s).",
        f"- Machine: {machine()}; Python {platform.python_version()}, "
        f"Django {django.get_version()}, {db_version}.",
        f"- Server: gunicorn, {workers} sync worker processes, production settings "
        "(benchmarks/settings_serve.py), on 127.0.0.1; the same clients as the serving "
        f"benchmark, {args.clients} of them (one per worker: the latency a member sees "
        "on a busy server, not a queue of requests waiting for a worker), "
        f"{args.warmup} warm-up requests each, then "
        f"{args.requests} measured requests per page (or {args.page_seconds:g} s).",
        f"- Dataset: {records['activities']:,} activity records ({records['participations']:,} "
        f"identified participants) over {records['sites']} spaces and three years "
        "(benchmarks/generate_activities.py, COPY), with "
        f"{dataset['files']:,} files and {dataset['referrals']:,} referrals "
        "(benchmarks/generate.py). Signed in as the Strasbourg site manager "
        f"(about {records['activities'] // records['sites']:,} records in the space).",
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
    lines += [
        "",
        "How the list stays fast: the site's records are read through the index "
        "`activity_site_newest` (site, date desc, id desc), the count of the filtered list "
        "from the same index or the per-filter ones (mediator, kind, operator), and a theme "
        "filter is one integer test on `theme_mask` (docs/decisions/0020).",
        "",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Activity list benchmark under gunicorn.")
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=50_000)
    parser.add_argument("--referrals", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=600, help="measured, per page")
    parser.add_argument("--warmup", type=int, default=5, help="per client, per page")
    parser.add_argument("--page-seconds", type=float, default=30, help="time budget per page")
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
        args.workers, ROOT / "var" / "bench-activities-gunicorn.log", server_env()
    )
    results = bench_serve.serve_and_load(
        server, pages(), cookie, args, deadline, clients=args.clients
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

        write_section("activities", lines)
        print("   results written to docs/benchmarks.md")
    missed = [r.page.label for r in results if r.p95 >= TARGET_P95_MS]
    if missed:
        print("Target missed: " + "; ".join(missed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
