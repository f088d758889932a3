"""The Makefile and .ci/run do what the README promises (checked without running them)."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAKEFILE = ROOT / "Makefile"
CI_RUN = ROOT / ".ci" / "run"
REQUIRED_TARGETS = {
    "run",
    "install",
    "test",
    "test-postgres",
    "quality",
    "lint",
    "format",
    "bench",
    "messages",
    "browser-deps",
    "serve",
}

needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def dry_run(*args: str) -> str:
    """What `make -n` would run, with a clean environment for the database variables."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    result = subprocess.run(
        ["make", "-n", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout


def test_makefile_has_every_documented_target():
    targets = set(re.findall(r"^([a-z][a-z-]*):", MAKEFILE.read_text(), flags=re.MULTILINE))
    assert targets >= REQUIRED_TARGETS


@needs_make
def test_make_test_runs_ruff_lint_and_format_check_before_pytest():
    commands = dry_run("test")
    lint = commands.index("ruff check .")
    format_check = commands.index("ruff format --check .")
    pytest_run = commands.index("bin/pytest")
    assert lint < format_check < pytest_run


@needs_make
def test_make_run_migrates_seeds_prints_logins_then_serves_on_the_chosen_port():
    commands = dry_run("run", "PORT=8765")
    steps = [
        "migrate --no-input",
        "seed_demo --if-empty",
        "demo_logins",
        "runserver 127.0.0.1:8765",
    ]
    positions = [commands.index(step) for step in steps]
    assert positions == sorted(positions)


@needs_make
def test_make_test_postgres_defaults_to_the_local_cluster():
    commands = dry_run("test-postgres")
    assert "postgres://postgres@127.0.0.1:5432/tisser" in commands
    assert "bin/pytest" in commands


@needs_make
def test_both_passes_run_in_parallel_one_worker_per_core_unless_told_otherwise():
    for target in ("test", "test-postgres"):
        assert re.search(r"bin/pytest -n \d+ --dist loadgroup", dry_run(target)), target
        assert "bin/pytest -n 3 --dist loadgroup" in dry_run(target, "PYTEST_WORKERS=3")


def test_venv_is_created_only_when_missing():
    recipe = MAKEFILE.read_text()
    assert "if [ ! -x $(BIN)/python ]" in recipe
    assert "$(STAMP): pyproject.toml" in recipe


def test_ci_script_is_an_executable_strict_bash_script():
    assert os.access(CI_RUN, os.X_OK)
    text = CI_RUN.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert re.search(r"^set -E?euo pipefail$", text, flags=re.MULTILINE)
    subprocess.run(["bash", "-n", str(CI_RUN)], check=True)


def test_ci_script_runs_every_stage_in_order():
    text = CI_RUN.read_text()
    text = text[text.index("set -") :]  # the commands, not the header comment
    stages = [
        "make browser-deps",
        "make test\n",
        "pg_isready",
        "pg_ctlcluster --skip-systemctl-redirect",
        "make test-postgres",
        "makemigrations --check --dry-run",
        "manage.py migrate --no-input",
        "tests/production/smoke.py",
    ]
    positions = [text.index(stage) for stage in stages]
    assert positions == sorted(positions)


@needs_make
def test_make_serve_runs_gunicorn_with_the_prod_settings_beside_the_worker_and_scheduler():
    commands = dry_run("serve", "BIND=127.0.0.1:8765", "WEB_CONCURRENCY=3")
    steps = ["collectstatic --no-input", "migrate --no-input", "db_worker", "run_due_jobs"]
    positions = [commands.index(step) for step in steps]
    assert positions == sorted(positions)
    assert "gunicorn -c config/gunicorn.py" in commands
    assert "127.0.0.1:8765, 3 processus web" in commands


def test_gunicorn_reads_processes_and_address_from_the_environment(monkeypatch):
    import runpy

    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    monkeypatch.setenv("BIND", "127.0.0.1:9001")
    config = runpy.run_path(str(ROOT / "config" / "gunicorn.py"))
    assert config["workers"] == 5
    assert config["bind"] == ["127.0.0.1:9001"]
    assert config["wsgi_app"] == "config.wsgi:application"
    monkeypatch.delenv("WEB_CONCURRENCY")
    assert runpy.run_path(str(ROOT / "config" / "gunicorn.py"))["workers"] == os.cpu_count()


def test_ci_script_verifies_the_figures_of_the_ci_demo_after_the_suites():
    text = CI_RUN.read_text()
    text = text[text.index("set -") :]
    stages = [
        "make test-postgres",
        "seed_demo --profile ci",
        "manage.py reporting_verify",
        "makemigrations --check --dry-run",
    ]
    positions = [text.index(stage) for stage in stages]
    assert positions == sorted(positions)
