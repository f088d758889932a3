"""The serving benchmark's report: the share of the anonymous page and the verdict."""

import datetime

from benchmarks import bench_serve


def _result(key, rps, p95):
    page = bench_serve.Page(key, key, "/", signed_in=key != "anonymous")
    seconds = 10.0
    count = int(rps * seconds)
    timings = [p95] * (count // 10 + 1) + [1.0] * (count - count // 10 - 1)
    return bench_serve.Result(page, timings_ms=timings, seconds=seconds)


def _args():
    return type(
        "Args",
        (),
        {"files": 10, "referrals": 20, "requests": 100, "warmup": 1, "page_seconds": 5.0},
    )()


def test_the_report_gives_each_page_its_share_and_verdict():
    results = [
        _result("anonymous", 100, 50),
        _result("staff_home", 50, 100),
        _result("inbox", 35, 200),
        _result("search", 20, 200),
    ]
    lines = bench_serve.report_lines(
        results,
        _args(),
        workers=2,
        dataset={"files": 10, "referrals": 20, "sites": 12},
        db_version="PostgreSQL 15",
        started=datetime.datetime(2026, 11, 29, tzinfo=datetime.UTC),
        seconds=12,
    )
    rows = {line.split(" | ")[0].lstrip("| "): line for line in lines if line.startswith("| ")}
    assert "| 35.0 | 35% |" in rows["inbox"] and rows["inbox"].endswith("| yes |")
    assert "| 20.0 | 20% |" in rows["search"] and rows["search"].endswith("| **no** |")
    assert rows["staff_home"].endswith("|  |")
    assert any("benchmarks/bench_serve.py --files 10 --referrals 20" in line for line in lines)
