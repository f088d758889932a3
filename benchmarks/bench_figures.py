"""Impact figures at national scale: the network dashboard from the roll-ups (issue 16).

1. recreate the PostgreSQL database ``tisser_bench_figures`` (``BENCH_FIGURES_PG_URL``),
   migrate and generate a 12-space network with 1,000,000 files, 10,000,000 activity
   records over two years with their participants, 1,000,000 paid sales with their lines,
   devices, codes, payments and returns, referrals and diagnostics
   (benchmarks/generate_figures.py, set-based SQL), timed;
2. build the roll-ups of the whole range (``tisser.reporting.rollups.rebuild``), timed;
3. start gunicorn with the production settings (benchmarks/settings_serve.py), one worker
   per core, and load the network dashboard for the last year of data, signed in as the
   network admin (TOTP enrolled), as bench_serve.py does: warm-up, then a bounded number of
   measured requests; median and p95 over HTTP;
4. in the same run, compute the same figures from the raw records: the dashboard's own
   build (``tisser.reporting.dashboard.build``: every indicator, the per-site table, the
   month chart and the breakdowns) with every figure read through
   ``tisser.reporting.figures`` with ``source="raw"`` (the reference implementations),
   timed; and check that the roll-ups and the raw records give the same figures;
5. mark one day of writes stale (every space, every dimension, the last day of data: about
   a 730th of the records) and time ``tisser.reporting.rollups.refresh_stale``;
6. write the figures to docs/benchmarks.md (section ``figures``).

Targets: the dashboard's p95 < 300 ms over HTTP and at least 20 times faster than the raw
computation; the refresh of a day < 60 s. ``make bench`` runs it; ``--reuse`` keeps the
generated database (and its roll-ups with ``--keep-rollups``). Bounded: a deadline for the
whole run, a time budget per page, loopback only.
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
    Deadline,
    database_version,
    env_for,
    machine,
    run,
)
from benchmarks.bench_serve import Page  # noqa: E402

PYTHON = sys.executable
PG_URL = os.environ.get(
    "BENCH_FIGURES_PG_URL", "postgres://postgres@127.0.0.1:5432/tisser_bench_figures"
)
REDIS_URL = os.environ.get("BENCH_FIGURES_REDIS_URL", "redis://127.0.0.1:6379/7")
TARGET_P95_MS = 300
TARGET_RATIO = 20
TARGET_REFRESH_SECONDS = 60
NETWORK_DASHBOARD = "/espace-pro/chiffres/reseau/"
DATASET = ROOT / "var" / "bench-figures-dataset.json"


def periods(dataset: dict) -> dict[str, tuple[datetime.date, datetime.date]]:
    """The periods of about a year measured: the last full calendar year of data (a single
    roll-up per site), the last 365 days (months and days of two years to combine: the
    hardest case), and this year to date (the dashboard's default period: months and the
    days of this month; left out when the data ends on 31 December, the calendar year)."""
    first = datetime.date.fromisoformat(dataset["first_day"])
    last = datetime.date.fromisoformat(dataset["last_day"])
    year = last.year - 1 if last < datetime.date(last.year, 12, 31) else last.year
    found = {}
    if first <= datetime.date(year, 1, 1):
        found["calendar_year"] = (datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    found["last_365_days"] = (last - datetime.timedelta(days=364), last)
    if found.get("calendar_year") != (datetime.date(last.year, 1, 1), last):
        found["year_to_date"] = (datetime.date(last.year, 1, 1), last)
    return found


PERIOD_LABELS = {
    "calendar_year": "Network dashboard, calendar year {start:%Y}",
    "last_365_days": "Network dashboard, the last 365 days",
    "year_to_date": "Network dashboard, {start:%Y} to date (the default period)",
}
# The periods also computed from the raw records (each takes minutes there): a whole year
# of one piece per site, and the hardest union of pieces.
RAW_PERIODS = ("calendar_year", "last_365_days")
RAW_SECONDS = 300  # the budget of each raw computation (page, then totals), per period


def pages(dataset: dict) -> list[Page]:
    found = []
    for key, (start, end) in periods(dataset).items():
        query = f"debut={start.isoformat()}&fin={end.isoformat()}"
        label = PERIOD_LABELS[key].format(start=start)
        found.append(Page(key, label, f"{NETWORK_DASHBOARD}?{query}", signed_in=True,
                          expect="Personnes accompagnées"))  # fmt: skip
    start, end = periods(dataset)["last_365_days"]
    found.append(
        Page("compared", "The last 365 days compared with the 365 before",
             f"{NETWORK_DASHBOARD}?debut={start.isoformat()}&fin={end.isoformat()}&comparer=on",
             signed_in=True, expect="Personnes accompagnées")
    )  # fmt: skip
    return found


# --- inside Django (a subprocess on the benchmark database) ----------------------------------


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()


def _selection(dataset: dict, period: str):
    from tisser.reporting.figures import Selection

    start, end = periods(dataset)[period]
    return Selection(network_id=dataset["network_id"], start=start, end=end)


def inside_rollups(dataset: dict) -> dict:
    """Rebuild every roll-up of the data's range; the time it takes."""
    from tisser.reporting import rollups
    from tisser.reporting.models import PeopleSet, Tally

    first = datetime.date.fromisoformat(dataset["first_day"])
    last = datetime.date.fromisoformat(dataset["last_day"])
    started = time.perf_counter()
    written = rollups.rebuild(first, last, network_id=dataset["network_id"])
    seconds = time.perf_counter() - started
    from tisser.reporting import catalogue

    return {
        "seconds": round(seconds, 1),
        "indicators": len(catalogue.stored()),
        "pieces": written,
        "tallies": Tally.objects.count(),
        "people_sets": PeopleSet.objects.count(),
    }


