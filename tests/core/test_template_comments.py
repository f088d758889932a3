"""Django's ``{# … #}`` comment holds on one line only: opened on one line and closed on a
later one, the whole comment is printed on the page (it was, at the top of every exercise
page). A longer comment is a ``{% comment %}`` block."""

import re
from pathlib import Path

import tisser

ROOT = Path(tisser.__file__).resolve().parent
OPEN_COMMENT = re.compile(r"\{#(?!.*?#\})")


def test_no_template_comment_runs_over_a_line():
    broken = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted(ROOT.rglob("templates/**/*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if OPEN_COMMENT.search(line)
    ]
    assert not broken, broken
