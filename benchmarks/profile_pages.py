"""In-process cost of the pages measured by bench_serve.py: min and median ms per page.

The serving benchmark (benchmarks/bench_serve.py) measures throughput under gunicorn on a
machine shared with other work, where the figures move from minute to minute. This script
calls the WSGI application directly, one request at a time, on the same generated database
and with the same production settings (benchmarks/settings_serve.py), and reports for each
page the minimum and the median time over ``--runs`` requests (× ``--rounds``, the pages in
turn), each page's cost as a multiple of the anonymous home's, and the minimum CPU time of
this process (the Python side). On a busy machine trust the minima, and when the load is
heavy the CPU minima: the wall-clock ones then move with the other work.
``--profile PAGE`` prints a cProfile of that page instead (``--sort``, ``--top``);
``--queries`` prints the SQL of one request of each page (``SQL_WIDTH`` characters each).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tisser_bench_serve \\
        .venv/bin/python benchmarks/profile_pages.py --runs 200

Needs the database of ``bench_serve.py`` (run it once, or ``--reuse`` an existing one:
``var/bench-serve-dataset.json`` gives the sample name searched). Touches nothing but that
database (one session row) and the Redis database of ``PROFILE_REDIS_URL``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MANAGER_EMAIL = "responsable@demo.tisser.fr"


def setup() -> None:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tisser_bench_serve")
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings_serve"
    os.environ.setdefault(
        "SECRET_KEY", "benchmark-only-secret-key-not-used-anywhere-else-0123456789"
    )
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,testserver")
    os.environ.setdefault(
        "REDIS_URL", os.environ.get("PROFILE_REDIS_URL", "redis://127.0.0.1:6379/5")
    )
    os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", "30000")
    import django

    django.setup()


def pages() -> list[tuple[str, str, bool]]:
    dataset_path = ROOT / "var" / "bench-serve-dataset.json"
    name = "José Lédet"
    if dataset_path.exists():
        name = json.loads(dataset_path.read_text(encoding="utf-8"))["samples"]["accented_name"]
    return [
        ("anonymous", "/", False),
        ("staff_home", "/espace-pro/", True),
        ("inbox", "/espace-pro/orientations/a-traiter/", True),
        ("search", f"/espace-pro/dossiers/?q={urllib.parse.quote_plus(name)}", True),
    ]


class Caller:
    """Calls the WSGI application the way gunicorn does (no test client bookkeeping)."""

    def __init__(self, cookie: str):
        from django.core.wsgi import get_wsgi_application

        self.app = get_wsgi_application()
        self.cookie = cookie

    def get(self, path: str, signed_in: bool) -> tuple[str, bytes]:
        route, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": urllib.parse.unquote(route).encode("utf-8").decode("latin-1"),
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "REMOTE_ADDR": "127.0.0.1",
        }
        if signed_in:
            environ["HTTP_COOKIE"] = f"sessionid={self.cookie}"
        status = []

        def start_response(value, headers, exc_info=None):
            status.append(value)

        result = self.app(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return status[0], body


def measure(caller: Caller, path: str, signed_in: bool, runs: int) -> list[tuple[float, float]]:
    """(wall ms, CPU ms of this process) per request: on a busy machine the CPU time of the
    Python side moves much less than the wall time."""
    timings = []
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        caller.get(path, signed_in)
        timings.append(((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000))
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100, help="measured requests per page")
    parser.add_argument("--rounds", type=int, default=3, help="the pages in turn, N times")
    parser.add_argument("--only", nargs="*", help="page keys to measure")
    parser.add_argument("--profile", metavar="PAGE", help="cProfile this page")
    parser.add_argument("--top", type=int, default=45, help="lines of the profile")
    parser.add_argument("--sort", default="cumulative", help="profile sort key")
    parser.add_argument("--queries", action="store_true", help="print each page's SQL")
    args = parser.parse_args(argv)
    setup()

    from benchmarks.generate import create_session

    caller = Caller(create_session(email=MANAGER_EMAIL, role="site_manager"))
    chosen = [p for p in pages() if not args.only or p[0] in args.only]
    for key, path, signed_in in chosen:  # warm up, and check each page is the real one
        for _ in range(5):
            status, body = caller.get(path, signed_in)
        if not status.startswith("200"):
            raise SystemExit(f"{key}: HTTP {status}")
        if signed_in and b'class="logout"' not in body:
            raise SystemExit(f"{key}: not a signed-in page")

    if args.queries:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        for key, path, signed_in in chosen:
            with CaptureQueriesContext(connection) as captured:
                caller.get(path, signed_in)
            print(f"== {key}: {len(captured.captured_queries)} queries")
            for query in captured.captured_queries:
                print(
                    f"   {query['time']}s  {query['sql'][: int(os.environ.get('SQL_WIDTH', 300))]}"
                )

    if args.profile:
        key, path, signed_in = next(p for p in chosen if p[0] == args.profile)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.runs):
            caller.get(path, signed_in)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats(args.sort).print_stats(args.top)
        return 0

    timings: dict[str, list[tuple[float, float]]] = {key: [] for key, _p, _s in chosen}
    for _ in range(args.rounds):
        for key, path, signed_in in chosen:
            timings[key] += measure(caller, path, signed_in, args.runs)
    wall = {key: [t[0] for t in values] for key, values in timings.items()}
    cpu = {key: [t[1] for t in values] for key, values in timings.items()}
    base = min(wall["anonymous"]) if "anonymous" in wall else None
    base_cpu = min(cpu["anonymous"]) if "anonymous" in cpu else None
    print(
        f"{'page':12} {'min ms':>8} {'median':>8} {'x anon':>7} {'share':>6}"
        f" {'CPU min':>8} {'x anon':>7}"
    )
    for key in timings:
        low, low_cpu = min(wall[key]), min(cpu[key])
        ratio = f"{low / base:7.2f} {base / low:6.0%}" if base else ""
        ratio_cpu = f"{low_cpu / base_cpu:7.2f}" if base_cpu else ""
        print(
            f"{key:12} {low:8.2f} {statistics.median(wall[key]):8.2f} {ratio}"
            f" {low_cpu:8.2f} {ratio_cpu}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
