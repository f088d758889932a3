"""Adaptive diagnostic: the simulator of issue 13 on the real forms, 10,000 learners each.

For each form (entry, exit) and each set of domains (a jobseeker: all six; anyone else:
the five others), synthetic learners (true level drawn 30/30/20/12/8 % per domain, right
90 % of the time at or below it, otherwise at the item's guess rate) sit the diagnostic
through ``adaptive.next_item``; it prints the share of levels found exactly and within
one level, the items per sitting, and the CPU time per call of ``next_item`` (process
time, so that other work on the machine does not count): warm (what the
process already computed for those answers is reused) and cold (nothing kept, as after a
restart). Target: exact ≥ 70 %, within one ≥ 93 %, at most 24 items.

Pure Python, no database, no network. ``make bench`` runs it; the figures go to
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed_next_item(adaptive, timings: list[float]):
    original = adaptive.next_item

    def next_item(bank, domains, history):
        started = time.process_time()
        item = original(bank, domains, history)
        timings.append(time.process_time() - started)
        return item

    return original, next_item


def cold_timings(adaptive, simulator, bank, domains, *, sittings: int, seed: int) -> list[float]:
    """next_item with nothing kept from earlier calls, on every prefix of a few sittings."""
    rng = random.Random(seed)
    timings = []
    for _ in range(sittings):
        levels = {domain: simulator.draw_level(rng) for domain in domains}
        history, _levels = simulator.sit(bank, domains, levels, rng)
        for index in range(len(history) + 1):
            bank._memo.clear()
            started = time.process_time()
            adaptive.next_item(bank, domains, history[:index])
            timings.append(time.process_time() - started)
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--cold-sittings", type=int, default=100, help="sittings replayed for the cold timings"
    )
    parser.add_argument("--no-report", action="store_true", help="leave docs/ alone")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from tisser.diagnostics import adaptive, framework, simulator

    every = [domain.code for domain in framework.domains()]
    not_jobseeker = [domain.code for domain in framework.domains() if not domain.jobseekers_only]
    started_at = datetime.datetime.now(datetime.UTC)
    started = time.monotonic()
    rows = []
    warm: list[float] = []
    cold: list[float] = []
    all_met = True
    for kind in ("entry", "exit"):
        bank = framework.form_bank(kind)
        for who, domains in (("jobseeker", every), ("not a jobseeker", not_jobseeker)):
            original, wrapped = timed_next_item(adaptive, warm)
            adaptive.next_item = wrapped
            try:
                report = simulator.simulate(bank, domains, learners=args.learners, seed=args.seed)
            finally:
                adaptive.next_item = original
            met = simulator.meets_target(report)
            all_met &= met
            rows.append((kind, who, len(domains), report, met))
            print(
                f"{kind:<6} {who:<16} {len(domains)} domains: exact {report.exact_share:.1%}, "
                f"within one {report.within_one_share:.1%}, items {report.min_items}-"
                f"{report.max_items} (mean {report.mean_items:.2f}) "
                f"{'met' if met else 'MISSED'}",
                flush=True,
            )
            cold += cold_timings(
                adaptive, simulator, bank, domains, sittings=args.cold_sittings, seed=args.seed
            )
    seconds = time.monotonic() - started
    warm_us = [value * 1e6 for value in warm]
    cold_us = [value * 1e6 for value in cold]
    timing = (
        f"CPU time of `next_item` per call: warm median {statistics.median(warm_us):.0f} µs, "
        f"p99 {percentile(warm_us, 0.99):.0f} µs ({len(warm_us):,} calls); "
        f"cold median {statistics.median(cold_us):.0f} µs, p99 {percentile(cold_us, 0.99):.0f} µs, "
        f"max {max(cold_us):.0f} µs ({len(cold_us):,} calls)"
    )
    print(timing)
    print(f"whole run: {seconds:.1f} s")
    if not args.no_report:
        from benchmarks.bench_referrals import machine
        from benchmarks.results import write_section

        lines = [
            "## Adaptive diagnostic: the simulator on the real forms (issue 13)",
            "",
            "- Command: `make bench` (that is `.venv/bin/python "
            f"benchmarks/bench_diagnostic_simulator.py --learners {args.learners} "
            f"--seed {args.seed}`); the same table for any number of learners: "
            "`manage.py diagnostic_simulate --learners N --seed S [--kind entry|exit]`.",
            f"- Date: {started_at:%Y-%m-%d %H:%M} UTC; the whole run took {seconds:.0f} s.",
            f"- Machine: {machine()}; Python {platform.python_version()}.",
            "- Learners (fixed by the issue): true level per domain drawn 30/30/20/12/8 % over "
            "0–4; right 90 % of the time at or below it, otherwise at the item's guess rate. "
            "Shares are over (learner, domain) pairs.",
            "- Target: exact ≥ 70 %, within one level ≥ 93 %, at most 24 items.",
            "",
            "| Form | Person | Domains | Exact | Within one | Items (min–max) | Mean items | Target met |",
            "|---|---|---:|---:|---:|---:|---:|:-:|",
        ]
        for kind, who, count, report, met in rows:
            lines.append(
                f"| {kind} | {who} | {count} | {report.exact_share:.1%} | "
                f"{report.within_one_share:.1%} | {report.min_items}–{report.max_items} | "
                f"{report.mean_items:.2f} | {'yes' if met else '**no**'} |"
            )
        lines += [
            "",
            f"- {timing}. Warm: what the process already computed for "
            "a domain's answers is reused (the simulator, a busy server); cold: nothing kept "
            "(the first sitting after a restart).",
        ]
        write_section("diagnostic-simulator", lines)
        print(f"   results written to {Path('docs/benchmarks.md')}")
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
