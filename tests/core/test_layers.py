"""The dependency direction of the house style, enforced by import-linter (lint-imports).

The contract lives in pyproject.toml ([tool.importlinter]); ``make quality`` runs it. These
tests prove it holds today and that it catches an upward import added later.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter not installed")


def lint_imports(root: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_every_app_imports_only_from_lower_layers():
    result = lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("app", "imported"),
    [
        ("core", "tisser.accounts.enums"),  # core depends on no other Tisser app
        ("referrals", "tisser.website.help_request"),  # a domain app calling a page app
        ("notifications", "tisser.referrals.enums"),  # level 2 knowing a level 3 app
    ],
)
def test_an_upward_import_breaks_the_contract(app, imported, tmp_path):
    # On a copy of the package: a probe written into the checkout would be seen by the tests
    # that run at the same time in the other workers (pytest-xdist).
    shutil.copytree(ROOT / "tisser", tmp_path / "tisser", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    probe = tmp_path / "tisser" / app / "_upward_import_probe.py"
    probe.write_text(f"import {imported}  # written by tests/core/test_layers.py\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert f"tisser.{app}._upward_import_probe -> {imported}" in result.stdout
