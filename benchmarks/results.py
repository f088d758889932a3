"""docs/benchmarks.md holds one section per benchmark script; each run rewrites its own.

A section sits between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->``; the rest of the
page (the other benchmarks' sections) is kept as it is.
"""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
HEADER = [
    "# Benchmarks",
    "",
    "Written by `make bench` (benchmarks/bench_*.py); do not edit by hand — run them again.",
    "Each section names the command that produced it.",
    "",
]


def write_section(name: str, lines: list[str], doc: Path = DOC) -> None:
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = "\n".join([start, *lines, end])
    text = doc.read_text(encoding="utf-8") if doc.exists() else "\n".join(HEADER) + "\n"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _match: block, text)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    doc.write_text(text, encoding="utf-8")