def _build(selection, *, compare: bool):
    from tisser.reporting import dashboard
    from tisser.reporting.dashboard_types import Audience

    return dashboard.build(
        selection,
        audience=Audience.STAFF,
        title="Chiffres du réseau",
        filters_described=[],
        compare=compare,
    )


def _raw_source():
    """Every figure of ``tisser.reporting.figures`` read from the raw records while the
    context lasts (the dashboard's build unchanged)."""
    import contextlib

    from tisser.reporting import figures

    @contextlib.contextmanager
    def patched():
        compute, compute_split = figures.compute, figures.compute_split

        def raw_compute(selection, codes=None, *, source="rollups"):
            return compute(selection, codes, source="raw")

        def raw_split(selection, codes, *, by, source="rollups"):
            return compute_split(selection, codes, by=by, source="raw")

        figures.compute, figures.compute_split = raw_compute, raw_split
        try:
            yield
        finally:
            figures.compute, figures.compute_split = compute, compute_split

    return patched()


class RawBudgetSpent(Exception):
    """The raw computation ran out of its time budget."""


def _raw_budget(seconds: float):
    """The queries of the block share ``seconds``: each runs under a PostgreSQL statement
    timeout of what is left, and none starts once it is spent (``RawBudgetSpent``). Some
    reference queries take minutes at this scale (the sales' units, with their returns and
    codes); a bound keeps the run finite, and what it measured is a lower bound."""
    import contextlib

    from django.db import OperationalError, connection
    from psycopg.errors import QueryCanceled

    started = time.perf_counter()
    setting = False

    def bounded(execute, sql, params, many, context):
        nonlocal setting
        if setting:
            return execute(sql, params, many, context)
        left = seconds - (time.perf_counter() - started)
        if left <= 0:
            raise RawBudgetSpent
        setting = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = {max(1, int(left * 1000))}")
        finally:
            setting = False
        try:
            return execute(sql, params, many, context)
        except OperationalError as error:
            if isinstance(error.__cause__, QueryCanceled):
                raise RawBudgetSpent from error
            raise

    @contextlib.contextmanager
    def block():
        try:
            with connection.execute_wrapper(bounded):
                yield
        finally:
            if not connection.needs_rollback:  # an aborted transaction refuses any statement
                with connection.cursor() as cursor:
                    cursor.execute("RESET statement_timeout")

    return block()


