"""The activity benchmark's report: one row per page and its verdict against the p95 target."""

import datetime

from benchmarks import bench_activities, bench_serve


def _result(key, p95):
    page = bench_serve.Page(key, key, "/", signed_in=True)
    timings = [p95] * 10 + [1.0] * 90
    return bench_serve.Result(page, timings_ms=timings, seconds=10.0)


def test_the_report_gives_each_page_its_verdict():
    args = type(
        "Args",
        (),
        {
            "activities": 1000,
            "files": 10,
            "referrals": 20,
            "requests": 100,
            "warmup": 1,
            "clients": 2,
            "page_seconds": 5.0,
        },
    )()
    lines = bench_activities.report_lines(
        [_result("staff_home", 100), _result("list", 300)],
        args,
        workers=2,
        dataset={
            "files": 10,
            "referrals": 20,
            "activity_records": {
                "activities": 1000,
                "participations": 200,
                "sites": 12,
                "seconds": 3.0,
            },
        },
        db_version="PostgreSQL 15",
        started=datetime.datetime(2026, 11, 29, tzinfo=datetime.UTC),
        seconds=12,
    )
    rows = {line.split(" | ")[0].lstrip("| "): line for line in lines if line.startswith("| ")}
    assert rows["staff_home"].endswith("| yes |")
    assert rows["list"].endswith("| **no** |")
    assert any("bench_activities.py --activities 1000" in line for line in lines)
    assert any("1,000 activity records" in line for line in lines)


def test_the_pages_are_the_list_and_the_staff_home():
    paths = [page.path for page in bench_activities.pages()]
    assert "/espace-pro/" in paths and "/espace-pro/activites/" in paths
