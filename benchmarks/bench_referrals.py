"""Referral benchmark: the site inbox and the file search over HTTP, at scale.

For PostgreSQL (a dedicated database, dropped and recreated) and SQLite (var/bench.sqlite3):

1. migrate, then generate 100,000 files and 200,000 referrals over the 12 demo spaces
   (benchmarks/generate.py);
2. start the app (``manage.py runserver --noreload``: threaded, DEBUG off) on 127.0.0.1
   with a free port;
3. sign the Strasbourg site manager in (a session with TOTP enrolled, sent as a cookie);
4. time each endpoint over HTTP on loopback: warm-up requests, then measured requests,
   one at a time; report the median and the 95th percentile;
5. stop the server, and write the figures to docs/benchmarks.md.

Bounded: every subprocess and request has a timeout and the whole run a deadline
(``--time-limit``, 570 s by default); it touches nothing but loopback and the two
benchmark databases. ``make bench`` runs it.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DOC = ROOT / "docs" / "benchmarks.md"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/tisser_bench")
SQLITE_PATH = ROOT / "var" / "bench.sqlite3"
MANAGER_EMAIL = "responsable@demo.tisser.fr"
TARGET_MEDIAN_MS = 100
TARGET_P95_MS = 250
REQUEST_TIMEOUT = 30


class Deadline:
    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return self.end - time.monotonic()

    def check(self, what: str) -> None:
        if self.left() <= 0:
            raise TimeoutError(f"time limit reached before: {what}")


@dataclass
class Endpoint:
    group: str  # "inbox" or "search"
    label: str
    path: str
    expect: str = ""  # text the page must contain (checks the query found something)


@dataclass
class Measure:
    endpoint: Endpoint
    timings_ms: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.timings_ms)

    @property
    def p95(self) -> float:
        return percentile(self.timings_ms, 95)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, round(pct / 100 * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


# --- databases -------------------------------------------------------------------------------


def recreate_postgres(url: str) -> None:
    import psycopg

    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/")
    if not name.endswith("_bench"):
        raise SystemExit(f"Refused: the benchmark database name must end with _bench ({name}).")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def recreate_sqlite(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def env_for(url: str, settings: str = "config.settings.dev") -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": settings,
            "PYTHONUNBUFFERED": "1",
            # Generating 300,000 rows takes more than the web statement timeout.
            "DB_STATEMENT_TIMEOUT_MS": "600000",
        }
    )
    return env


def run(cmd: list[str], *, env: dict, deadline: Deadline, what: str) -> str:
    deadline.check(what)
    done = subprocess.run(
        cmd,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=max(5.0, deadline.left()),
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"{what} failed (exit {done.returncode})")
    return done.stdout


# --- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """A web server that a benchmark starts on a free loopback port, waits for and stops."""

    name = "the benchmark server"

    def __init__(self, command: list[str], env: dict[str, str], log_path: Path, port: int):
        self.port = port
        self.command = command
        self.log = log_path.open("w")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )

    def wait_ready(self, deadline: Deadline, limit: float = 60) -> None:
        end = time.monotonic() + min(limit, max(deadline.left(), 1))
        while time.monotonic() < end:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} stopped at start-up (see its log)")
            try:
                status, _body, _ms = get(self.port, "/", cookie="")
                if status < 500:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"{self.name} did not answer in time")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


class Server(ServerProcess):
    """``manage.py runserver`` (threaded, DEBUG off: benchmarks/settings.py)."""

    def __init__(self, url: str, log_path: Path):
        env = env_for(url, "benchmarks.settings")
        env["DB_STATEMENT_TIMEOUT_MS"] = "30000"
        port = free_port()
        command = [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
        super().__init__(command, env, log_path, port)


def get(port: int, path: str, *, cookie: str) -> tuple[int, str, float]:
    """One GET on loopback; the time covers connecting, the answer and reading the body."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        return response.status, body.decode("utf-8", "replace"), elapsed
    finally:
        conn.close()


# --- one database ----------------------------------------------------------------------------


