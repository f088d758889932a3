"""The ``ci`` demo network for browser tests: seeded once per test process, then copied back.

A browser test runs on a database emptied after each test, and seeding the ``ci`` demo takes
10 to 20 seconds; about thirty tests need it. On SQLite (where the browser tests run) the
first seeding is copied aside with SQLite's backup API, and each later test gets that copy
back in a few milliseconds: the same rows, ids and sequences as a fresh seeding. The demo's
dates follow today, so a run that goes past midnight seeds again. On another database each
test seeds.
"""

import datetime
import sqlite3

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

_seeded_copies: dict[datetime.date, sqlite3.Connection] = {}


def seed_ci_demo() -> None:
    """Fill the test database with the ``ci`` demo network."""
    if connection.vendor != "sqlite":
        call_command("seed_demo", "--profile", "ci")
        return
    connection.ensure_connection()
    today = timezone.localdate()
    if today not in _seeded_copies:
        call_command("seed_demo", "--profile", "ci")
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        _seeded_copies.clear()
        _seeded_copies[today] = copy
        return
    _seeded_copies[today].backup(connection.connection)
    # The emptied database got new content type ids; the copy brings back the seeded ones.
    ContentType.objects.clear_cache()