def inside_raw(dataset: dict) -> dict:
    """For each period: the dashboard's figures from the roll-ups and from the raw records,
    in process; their times and whether they agree. Each raw computation has its budget
    (``BENCH_FIGURES_RAW_SECONDS``): a page not finished in it is reported as such, its time
    a lower bound; the totals are compared indicator by indicator, as far as the budget goes."""
    from tisser.reporting import figures

    budget = float(os.environ.get("BENCH_FIGURES_RAW_SECONDS", RAW_SECONDS))
    found = {}
    for period in [key for key in periods(dataset) if key in RAW_PERIODS]:
        selection = _selection(dataset, period)
        timings: dict[str, float] = {}
        started = time.perf_counter()
        from_rollups = _build(selection, compare=False)
        timings["build_rollups"] = time.perf_counter() - started
        started = time.perf_counter()
        rollup_values = figures.compute(selection)
        timings["compute_rollups"] = time.perf_counter() - started
        started = time.perf_counter()
        from_raw = None
        try:
            with _raw_budget(budget), _raw_source():
                from_raw = _build(selection, compare=False)
        except RawBudgetSpent:
            pass
        timings["build_raw"] = time.perf_counter() - started
        started = time.perf_counter()
        raw_values = {}
        try:
            with _raw_budget(budget):
                for code in rollup_values:
                    raw_values.update(figures.compute(selection, [code], source="raw"))
        except RawBudgetSpent:
            pass
        timings["compute_raw"] = time.perf_counter() - started
        differences = {
            code: [str(raw_values[code].value), str(rollup_values[code].value)]
            for code in raw_values
            if raw_values[code].value != rollup_values[code].value
        }
        helped = rollup_values.get("people_helped")
        found[period] = {
            "timings": {key: round(value, 3) for key, value in timings.items()},
            "budget": budget,
            "page_finished": from_raw is not None,
            "indicators": len(rollup_values),
            "compared": len(raw_values),
            "differences": differences,
            "same_page": None
            if from_raw is None
            else _page_numbers(from_raw) == _page_numbers(from_rollups),
            "people_helped": str(helped.value) if helped is not None else None,
        }
    return found


def _page_numbers(built) -> str:
    """Everything the dashboard shows but the moment it was built, as text (to compare
    two builds)."""
    import dataclasses

    try:
        shown = dataclasses.asdict(built)
    except TypeError:
        return repr(built)
    shown.pop("generated_at", None)  # the moment of the build, not a figure
    return json.dumps(shown, default=str, sort_keys=True)


def inside_refresh(dataset: dict) -> dict:
    """Mark the last day of data stale for every space and dimension; time the refresh."""
    from django.db import connection

    from tisser.accounts.models import Site
    from tisser.core import stale_figures
    from tisser.core.models import StaleFigure
    from tisser.reporting import rollups

    day = datetime.date.fromisoformat(dataset["last_day"])
    sites = list(Site.objects.filter(network_id=dataset["network_id"]).values_list("pk", flat=True))
    StaleFigure.objects.all().delete()
    for dimension in stale_figures.DIMENSIONS:
        stale_figures.mark_stale_many([(site, day) for site in sites], dimension=dimension)
    marks = StaleFigure.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM activities_activity WHERE date = %s", [day])
        activities = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM activities_participation p JOIN activities_activity a "
            "ON a.id = p.activity_id WHERE a.date = %s",
            [day],
        )
        participations = cursor.fetchone()[0]
    started = time.perf_counter()
    written = rollups.refresh_stale()
    seconds = time.perf_counter() - started
    return {
        "day": day.isoformat(),
        "marks": marks,
        "marks_left": StaleFigure.objects.count(),
        "activities": activities,
        "participations": participations,
        "pieces": written,
        "seconds": round(seconds, 2),
    }