def endpoints(samples: dict) -> list[Endpoint]:
    inbox = "/espace-pro/orientations/a-traiter/"
    search = "/espace-pro/dossiers/"

    def q(value: str) -> str:
        return urllib.parse.quote_plus(value)

    last_name = samples["accented_name"].split(" ", 1)[1]
    return [
        Endpoint("inbox", "New referrals (the default view)", inbox),
        Endpoint("inbox", "All statuses, page 1", f"{inbox}?status=all"),
        Endpoint("inbox", "All statuses, page 100", f"{inbox}?status=all&page=100"),
        Endpoint("inbox", "Accepted (appointments to come)", f"{inbox}?status=accepted"),
        Endpoint(
            "inbox",
            "One partner, sent more than 20 days ago",
            f"{inbox}?status=all&partner={samples['partner_id']}&age=gt20",
        ),
        Endpoint("inbox", f"Name filter « {last_name} »", f"{inbox}?status=all&q={q(last_name)}"),
        Endpoint(
            "search",
            f"Name with accents « {samples['accented_name']} »",
            f"{search}?q={q(samples['accented_name'])}",
            expect=samples["accented_name"].split(" ", 1)[1],
        ),
        Endpoint(
            "search",
            f"Name with a typo « {samples['typo_name']} »",
            f"{search}?q={q(samples['typo_name'])}",
            expect=samples["typo_finds"],
        ),
        Endpoint(
            "search",
            f"Phone « {samples['phone']} »",
            f"{search}?q={q(samples['phone'])}",
            expect=samples["file_number"],
        ),
        Endpoint(
            "search",
            f"File number « {samples['file_number']} »",
            f"{search}?q={q(samples['file_number'])}",
            expect=samples["file_number"],
        ),
    ]


@dataclass
class DatabaseRun:
    name: str
    url: str
    dataset: dict
    measures: list[Measure]
    server_version: str


def bench_database(name: str, url: str, args, deadline: Deadline) -> DatabaseRun:
    print(f"== {name}: database recreated, migrations", flush=True)
    if url.startswith("postgres"):
        recreate_postgres(url)
    else:
        recreate_sqlite(SQLITE_PATH)
    env = env_for(url)
    run([PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], env=env, deadline=deadline,
        what="migrate")  # fmt: skip
    print(f"== {name}: generating {args.files} files, {args.referrals} referrals", flush=True)
    output = run(
        [PYTHON, "benchmarks/generate.py", "--files", str(args.files), "--referrals",
         str(args.referrals)],
        env=env, deadline=deadline, what="generate",
    )  # fmt: skip
    dataset = json.loads(output.strip().splitlines()[-1])
    print(f"   {json.dumps(dataset, ensure_ascii=False)}", flush=True)
    cookie = run(
        [PYTHON, "benchmarks/generate.py", "--session-for", MANAGER_EMAIL],
        env=env, deadline=deadline, what="session",
    ).strip().splitlines()[-1]  # fmt: skip

    log_path = ROOT / "var" / f"bench-server-{name.lower()}.log"
    server = Server(url, log_path)
    measures: list[Measure] = []
    try:
        server.wait_ready(deadline)
        for endpoint in endpoints(dataset["samples"]):
            measure = Measure(endpoint)
            for i in range(args.warmup + args.requests):
                deadline.check(endpoint.label)
                status, body, elapsed = get(server.port, endpoint.path, cookie=cookie)
                if status != 200:
                    raise SystemExit(f"{endpoint.path}: HTTP {status} (see {log_path})")
                if i == 0 and endpoint.expect and endpoint.expect.lower() not in body.lower():
                    raise SystemExit(f"{endpoint.path}: the page does not show {endpoint.expect}")
                if i >= args.warmup:
                    measure.timings_ms.append(elapsed)
            measures.append(measure)
            print(
                f"   {endpoint.group:6} {endpoint.label[:60]:60} median {measure.median:6.1f} ms"
                f"  p95 {measure.p95:6.1f} ms",
                flush=True,
            )
    finally:
        server.stop()
    return DatabaseRun(name, url, dataset, measures, database_version(url))


def database_version(url: str) -> str:
    if url.startswith("postgres"):
        import psycopg

        with psycopg.connect(url, connect_timeout=10) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
        return f"PostgreSQL {version}"
    return f"SQLite {sqlite3.sqlite_version}"


# --- the report ------------------------------------------------------------------------------


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB of memory"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){memory}, {platform.system()} {platform.release()}"


def verdict(value: float, target: float) -> str:
    return "yes" if value < target else "**no**"


def number(value: int) -> str:
    return f"{value:,}"


