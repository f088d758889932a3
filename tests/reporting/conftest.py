"""Fixtures of the reporting tests."""

# --- MARKS: the other apps' worlds the marks tests write in (tests/reporting/test_marks_*) ---
from tests.diagnostics.conftest import skills_content  # noqa: F401
from tests.learning.conftest import module_files  # noqa: F401
from tests.referrals.conftest import world  # noqa: F401
from tests.sales.aftersale_helpers import counter  # noqa: F401

# --- end MARKS ---------------------------------------------------------------------------------