INSIDE = {"rollups": inside_rollups, "raw": inside_raw, "refresh": inside_refresh}


def inside(step: str) -> int:
    _django()
    dataset = json.loads(DATASET.read_text(encoding="utf-8"))
    print(json.dumps(INSIDE[step](dataset), ensure_ascii=False))
    return 0


def run_inside(step: str, deadline: Deadline, *, raw_seconds: float = RAW_SECONDS) -> dict:
    env = env_for(PG_URL)
    env["BENCH_FIGURES_RAW_SECONDS"] = str(raw_seconds)
    output = run(
        [PYTHON, "benchmarks/bench_figures.py", "--inside", step],
        env=env, deadline=deadline, what=step,
    )  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])


# --- the run ------------------------------------------------------------------------------


def database_exists(url: str) -> bool:
    import urllib.parse

    import psycopg

    parsed = urllib.parse.urlparse(url)
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
        found = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [parsed.path.lstrip("/")]
        ).fetchone()
    return found is not None


def server_env() -> dict:
    return bench_serve.production_env(PG_URL, REDIS_URL)


def generate_command(args) -> list[str]:
    return [
        PYTHON, "benchmarks/generate_figures.py", "--files", str(args.files),
        "--activities", str(args.activities), "--sales", str(args.sales),
        "--days", str(args.days),
    ]  # fmt: skip


def prepare(args, deadline: Deadline) -> tuple[dict, str]:
    env = env_for(PG_URL)
    env["DB_STATEMENT_TIMEOUT_MS"] = "0"  # one chunk of the generation may take minutes
    if args.reuse and database_exists(PG_URL):
        print("== reusing the generated database (completed if need be)", flush=True)
    else:
        print("== database recreated, migrations", flush=True)
        bench_serve.recreate_postgres(PG_URL)
    started = time.monotonic()
    run([PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], env=env,
        deadline=deadline, what="migrate")  # fmt: skip
    migrate_seconds = time.monotonic() - started
    print(f"== generating {args.activities:,} activities, {args.files:,} files, "
          f"{args.sales:,} sales", flush=True)  # fmt: skip
    output = run(generate_command(args), env=env, deadline=deadline, what="generate")
    dataset = json.loads(output.strip().splitlines()[-1])
    previous = json.loads(DATASET.read_text(encoding="utf-8")) if DATASET.exists() else {}
    if args.reuse and previous.get("generation"):
        dataset["generation"] = previous["generation"]  # the run that wrote the rows
        if previous.get("rollups"):
            dataset["rollups"] = previous["rollups"]  # kept with --keep-rollups
    else:
        dataset["generation"] = {"seconds": dataset["seconds"], "timings": dataset["timings"],
                                 "migrate_seconds": round(migrate_seconds, 1),
                                 "date": datetime.date.today().isoformat(),
                                 "load": ", ".join(f"{v:.1f}" for v in os.getloadavg())}  # fmt: skip
    DATASET.parent.mkdir(parents=True, exist_ok=True)
    DATASET.write_text(json.dumps(dataset, ensure_ascii=False), encoding="utf-8")
    cookie = run(
        [PYTHON, "benchmarks/generate_figures.py", "--session-for", dataset["admin_email"]],
        env=server_env(), deadline=deadline, what="session",
    ).strip().splitlines()[-1]  # fmt: skip
    return dataset, cookie


def command_line(args) -> str:
    return (
        f".venv/bin/python benchmarks/bench_figures.py --files {args.files} --activities "
        f"{args.activities} --sales {args.sales} --days {args.days} --requests "
        f"{args.requests} --warmup {args.warmup} --clients {args.clients} --page-seconds "
        f"{args.page_seconds:g} --raw-seconds {args.raw_seconds:g}"
        + (" --reuse" if args.reuse else "")
        + (" --keep-rollups" if args.keep_rollups else "")
    )


def ratios(results, raw) -> dict[str, tuple[float, float]]:
    """Per period measured both ways: raw build ÷ HTTP p95, and ÷ HTTP median."""
    found = {}
    for result in results:
        period = raw.get(result.page.key)
        if period is None or not result.p95:
            continue
        raw_ms = period["timings"]["build_raw"] * 1000
        found[result.page.key] = (raw_ms / result.p95, raw_ms / result.median)
    return found


def held_to_target(result) -> bool:
    """The page of one period (``PERIOD_LABELS``) is held to the p95 target; the page
    comparing two periods is measured for the record only."""
    return result.page.key in PERIOD_LABELS


def missed_targets(results, raw, refresh) -> list[str]:
    missed = [
        f"{r.page.label}: p95" for r in results if held_to_target(r) and r.p95 >= TARGET_P95_MS
    ]
    missed += [
        f"{key}: raw / roll-ups < {TARGET_RATIO}"
        for key, (ratio, _median) in ratios(results, raw).items()
        if ratio < TARGET_RATIO
    ]
    if refresh["seconds"] >= TARGET_REFRESH_SECONDS:
        missed.append("refresh of a day")
    # A page the raw computation did not finish is not compared (same_page None).
    missed += [f"{key}: roll-ups differ from the raw records" for key in raw
               if raw[key]["differences"] or raw[key]["same_page"] is False]  # fmt: skip
    return missed


def raw_time_shown(measured: dict, timing: str = "build_raw") -> str:
    """A raw time, or « > budget » when the computation stopped at its budget."""
    seconds = measured["timings"][timing]
    finished = measured["page_finished"] if timing == "build_raw" else (
        measured["compared"] == measured["indicators"])  # fmt: skip
    return f"{seconds:.1f}" if finished else f"> {seconds:.0f} (stopped)"


