"""Small test utilities shared by several apps' tests."""

import json
import threading
from decimal import Decimal

from django.db import connection

from tests.accounts.factories import SiteFactory
from tisser.core.errors import DomainError

# Towns the nearest-space tests place their sites in (the préfecture's coordinates).
PLACES = {
    "strasbourg": {
        "postal_code": "67000",
        "city": "Strasbourg",
        "latitude": Decimal("48.5846"),
        "longitude": Decimal("7.7350"),
    },
    "paris": {
        "postal_code": "75020",
        "city": "Paris",
        "latitude": Decimal("48.8637"),
        "longitude": Decimal("2.3850"),
    },
}


def site_in(place: str, *, network, **fields):
    """An open site of ``network`` in one of the ``PLACES``, with its coordinates."""
    return SiteFactory(network=network, **PLACES[place], **fields)


def run_together(targets, *, refused=(DomainError,)) -> list[str]:
    """Run each callable in its own thread and database connection, all released at once by
    a barrier; return "done" or "refused" per callable (PostgreSQL concurrency tests)."""
    barrier = threading.Barrier(len(targets))
    outcomes = []

    def run(target):
        try:
            barrier.wait(timeout=10)
            target()
            outcomes.append("done")
        except refused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == len(targets), "a thread hung"
    return outcomes


def rewrite_json(path, change) -> None:
    """Edit a content file in a test's copy: ``change`` mutates the parsed JSON in place."""
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def migrate_to(targets):
    """Migrate the test database to these migrations; the apps' models as they were there."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps
