"""No file of the project keeps the markers of an unresolved merge (a merge of parallel
branches once left them in docs/benchmarks.md, where nothing else would have noticed)."""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MARKER = re.compile(r"^(<<<<<<< |>>>>>>> |=======$)", re.MULTILINE)
TEXT_SUFFIXES = {".py", ".md", ".html", ".txt", ".json", ".css", ".js", ".toml", ".cfg", ".po"}


def tracked_text_files() -> list[Path]:
    try:
        listed = subprocess.run(
            ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [ROOT / name for name in listed if Path(name).suffix in TEXT_SUFFIXES]


def test_no_conflict_markers_in_tracked_files():
    leftovers = [
        str(path.relative_to(ROOT))
        for path in tracked_text_files()
        if path.is_file() and MARKER.search(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert leftovers == []
