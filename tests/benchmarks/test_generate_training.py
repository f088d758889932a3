"""The training benchmark's generator: cohorts, their sessions and attendance draws."""

import datetime
import random

from benchmarks import bench_training, generate_training
from benchmarks.generate_training import (
    SESSIONS,
    YEARS_OF_HISTORY,
    attendance_row,
    cohort_shapes,
)

TODAY = datetime.date(2026, 11, 30)


def test_cohorts_hold_every_enrolment_over_the_sites_and_three_years():
    shapes = cohort_shapes(enrolments=1000, capacity=12, sites=12, today=TODAY)
    assert sum(shape.size for shape in shapes) == 1000
    assert len(shapes) == 84 and shapes[-1].size == 4
    assert all(0 < shape.size <= 12 for shape in shapes)
    assert {shape.site_index for shape in shapes} == set(range(12))
    assert all(shape.starts_on.weekday() == 0 for shape in shapes)
    oldest = TODAY - datetime.timedelta(days=365 * YEARS_OF_HISTORY + 7)
    assert all(oldest <= shape.starts_on <= TODAY for shape in shapes)
    assert shapes == sorted(shapes, key=lambda shape: shape.starts_on)


def test_a_cohort_meets_on_mondays_and_thursdays_eight_times():
    (shape,) = cohort_shapes(enrolments=5, capacity=12, sites=1, today=TODAY)
    days = shape.session_days()
    assert len(days) == SESSIONS
    assert days[0] == shape.starts_on
    assert {day.weekday() for day in days} == {0, 3}
    assert days == sorted(set(days))


def test_only_a_late_arrival_misses_minutes_and_the_draws_repeat():
    rng = random.Random(1)
    rows = [attendance_row(rng) for _ in range(2000)]
    assert {status for status, _ in rows} == {"present", "late", "excused", "absent"}
    assert all((missed > 0) == (status == "late") for status, missed in rows)
    present = sum(status == "present" for status, _ in rows) / len(rows)
    assert 0.75 < present < 0.85
    assert [attendance_row(random.Random(1)) for _ in range(3)] == [
        attendance_row(random.Random(1)) for _ in range(3)
    ]


def test_the_report_gives_each_page_its_verdict():
    from benchmarks import bench_serve

    def result(key, p95):
        page = bench_serve.Page(key, key, "/", signed_in=True)
        return bench_serve.Result(page, timings_ms=[p95] * 10 + [1.0] * 90, seconds=10.0)

    args = type("Args", (), {"activities": 1000, "enrolments": 500, "files": 10, "programmes": 5,
                             "requests": 100, "warmup": 1, "clients": 2, "page_seconds": 5.0})()  # fmt: skip
    dataset = {
        "files": 10,
        "activity_records": {"activities": 1000},
        "training": {"cohorts": 42, "sites": 12, "sessions": 336, "enrolments": 500,
                     "attendances": 3000, "survey_responses": 200, "seconds": 2.0,
                     "programme": 1, "first_site": 3, "programmes": 5,
                     "first_programme_enrolments": 100},
    }  # fmt: skip
    lines = bench_training.report_lines(
        [result("dashboard", 100), result("dashboard_year", 400)], args, workers=2, dataset=dataset,
        db_version="PostgreSQL 15", started=datetime.datetime(2026, 11, 30, tzinfo=datetime.UTC),
        seconds=12,
    )  # fmt: skip
    rows = {line.split(" | ")[0].lstrip("| "): line for line in lines if line.startswith("| ")}
    assert rows["dashboard"].endswith("| yes |")
    assert rows["dashboard_year"].endswith("| **no** |")
    assert any(
        "bench_training.py --activities 1000 --enrolments 500 --programmes 5" in line
        for line in lines
    )
    paths = [page.path for page in bench_training.pages(dataset)]
    assert "/espace-pro/formations/tableau-de-bord/?programme=1&site=3" in paths
    assert generate_training.RANDOM_SEED == 15


def test_the_roll_call_form_marks_every_person_the_page_lists():
    page = "".join(
        f'<input type="radio" name="status-{pk}" value="{value}">'
        for pk in (12, 7)
        for value in ("present", "late", "excused", "absent")
    )
    form = bench_training.roll_call_form(page, random.Random(3))
    assert set(form) == {"status-7", "minutes-7", "status-12", "minutes-12"}
    for pk in (7, 12):
        assert form[f"status-{pk}"] in {"present", "late", "excused", "absent"}
        assert (form[f"minutes-{pk}"] == "15") == (form[f"status-{pk}"] == "late")


def test_the_report_gives_the_roll_call_its_rows():
    args = type("Args", (), {"activities": 1, "enrolments": 1, "files": 1, "programmes": 1,
                             "requests": 1, "warmup": 1, "clients": 1, "page_seconds": 1.0})()  # fmt: skip
    dataset = {
        "files": 1,
        "activity_records": {"activities": 1},
        "training": {"cohorts": 1, "sites": 1, "sessions": 8, "enrolments": 1,
                     "attendances": 8, "survey_responses": 0, "seconds": 1.0,
                     "programme": 1, "first_site": 1, "programmes": 1,
                     "first_programme_enrolments": 1},
    }  # fmt: skip
    lines = bench_training.report_lines(
        [], args, workers=1, dataset=dataset, db_version="PostgreSQL 15",
        started=datetime.datetime(2026, 11, 30, tzinfo=datetime.UTC), seconds=1,
        roll_call={"seconds": 10.0, "get": [50.0] * 20, "post": [400.0] * 20},
    )  # fmt: skip
    rows = {line.split(" | ")[0].lstrip("| "): line for line in lines if line.startswith("| ")}
    assert rows["Roll call page (GET, tablet)"].endswith("| yes |")
    assert rows["Roll call posted (POST + attendance page)"].endswith("| **no** |")
