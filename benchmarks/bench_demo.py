"""Demo loading time: ``manage.py seed_demo`` (profile ``full``, what ``make run`` loads) on a
fresh SQLite database, as a new developer's first ``make run`` does. Target: at most 3
minutes, and still so after every later issue adds its builder.

Bounded: one migrate and one seed, each with a timeout; it touches only var/bench-demo.sqlite3.
``make bench`` runs it; the figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = ROOT / "var" / "bench-demo.sqlite3"
TARGET_SECONDS = 180


def run(*args: str, timeout: float) -> tuple[float, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"sqlite:///{DATABASE}",
    }
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    return time.monotonic() - started, result.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="full", choices=["full", "ci"])
    parser.add_argument("--no-report", action="store_true", help="leave docs/ alone")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    DATABASE.parent.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DATABASE}{suffix}").unlink(missing_ok=True)
    started = datetime.datetime.now(datetime.UTC)
    migrate_seconds, _ = run("migrate", "--no-input", "-v", "0", timeout=600)
    seed_seconds, output = run("seed_demo", "--profile", args.profile, timeout=TARGET_SECONDS * 3)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DATABASE}{suffix}").unlink(missing_ok=True)
    met = "met" if seed_seconds <= TARGET_SECONDS else "MISSED"
    print(output.strip())
    print(
        f"seed_demo --profile {args.profile}: {seed_seconds:.1f} s ({met}, target {TARGET_SECONDS} s)"
    )
    if not args.no_report:
        from benchmarks.bench_referrals import machine
        from benchmarks.results import write_section

        lines = [
            "## Demo loading time (`make run` on an empty database)",
            "",
            f"- Command: `make bench` (that is `.venv/bin/python benchmarks/bench_demo.py"
            f" --profile {args.profile}`)",
            f"- Date: {started:%Y-%m-%d %H:%M} UTC.",
            f"- Machine: {machine()}; Python {platform.python_version()}.",
            f"- Fresh SQLite database: migrate {migrate_seconds:.1f} s, then "
            f"`seed_demo --profile {args.profile}` **{seed_seconds:.1f} s** "
            f"(target ≤ {TARGET_SECONDS} s: {met}).",
            "- What it wrote: " + " ".join(line.strip() for line in output.splitlines()),
        ]
        write_section("demo", lines)
    return 0 if seed_seconds <= TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
