"""What the writing services left in ``core.StaleFigure`` (decision 0055), for the tests of
tests/reporting/test_marks_*.py."""

from __future__ import annotations

import datetime

import pytest

from tisser.core.models import StaleFigure


def marks(dimension: str | None = None) -> set[tuple[int, datetime.date, str]]:
    """Every (site, day, dimension) marked stale (of one dimension when given)."""
    rows = StaleFigure.objects.all()
    if dimension is not None:
        rows = rows.filter(dimension=dimension)
    return set(rows.values_list("site_id", "day", "dimension"))


def clear_marks() -> None:
    """Forget the marks the setting-up wrote: the test looks at its one write."""
    StaleFigure.objects.all().delete()


class Boom(RuntimeError):
    """Raised by a patched step at the end of a service: its transaction rolls back."""


def explode(*_args, **_kwargs):
    raise Boom("the write fails after its mark")


def rolled_back(call) -> None:
    """Run a write that fails at its end: it must leave no mark."""
    clear_marks()
    with pytest.raises(Boom):
        call()
    assert marks() == set(), "a rolled-back write leaves no mark"