def write_report(runs: list[DatabaseRun], args, started: datetime.datetime, seconds: float):
    import django

    lines = [
        "## Site inbox and file search at scale (issue 3)",
        "",
        f"- Command: `make bench` (that is `.venv/bin/python benchmarks/bench_referrals.py"
        f" --files {args.files} --referrals {args.referrals} --requests {args.requests}"
        f" --warmup {args.warmup}`)",
        f"- Date: {started:%Y-%m-%d %H:%M} UTC; the whole run took {seconds:.0f} s.",
        f"- Machine: {machine()}; Python {platform.python_version()}, Django {django.get_version()}.",
        "- Server: `manage.py runserver --noreload` (threaded WSGI, one thread per request, "
        "DEBUG off: benchmarks/settings.py) on 127.0.0.1; client on the same machine, one "
        "request at a time, a new connection per request (http.client). The time is measured "
        "from connecting to the last byte of the page.",
        "- Signed in as the Strasbourg site manager (session cookie, TOTP enrolled): every "
        "page runs the full middleware stack (session, membership, access policy, 2FA check, "
        "navigation badge counts).",
        f"- Per endpoint: {args.warmup} warm-up requests, then {args.requests} measured.",
        f"- Targets on PostgreSQL: median < {TARGET_MEDIAN_MS} ms and 95th percentile < "
        f"{TARGET_P95_MS} ms for the inbox and the search.",
        "",
    ]
    for db in runs:
        data = db.dataset
        lines += [
            f"### {db.name} ({db.server_version})",
            "",
            f"Dataset: {number(data['files'])} files, {number(data['referrals'])} referrals, "
            f"{number(data['appointments'])} appointments over {data['sites']} spaces, "
            f"generated in {data['seconds']} s ("
            + ", ".join(f"{step} {secs} s" for step, secs in data["timings"].items())
            + ").",
            "",
            "| Page | Endpoint | Median (ms) | p95 (ms) | Median < 100 | p95 < 250 |",
            "|---|---|---:|---:|:-:|:-:|",
        ]
        for measure in db.measures:
            lines.append(
                f"| {measure.endpoint.group} | {measure.endpoint.label} "
                f"| {measure.median:.1f} | {measure.p95:.1f} "
                f"| {verdict(measure.median, TARGET_MEDIAN_MS)} "
                f"| {verdict(measure.p95, TARGET_P95_MS)} |"
            )
        for group in ("inbox", "search"):
            values = [t for m in db.measures if m.endpoint.group == group for t in m.timings_ms]
            if values:
                lines.append(
                    f"| **{group}** | all endpoints together | **{statistics.median(values):.1f}** "
                    f"| **{percentile(values, 95):.1f}** "
                    f"| {verdict(statistics.median(values), TARGET_MEDIAN_MS)} "
                    f"| {verdict(percentile(values, 95), TARGET_P95_MS)} |"
                )
        lines.append("")
    notes = Path(__file__).with_name("NOTES.md")
    if notes.exists():
        lines += [notes.read_text(encoding="utf-8").rstrip(), ""]
    from benchmarks.results import write_section

    write_section("referrals", lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Inbox and file search benchmark.")
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--referrals", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--only", choices=["postgresql", "sqlite"])
    parser.add_argument("--time-limit", type=float, default=570, help="seconds, whole run")
    parser.add_argument(
        "--no-report", action="store_true", help="print the figures, leave docs/ alone"
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

    started = datetime.datetime.now(datetime.UTC)
    clock = time.monotonic()
    deadline = Deadline(args.time_limit)
    databases = [("PostgreSQL", PG_URL), ("SQLite", f"sqlite:///{SQLITE_PATH}")]
    if args.only:
        databases = [db for db in databases if db[0].lower() == args.only]
    runs = [bench_database(name, url, args, deadline) for name, url in databases]
    seconds = time.monotonic() - clock
    print(f"== done in {seconds:.0f} s", flush=True)
    if not args.no_report and not args.only:
        write_report(runs, args, started, seconds)
        print(f"   results written to {DOC.relative_to(ROOT)}")
    missed = [
        f"{db.name} {m.endpoint.label}"
        for db in runs
        if db.name == "PostgreSQL"
        for m in db.measures
        if m.median >= TARGET_MEDIAN_MS or m.p95 >= TARGET_P95_MS
    ]
    if missed:
        print("Target missed: " + "; ".join(missed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