def report_lines(args, *, dataset, rollups, results, raw, refresh, workers, started, seconds,
                 db_version) -> list[str]:  # fmt: skip
    import django

    generation = dataset["generation"]
    counts = dataset["counts"]
    timings = ", ".join(f"{key} {value:.0f} s" for key, value in generation["timings"].items())
    spans = "; ".join(
        f"{PERIOD_LABELS[key].format(start=start).split(', ', 1)[1]}: {start} to {end}"
        for key, (start, end) in periods(dataset).items()
    )
    lines = [
        "## Impact figures: the network dashboard from the roll-ups at national scale (issue 16)",
        "",
        f"- Command: `make bench` (that is `{command_line(args)}`)",
        f"- Date: {started:%Y-%m-%d %H:%M} UTC; the whole run took {seconds:.0f} s; load "
        f"average at the start: {dataset.get('load', 'n/a')} (other work was running on the "
        "machine when it is above 2).",
        f"- Machine: {machine()}; Python {platform.python_version()}, "
        f"Django {django.get_version()}, {db_version}.",
        f"- Dataset (benchmarks/generate_figures.py, set-based `INSERT … SELECT` over "
        f"`generate_series`, one transaction per chunk, resumable): 12 spaces, "
        f"{counts['beneficiaries_beneficiary']:,} files, {counts['activities_activity']:,} "
        f"activity records from {dataset['first_day']} to {dataset['last_day']} with "
        f"{counts['activities_participation']:,} identified participants (every record has "
        f"one at least), {dataset['paid_sales']:,} paid sales ({counts['sales_sale']:,} with "
        f"the cancelled and expired ones) with {counts['sales_saleline']:,} lines, "
        f"{counts['offers_device']:,} devices, {counts['offers_voucher']:,} codes, "
        f"{counts['sales_salereturn']:,} returns, {counts['referrals_referral']:,} referrals, "
        f"{counts['diagnostics_diagnostic']:,} diagnostics. Generated in "
        f"{generation['seconds']:.0f} s ({timings}), after {generation['migrate_seconds']:.0f}"
        f" s of migrations, on {generation.get('date', '?')} (load average at the end: "
        f"{generation.get('load', 'n/a')}).",
        f"- Roll-ups: `rollups.rebuild({dataset['first_day']}, {dataset['last_day']})` of the "
        f"{rollups.get('indicators', '?')} stored indicators took **{rollups['seconds']:.0f} s**"
        f" ({rollups['tallies']:,} tallies, {rollups['people_sets']:,} people sets).",
        f"- Server: gunicorn, {workers} sync worker processes, production settings "
        f"(benchmarks/settings_serve.py), on 127.0.0.1; {args.clients} keep-alive clients, "
        f"{args.warmup} warm-up requests each, then {args.requests} measured requests per "
        f"page (or {args.page_seconds:g} s). Signed in as the network admin (TOTP enrolled), "
        f"every space; {spans}.",
        f"- Targets: p95 < {TARGET_P95_MS} ms; at least {TARGET_RATIO} times faster than the "
        f"raw computation; the refresh of a day of writes < {TARGET_REFRESH_SECONDS} s.",
        "",
        "| Page | Requests | Requests/s | Median (ms) | p95 (ms) | Raw build (s) "
        "| Raw ÷ p95 | Target met |",
        "|---|---:|---:|---:|---:|---:|---:|:-:|",
    ]
    found_ratios = ratios(results, raw)
    for result in results:
        measured = raw.get(result.page.key)
        if measured is None:
            # A period without its raw computation, or the comparison (no target).
            met = ""
            if held_to_target(result):
                met = "yes" if result.p95 < TARGET_P95_MS else "**no**"
            lines.append(
                f"| {result.page.label} | {len(result.timings_ms)} | {result.rps:.1f} "
                f"| {result.median:.1f} | {result.p95:.1f} | | | {met} |"
            )
            continue
        ratio = found_ratios.get(result.page.key, (0.0, 0.0))[0]
        met = "yes" if result.p95 < TARGET_P95_MS and ratio >= TARGET_RATIO else "**no**"
        at_least = "" if measured["page_finished"] else "> "
        lines.append(
            f"| {result.page.label} | {len(result.timings_ms)} | {result.rps:.1f} "
            f"| {result.median:.1f} | {result.p95:.1f} "
            f"| {raw_time_shown(measured)} | {at_least}{ratio:.0f}× | {met} |"
        )
    lines += [
        "",
        "The same figures in process (seconds): the dashboard's build (`dashboard.build`: "
        "every indicator without the comparison, the per-site table, the month chart "
        "and the breakdowns) from the roll-ups, then with every figure read from the raw "
        'records (`figures` with `source="raw"`); every indicator\'s total alone both ways. '
        "Each raw computation has a budget of "
        f"{next(iter(raw.values()), {}).get('budget', RAW_SECONDS):.0f} s: one that stops "
        "there reports its time as a lower bound, and the totals are compared one "
        "indicator after the other as far as the budget went.",
        "",
        "| Period | Build, roll-ups | Build, raw | Totals, roll-ups | Totals, raw "
        "| People helped | Roll-ups = raw |",
        "|---|---:|---:|---:|---:|---:|:-:|",
    ]
    for key, measured in raw.items():
        start, end = periods(dataset)[key]
        t = measured["timings"]
        if measured["differences"] or measured["same_page"] is False:
            agree = "**no**"
        else:
            page = "the whole page, " if measured["same_page"] else ""
            agree = f"yes: {page}{measured['compared']} of {measured['indicators']} totals"
        lines.append(
            f"| {start} to {end} | {t['build_rollups']:.3f} | {raw_time_shown(measured)} "
            f"| {t['compute_rollups']:.3f} | {raw_time_shown(measured, 'compute_raw')} "
            f"| {measured['people_helped']} | {agree} |"
        )
        if measured["differences"]:
            lines.append(f"|  | differences (raw, roll-ups): {measured['differences']} |||||")
    lines += [
        "",
        f"- Refresh of one day of writes: {refresh['marks']} stale marks (the "
        f"{refresh['day']}, every space × every dimension; that day holds "
        f"{refresh['activities']:,} activity records and {refresh['participations']:,} "
        f"participants, about 1/{dataset['activities'] // max(refresh['activities'], 1)} of"
        f" the records), `rollups.refresh_stale()` took **{refresh['seconds']:.1f} s** "
        f"({refresh['pieces']} pieces written, {refresh['marks_left']} marks left); target "
        f"< {TARGET_REFRESH_SECONDS} s "
        f"{'met' if refresh['seconds'] < TARGET_REFRESH_SECONDS else '**missed**'}.",
        "",
    ]
    notes = Path(__file__).with_name("NOTES_FIGURES.md")
    if notes.exists():
        lines += [notes.read_text(encoding="utf-8").rstrip(), ""]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Impact figures benchmark (issue 16).")
    parser.add_argument("--files", type=int, default=1_000_000)
    parser.add_argument("--activities", type=int, default=10_000_000)
    parser.add_argument("--sales", type=int, default=1_000_000, help="paid sales")
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--requests", type=int, default=200, help="measured, per page")
    parser.add_argument("--warmup", type=int, default=3, help="per client, per page")
    parser.add_argument("--page-seconds", type=float, default=60, help="time budget per page")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--clients", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--raw-seconds", type=float, default=RAW_SECONDS,
                        help="budget of each raw computation, per period")  # fmt: skip
    parser.add_argument("--time-limit", type=float, default=7200, help="seconds, whole run")
    parser.add_argument("--reuse", action="store_true", help="keep the generated database")
    parser.add_argument("--keep-rollups", action="store_true",
                        help="with --reuse: do not rebuild the roll-ups (time of the last)")  # fmt: skip
    parser.add_argument("--no-report", action="store_true", help="leave docs/ alone")
    parser.add_argument("--inside", choices=sorted(INSIDE), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inside:
        return inside(args.inside)

    started = datetime.datetime.now(datetime.UTC)
    clock = time.monotonic()
    deadline = Deadline(args.time_limit)
    dataset, cookie = prepare(args, deadline)
    dataset["load"] = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    if args.reuse and args.keep_rollups and dataset.get("rollups"):
        rollups = dataset["rollups"]
        print("== roll-ups kept", flush=True)
    else:
        print("== building the roll-ups", flush=True)
        rollups = run_inside("rollups", deadline)
        dataset["rollups"] = rollups
        DATASET.write_text(json.dumps(dataset, ensure_ascii=False), encoding="utf-8")
    print(f"   {rollups}", flush=True)
    print("== the network dashboard over HTTP", flush=True)
    server = bench_serve.Gunicorn(
        args.workers, ROOT / "var" / "bench-figures-gunicorn.log", server_env()
    )
    results = bench_serve.serve_and_load(
        server, pages(dataset), cookie, args, deadline, clients=args.clients
    )
    print("== the same figures from the raw records", flush=True)
    raw = run_inside("raw", deadline, raw_seconds=args.raw_seconds)
    print(f"   {raw}", flush=True)
    print("== refreshing the roll-ups of one day of writes", flush=True)
    refresh = run_inside("refresh", deadline)
    print(f"   {refresh}", flush=True)
    lines = report_lines(
        args, dataset=dataset, rollups=rollups, results=results, raw=raw, refresh=refresh,
        workers=args.workers, started=started, seconds=time.monotonic() - clock,
        db_version=database_version(PG_URL),
    )  # fmt: skip
    if not args.no_report:
        from benchmarks.results import write_section

        write_section("figures", lines)
        print("   results written to docs/benchmarks.md")
    missed = missed_targets(results, raw, refresh)
    if missed:
        print("Target missed: " + "; ".join(missed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
