"""Serving benchmark: throughput and p95 of public and signed-in pages under gunicorn.

1. recreate the PostgreSQL database ``tisser_bench_serve`` (``BENCH_SERVE_PG_URL``), migrate,
   generate 100,000 files and 200,000 referrals (benchmarks/generate.py, as the referral
   benchmark does) and a signed-in session of the Strasbourg site manager (TOTP enrolled);
2. start gunicorn on 127.0.0.1 (a free port) with as many worker processes as cores and the
   production settings (benchmarks/settings_serve.py: config.settings.prod, plain HTTP);
3. for each page in turn — the public home (anonymous), the staff home, the site inbox and
   the file search (signed in) — 8 client threads, each with its own keep-alive connection
   (http.client), send GETs back to back: a warm-up, then a fixed number of measured
   requests (or until the page's time budget runs out); report requests per second (measured
   requests / wall time) and the 95th percentile of the response times;
4. stop the server and write the figures to docs/benchmarks.md (section ``serve``).

Bounded: every request has a timeout, each page a time budget, the whole run a deadline
(``--time-limit``); it touches nothing but loopback and its own database. ``make bench``
runs it. ``--reuse`` skips step 1 when the database is already generated (profiling runs).
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
import statistics
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_referrals import (  # noqa: E402
    MANAGER_EMAIL,
    Deadline,
    ServerProcess,
    database_version,
    env_for,
    free_port,
    machine,
    percentile,
    run,
)

PYTHON = sys.executable
PG_URL = os.environ.get(
    "BENCH_SERVE_PG_URL", "postgres://postgres@127.0.0.1:5432/tisser_bench_serve"
)
REDIS_URL = os.environ.get("BENCH_SERVE_REDIS_URL", "redis://127.0.0.1:6379/12")
CLIENTS = 8
REQUEST_TIMEOUT = 30
TARGET_SHARE = 0.30  # signed-in inbox and search: at least 30 % of the anonymous page's rate
TARGET_P95_MS = 250


@dataclass
class Page:
    key: str
    label: str
    path: str
    signed_in: bool
    expect: str = ""  # text the page must contain (checks it is the real page)


@dataclass
class Result:
    page: Page
    timings_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0
    errors: int = 0

    @property
    def rps(self) -> float:
        return len(self.timings_ms) / self.seconds if self.seconds else 0.0

    @property
    def p95(self) -> float:
        return percentile(self.timings_ms, 95)

    @property
    def median(self) -> float:
        return statistics.median(self.timings_ms)


def pages(samples: dict) -> list[Page]:
    name = samples["accented_name"]
    return [
        Page("anonymous", "Public home (anonymous)", "/", signed_in=False),
        Page("staff_home", "Staff home", "/espace-pro/", signed_in=True),
        Page("inbox", "Site inbox (new referrals)", "/espace-pro/orientations/a-traiter/", True),
        Page(
            "search",
            f"File search « {name} »",
            f"/espace-pro/dossiers/?q={urllib.parse.quote_plus(name)}",
            signed_in=True,
            expect=name.split(" ", 1)[1],
        ),
    ]


# --- the database ----------------------------------------------------------------------------


def recreate_postgres(url: str) -> None:
    import psycopg

    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/")
    if "_bench" not in name:
        raise SystemExit(f"Refused: the benchmark database name must contain _bench ({name}).")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def prepare(args, deadline: Deadline) -> tuple[dict, str]:
    env = env_for(PG_URL)
    dataset_path = ROOT / "var" / "bench-serve-dataset.json"
    if args.reuse and dataset_path.exists():
        dataset = json.loads(dataset_path.read_text(encoding="utf-8"))
        print("== reusing the generated database", flush=True)
    else:
        print("== database recreated, migrations", flush=True)
        recreate_postgres(PG_URL)
        run([PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], env=env,
            deadline=deadline, what="migrate")  # fmt: skip
        print(f"== generating {args.files} files, {args.referrals} referrals", flush=True)
        output = run(
            [PYTHON, "benchmarks/generate.py", "--files", str(args.files), "--referrals",
             str(args.referrals)],
            env=env, deadline=deadline, what="generate",
        )  # fmt: skip
        dataset = json.loads(output.strip().splitlines()[-1])
        dataset_path.parent.mkdir(parents=True, exist_ok=True)
        dataset_path.write_text(json.dumps(dataset, ensure_ascii=False), encoding="utf-8")
    # The session is signed with the server's SECRET_KEY: create it with the server's settings.
    cookie = run(
        [PYTHON, "benchmarks/generate.py", "--session-for", MANAGER_EMAIL],
        env=server_env(), deadline=deadline, what="session",
    ).strip().splitlines()[-1]  # fmt: skip
    return dataset, cookie


# --- the server ------------------------------------------------------------------------------


def production_env(pg_url: str, redis_url: str) -> dict:
    """The environment of gunicorn with the production settings on a benchmark database
    (shared by every benchmark that serves pages: serve, activities, stock)."""
    env = env_for(pg_url, "benchmarks.settings_serve")
    env.update(
        {
            "SECRET_KEY": "benchmark-only-secret-key-not-used-anywhere-else-0123456789",
            "ALLOWED_HOSTS": "127.0.0.1",
            "REDIS_URL": redis_url,
            "DB_STATEMENT_TIMEOUT_MS": "30000",
        }
    )
    return env


def server_env() -> dict:
    return production_env(PG_URL, REDIS_URL)


class Gunicorn(ServerProcess):
    """gunicorn with the production settings (benchmarks/settings_serve.py)."""

    name = "gunicorn"

    def __init__(self, workers: int, log_path: Path, env: dict | None = None):
        self.workers = workers
        port = free_port()
        command = [
            PYTHON, "-m", "gunicorn", "config.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--worker-class", "sync", "--timeout", "60", "--log-level", "warning",
        ]  # fmt: skip
        super().__init__(command, env or server_env(), log_path, port)


def serve_and_load(server, pages, cookie: str, args, deadline, **load_options) -> list:
    """Start ``server``, load each page in turn (check it, warm up, measure), print each
    figure, stop the server whatever happens; ``load_options`` go to ``load``."""
    results = []
    try:
        server.wait_ready(deadline)
        for page in pages:
            deadline.check(page.label)
            check_page(server.port, page, cookie)
            budget = min(args.page_seconds, max(deadline.left() - REQUEST_TIMEOUT, 1))
            result = load(
                server.port, page, cookie, requests=args.requests, warmup=args.warmup,
                budget=budget, **load_options,
            )  # fmt: skip
            results.append(result)
            print(
                f"   {page.label[:40]:40} {result.rps:7.1f} req/s  median {result.median:6.1f}"
                f" ms  p95 {result.p95:6.1f} ms  ({len(result.timings_ms)} requests)",
                flush=True,
            )
    finally:
        server.stop()
    return results


# --- the load --------------------------------------------------------------------------------


class Client:
    """One keep-alive connection; reconnects when the server closes it."""

    def __init__(self, port: int, cookie: str):
        self.port = port
        self.headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
        self.conn: http.client.HTTPConnection | None = None

    def get(self, path: str) -> tuple[int, bytes, float]:
        started = time.perf_counter()
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=REQUEST_TIMEOUT
                )
            try:
                self.conn.request("GET", path, headers=self.headers)
                response = self.conn.getresponse()
                body = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status, body, (time.perf_counter() - started) * 1000
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A keep-alive connection closed by the server: retry once on a new one.
                self.close()
                if attempt == 2:
                    raise
                started = time.perf_counter()
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def check_page(port: int, page: Page, cookie: str) -> None:
    client = Client(port, cookie if page.signed_in else "")
    try:
        status, body, _ms = client.get(page.path)
    finally:
        client.close()
    if status != 200:
        raise SystemExit(f"{page.path}: HTTP {status} (expected 200: is the session valid?)")
    text = body.decode("utf-8", "replace")
    if page.expect and page.expect.lower() not in text.lower():
        raise SystemExit(f"{page.path}: the page does not show {page.expect}")
    if page.signed_in and 'class="logout"' not in text:
        raise SystemExit(f"{page.path}: not a signed-in page")


def load(
    port: int,
    page: Page,
    cookie: str,
    *,
    requests: int,
    warmup: int,
    budget: float,
    clients: int = CLIENTS,
):
    """``clients`` threads share ``requests`` measured requests after ``warmup`` each."""
    result = Result(page)
    lock = threading.Lock()
    remaining = [requests]
    failures: list[str] = []
    clock = {"started": 0.0, "stop_at": 0.0}

    def start() -> None:  # run once, when every client has warmed up, before any goes on
        clock["started"] = time.monotonic()
        clock["stop_at"] = clock["started"] + budget

    start_barrier = threading.Barrier(clients + 1, action=start)

    def worker() -> None:
        client = Client(port, cookie if page.signed_in else "")
        try:
            for _ in range(warmup):
                client.get(page.path)
            start_barrier.wait(timeout=REQUEST_TIMEOUT * 2)
            while True:
                with lock:
                    if remaining[0] <= 0 or time.monotonic() > clock["stop_at"]:
                        return
                    remaining[0] -= 1
                status, _body, elapsed = client.get(page.path)
                with lock:
                    if status == 200:
                        result.timings_ms.append(elapsed)
                    else:
                        result.errors += 1
        except Exception as error:  # a failed client must not hang the others
            failures.append(repr(error))
            start_barrier.abort()
        finally:
            client.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    try:
        start_barrier.wait(timeout=REQUEST_TIMEOUT * 2 + budget)
    except threading.BrokenBarrierError:
        raise SystemExit(f"{page.path}: a client failed during the warm-up: {failures}") from None
    for thread in threads:
        thread.join(timeout=budget + REQUEST_TIMEOUT + 5)
    result.seconds = time.monotonic() - clock["started"]
    if failures:
        raise SystemExit(f"{page.path}: client errors: {failures[:3]}")
    if result.errors:
        raise SystemExit(f"{page.path}: {result.errors} answers were not HTTP 200")
    return result


# --- the report ------------------------------------------------------------------------------


def command_line(args) -> str:
    return (
        f".venv/bin/python benchmarks/bench_serve.py --files {args.files} --referrals "
        f"{args.referrals} --requests {args.requests} --warmup {args.warmup} "
        f"--page-seconds {args.page_seconds:g}"
    )


def report_lines(results, args, *, workers, dataset, db_version, started, seconds) -> list[str]:
    import django

    anonymous = results[0].rps
    lines = [
        "## Serving: public and signed-in pages under gunicorn (issue 7)",
        "",
        f"- Command: `make bench` (that is `{command_line(args)}`)",
        f"- Date: {started:%Y-%m-%d %H:%M} UTC; the whole run took {seconds:.0f} s.",
        f"- Machine: {machine()}; Python {platform.python_version()}, "
        f"Django {django.get_version()}, {db_version}.",
        f"- Server: gunicorn, {workers} sync worker processes (one per core), production "
        "settings (benchmarks/settings_serve.py: config.settings.prod over plain HTTP; DEBUG "
        "off, cached templates, persistent database connections, Redis cache), on 127.0.0.1.",
        f"- Load: {CLIENTS} client threads on the same machine, one HTTP/1.1 connection each "
        "(http.client; gunicorn's sync workers close it after each answer, so the clients "
        f"reconnect), requests back to back; per page {args.warmup} warm-up requests per "
        f"client, then {args.requests} measured requests (or {args.page_seconds:g} s, whichever "
        "ends first). Rate = measured requests / wall time; times from sending the request "
        "to the last byte.",
        f"- Dataset: {dataset['files']:,} files, {dataset['referrals']:,} referrals over "
        f"{dataset['sites']} spaces (benchmarks/generate.py). Signed in as the Strasbourg "
        "site manager (TOTP enrolled): the full middleware stack and the navigation badge; "
        "no page is cached.",
        f"- Targets: the inbox and the search at least {TARGET_SHARE:.0%} of the anonymous "
        f"page's rate, p95 < {TARGET_P95_MS} ms.",
        "",
        "| Page | Requests | Requests/s | Share of anonymous | Median (ms) | p95 (ms) "
        "| Target met |",
        "|---|---:|---:|---:|---:|---:|:-:|",
    ]
    for result in results:
        share = result.rps / anonymous if anonymous else 0.0
        met = ""
        if result.page.key in ("inbox", "search"):
            met = "yes" if share >= TARGET_SHARE and result.p95 < TARGET_P95_MS else "**no**"
        lines.append(
            f"| {result.page.label} | {len(result.timings_ms)} | {result.rps:.1f} "
            f"| {share:.0%} | {result.median:.1f} | {result.p95:.1f} | {met} |"
        )
    history = Path(__file__).with_name("NOTES_SERVE.md")
    if history.exists():
        lines += ["", history.read_text(encoding="utf-8").rstrip()]
    lines.append("")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serving benchmark under gunicorn.")
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--referrals", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=2000, help="measured, per page")
    parser.add_argument("--warmup", type=int, default=10, help="per client, per page")
    parser.add_argument("--page-seconds", type=float, default=30, help="time budget per page")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--time-limit", type=float, default=480, help="seconds, whole run")
    parser.add_argument("--reuse", action="store_true", help="keep the generated database")
    parser.add_argument("--no-report", action="store_true", help="leave docs/ alone")
    args = parser.parse_args(argv)

    started = datetime.datetime.now(datetime.UTC)
    clock = time.monotonic()
    deadline = Deadline(args.time_limit)
    dataset, cookie = prepare(args, deadline)
    log_path = ROOT / "var" / "bench-serve-gunicorn.log"
    server = Gunicorn(args.workers, log_path)
    results: list[Result] = serve_and_load(
        server, pages(dataset["samples"]), cookie, args, deadline
    )
    seconds = time.monotonic() - clock
    lines = report_lines(
        results,
        args,
        workers=args.workers,
        dataset=dataset,
        db_version=database_version(PG_URL),
        started=started,
        seconds=seconds,
    )
    if not args.no_report:
        from benchmarks.results import write_section

        write_section("serve", lines)
        print("   results written to docs/benchmarks.md")
    anonymous = results[0].rps
    missed = [
        r.page.label
        for r in results
        if r.page.key in ("inbox", "search")
        and (r.rps < TARGET_SHARE * anonymous or r.p95 >= TARGET_P95_MS)
    ]
    if missed:
        print("Target missed: " + "; ".join(missed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
