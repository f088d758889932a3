"""Fixtures of the reporting tests."""

import pytest

# --- MARKS: the other apps' worlds the marks tests write in (tests/reporting/test_marks_*) ---
from tests.diagnostics.conftest import skills_content  # noqa: F401
from tests.learning.conftest import module_files  # noqa: F401
from tests.referrals.conftest import world  # noqa: F401
from tests.sales.aftersale_helpers import counter  # noqa: F401
from tisser.reporting import set_cache

# --- end MARKS ---------------------------------------------------------------------------------


@pytest.fixture
def without_kept_sets(monkeypatch):
    """No people set kept by the process (``set_cache``), to count a page's queries at their
    most: a set met twice (a lone site's month is its network's) is otherwise read once."""
    monkeypatch.setattr(set_cache, "_cache", set_cache.SetCache(budget_bytes=0))
