"""The ``ci`` demo profile, seeded once for the whole tests/demo package.

The seed runs inside an outer transaction that stays open while the package's tests run
(each test's own ``db`` transaction is a savepoint inside it) and is rolled back after the
last one: the rest of the suite never sees the demo rows. Tests here that only read the demo
use ``demo_ci``; tests that seed themselves (determinism, refusals) use plain ``db``.
"""

import pytest
from django.db import transaction

from tisser.demo import seeding
from tisser.demo.profiles import CI


class _RolledBack(Exception):
    pass


@pytest.fixture(scope="package")
def demo_ci_seed(django_db_setup, django_db_blocker):
    """Seed the ``ci`` profile once; roll it back after the package."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            result = seeding.seed(CI)
        except BaseException:
            outer.__exit__(_RolledBack, _RolledBack(), None)
            raise
    yield result
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def demo_ci(demo_ci_seed, db):
    """The shared ``ci`` demo, inside this test's own (rolled back) transaction."""
    return demo_ci_seed
