"""Training programmes at scale: the programme dashboard under gunicorn (issue 15).

1. recreate the PostgreSQL database ``tisser_bench_training`` (``BENCH_TRAINING_PG_URL``),
   migrate, generate the demo network with files (benchmarks/generate.py), add activity
   records until there are 1,000,000 (benchmarks/generate_activities.py), then the 32-hour
   programme with 50,000 enrolments in cohorts over the 12 spaces and three years, their
   sessions, roll calls and attendance, surveys and outcomes (benchmarks/generate_training.py,
   COPY), and a signed-in session of the network admin (TOTP enrolled);
2. start gunicorn with the production settings (benchmarks/settings_serve.py), one worker
   per core, as bench_serve.py does;
3. load each page in turn with the same clients as bench_serve.py: the dashboard of the
   whole programme (every cohort of the network, the worst case), of one space and of one
   period; then the roll call page of the programme's sessions, GET and POST;
4. write the figures to docs/benchmarks.md (section ``training``).

Target: p95 < 300 ms on every page. ``make bench`` runs it; ``--reuse`` skips step 1 when
the database is already generated.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import re
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import bench_serve  # noqa: E402
from benchmarks.bench_referrals import (  # noqa: E402
    Deadline,
    database_version,
    env_for,
    machine,
    percentile,
    run,
)
from benchmarks.bench_serve import Page  # noqa: E402
from benchmarks.session_client import FlowClient  # noqa: E402

PYTHON = sys.executable
PG_URL = os.environ.get(
    "BENCH_TRAINING_PG_URL", "postgres://postgres@127.0.0.1:5432/tisser_bench_training"
)
REDIS_URL = os.environ.get("BENCH_TRAINING_REDIS_URL", "redis://127.0.0.1:6379/11")
TARGET_P95_MS = 300
ADMIN_EMAIL = "admin@demo.tisser.fr"
DASHBOARD = "/espace-pro/formations/tableau-de-bord/"


def pages(dataset: dict) -> list[Page]:
    programme = dataset["training"]["programme"]
    year_ago = (datetime.date.today() - datetime.timedelta(days=365)).isoformat()
    site = dataset["training"].get("first_site", "")
    return [
        Page("dashboard", "Programme dashboard, whole network", f"{DASHBOARD}?programme={programme}",
             signed_in=True, expect="Taux de présence"),
        Page("dashboard_site", "Programme dashboard, one space",
             f"{DASHBOARD}?programme={programme}&site={site}", signed_in=True,
             expect="Taux de présence"),
        Page("dashboard_year", "Programme dashboard, cohorts of the last year",
             f"{DASHBOARD}?programme={programme}&start={year_ago}", signed_in=True,
             expect="Taux de présence"),
    ]  # fmt: skip


ROLL_CALL = "/espace-pro/formations/seances/{session}/appel/"
ROLL_CALL_STATUSES = ("present", "present", "present", "present", "late", "excused", "absent")


def roll_call_form(page: str, rng: random.Random) -> dict:
    """The roll call's answers for each person the page lists (``status-<id>``): present
    most of the time, sometimes late (with minutes), excused or absent."""
    form = {}
    for enrolment in sorted(set(re.findall(r'name="status-(\d+)"', page))):
        status = rng.choice(ROLL_CALL_STATUSES)
        form[f"status-{enrolment}"] = status
        form[f"minutes-{enrolment}"] = "15" if status == "late" else ""
    return form


def roll_calls(port: int, cookie: str, sessions: list[int], args, deadline: Deadline) -> dict:
    """Each client takes the roll call again of its own sessions in turn: GET the tablet
    page (timed), POST every person's mark (timed with the attendance page it redirects
    to). Warm-up first; then until ``args.requests`` posts or ``args.page_seconds``."""
    timings: dict[str, list[float]] = {"get": [], "post": []}
    failures: list[str] = []
    lock = threading.Lock()
    remaining = [args.requests]
    stop_at = time.monotonic() + min(args.page_seconds, max(deadline.left() - 60, 1))

    def client_loop(number: int) -> None:
        client = FlowClient(port, cookie)
        rng = random.Random(number)
        mine = sessions[number :: args.clients]
        try:
            for turn in range(10**6):
                session = mine[turn % len(mine)]
                _path, page, got = client.step("GET", ROLL_CALL.format(session=session))
                _path, _page, posted = client.step(
                    "POST", ROLL_CALL.format(session=session), roll_call_form(page, rng)
                )
                if turn < args.warmup:
                    continue
                with lock:
                    if remaining[0] <= 0 or time.monotonic() > stop_at:
                        return
                    remaining[0] -= 1
                    timings["get"].append(got)
                    timings["post"].append(posted)
        except Exception as error:  # a failed client must not hang the others
            failures.append(f"client {number}: {error!r}")
        finally:
            client.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client_loop, args=(n,), daemon=True)
               for n in range(args.clients)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=args.page_seconds + 120)
    if failures:
        raise SystemExit(f"roll call clients failed: {failures[:3]}")
    return {"seconds": time.monotonic() - started, **timings}


def server_env() -> dict:
    return bench_serve.production_env(PG_URL, REDIS_URL)


def prepare(args, deadline: Deadline) -> tuple[dict, str]:
    env = env_for(PG_URL)
    dataset_path = ROOT / "var" / "bench-training-dataset.json"
    if args.reuse and dataset_path.exists():
        dataset = json.loads(dataset_path.read_text(encoding="utf-8"))
        print("== reusing the generated database", flush=True)
        run([PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], env=env,
            deadline=deadline, what="migrate")  # fmt: skip
    else:
        print("== database recreated, migrations", flush=True)
        bench_serve.recreate_postgres(PG_URL)
        run([PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], env=env,
            deadline=deadline, what="migrate")  # fmt: skip
        print(f"== generating {args.files:,} files", flush=True)
        output = run(
            [PYTHON, "benchmarks/generate.py", "--files", str(args.files), "--referrals", "0"],
            env=env, deadline=deadline, what="generate",
        )  # fmt: skip
        dataset = json.loads(output.strip().splitlines()[-1])
        print(f"== generating {args.activities:,} activity records", flush=True)
        output = run(
            [PYTHON, "benchmarks/generate_activities.py", "--activities", str(args.activities)],
            env=env, deadline=deadline, what="generate activities",
        )  # fmt: skip
        dataset["activity_records"] = json.loads(output.strip().splitlines()[-1])
        print(f"== generating {args.enrolments:,} enrolments", flush=True)
        output = run(
            [PYTHON, "benchmarks/generate_training.py", "--enrolments", str(args.enrolments),
             "--programmes", str(args.programmes)],
            env=env, deadline=deadline, what="generate training",
        )  # fmt: skip
        dataset["training"] = json.loads(output.strip().splitlines()[-1])
        dataset_path.parent.mkdir(parents=True, exist_ok=True)
        dataset_path.write_text(json.dumps(dataset, ensure_ascii=False), encoding="utf-8")
    cookie = run(
        [PYTHON, "benchmarks/generate_training.py", "--session-for", ADMIN_EMAIL],
        env=server_env(), deadline=deadline, what="session",
    ).strip().splitlines()[-1]  # fmt: skip
    return dataset, cookie


def command_line(args) -> str:
    return (
        f".venv/bin/python benchmarks/bench_training.py --activities {args.activities} "
        f"--enrolments {args.enrolments} --programmes {args.programmes} --files {args.files} --requests {args.requests} "
        f"--warmup {args.warmup} --clients {args.clients} --page-seconds {args.page_seconds:g}"
    )


def report_lines(
    results, args, *, workers, dataset, db_version, started, seconds, roll_call=None
) -> list[str]:
    import django

    training = dataset["training"]
    records = dataset["activity_records"]
    lines = [
        "## Training: the programme dashboard at 50,000 enrolments and 1,000,000 records (issue 15)",
        "",
        f"- Command: `make bench` (that is `{command_line(args)}`)",
        f"- Date: {started:%Y-%m-%d %H:%M} UTC; the whole run took {seconds:.0f} s "
        f"(generating the programme: {training['seconds']:.0f} s); load average at the "
        f"start: {dataset.get('load', 'n/a')}.",
        f"- Machine: {machine()}; Python {platform.python_version()}, "
        f"Django {django.get_version()}, {db_version}.",
        f"- Server: gunicorn, {workers} sync worker processes, production settings "
        f"(benchmarks/settings_serve.py), on 127.0.0.1; {args.clients} keep-alive clients, "
        f"{args.warmup} warm-up requests each, then {args.requests} measured requests per "
        f"page (or {args.page_seconds:g} s).",
        f"- Dataset: {records['activities']:,} activity records, {dataset['files']:,} files "
        f"(benchmarks/generate.py, generate_activities.py); {training['programmes']} runs of "
        f"the 32-hour programme with {training['cohorts']:,} cohorts over "
        f"{training['sites']} spaces and three years, {training['sessions']:,} sessions, "
        f"{training['enrolments']:,} enrolments, {training['attendances']:,} attendance "
        f"rows, {training['survey_responses']:,} survey answers "
        "(benchmarks/generate_training.py, COPY). The dashboard measured is the first "
        f"programme's ({training['first_programme_enrolments']:,} enrolments, five times the "
        "real programme's 400 a year), signed in as the network admin (every space).",
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
    if roll_call is not None:
        for kind, label in (("get", "Roll call page (GET, tablet)"),
                            ("post", "Roll call posted (POST + attendance page)")):  # fmt: skip
            found = roll_call[kind]
            p95 = percentile(found, 95) if found else float("inf")
            median = statistics.median(found) if found else float("inf")
            met = "yes" if p95 < TARGET_P95_MS else "**no**"
            rps = len(found) / roll_call["seconds"] if roll_call["seconds"] else 0.0
            lines.append(
                f"| {label} | {len(found)} | {rps:.1f} | {median:.1f} | {p95:.1f} | {met} |"
            )
    lines += [
        "",
        "How the dashboard stays fast: every figure of every cohort comes from seven grouped "
        "queries (tisser/training/reporting.py), the sites and the total are sums in Python.",
        "",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Programme dashboard benchmark under gunicorn.")
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--enrolments", type=int, default=50_000)
    parser.add_argument("--programmes", type=int, default=25)
    parser.add_argument("--files", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=300, help="measured, per page")
    parser.add_argument("--warmup", type=int, default=3, help="per client, per page")
    parser.add_argument("--page-seconds", type=float, default=30, help="time budget per page")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--clients", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--time-limit", type=float, default=1800, help="seconds, whole run")
    parser.add_argument("--reuse", action="store_true", help="keep the generated database")
    parser.add_argument("--no-report", action="store_true", help="leave docs/ alone")
    parser.add_argument("--no-roll-call", action="store_true", help="the dashboard only")
    args = parser.parse_args(argv)

    started = datetime.datetime.now(datetime.UTC)
    clock = time.monotonic()
    deadline = Deadline(args.time_limit)
    dataset, cookie = prepare(args, deadline)
    dataset["load"] = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    server = bench_serve.Gunicorn(
        args.workers, ROOT / "var" / "bench-training-gunicorn.log", server_env()
    )
    results = bench_serve.serve_and_load(
        server, pages(dataset), cookie, args, deadline, clients=args.clients
    )
    roll_call = None
    sessions = dataset["training"].get("roll_call_sessions") or []
    if sessions and not args.no_roll_call:
        print("== the roll call, taken again on the tablet page", flush=True)
        server = bench_serve.Gunicorn(
            args.workers, ROOT / "var" / "bench-training-gunicorn.log", server_env()
        )
        try:
            server.wait_ready(deadline)
            roll_call = roll_calls(server.port, cookie, sessions, args, deadline)
        finally:
            server.stop()
    lines = report_lines(
        results,
        args,
        workers=args.workers,
        dataset=dataset,
        db_version=database_version(PG_URL),
        started=started,
        seconds=time.monotonic() - clock,
        roll_call=roll_call,
    )
    if not args.no_report:
        from benchmarks.results import write_section

        write_section("training", lines)
        print("   results written to docs/benchmarks.md")
    missed = [r.page.label for r in results if r.p95 >= TARGET_P95_MS]
    if roll_call is not None:
        missed += [
            f"roll call {kind}" for kind in ("get", "post")
            if percentile(roll_call[kind], 95) >= TARGET_P95_MS
        ]  # fmt: skip
    if missed:
        print("Target missed: " + "; ".join(missed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
