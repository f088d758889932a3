"""Let the test runner empty the append-only journal between transactional tests.

Transactional tests (``django_db(transaction=True)``) end with ``manage.py flush``, which
runs ``TRUNCATE`` on PostgreSQL and ``DELETE FROM`` on SQLite. The journal's triggers
refuse both for recent rows (and PostgreSQL refuses ``TRUNCATE`` outright), so the flush
would fail. For the duration of that flush only, the triggers are dropped and then put
back, with the very statements of the migration that created them.
"""

import importlib

from django.core.management.commands import flush
from django.db import connections

_TRIGGERS = importlib.import_module("tisser.core.migrations.0002_journal_append_only_triggers")


class _Editor:
    """The small part of a schema editor that the migration's functions use."""

    def __init__(self, connection):
        self.connection = connection

    def execute(self, sql, params=None):
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)


def install():
    """Wrap the flush command once per test session (idempotent)."""
    if getattr(flush.Command.handle, "tisser_journal_aware", False):
        return
    original = flush.Command.handle

    def handle(self, **options):
        editor = _Editor(connections[options.get("database", "default")])
        _TRIGGERS.backward(None, editor)
        try:
            return original(self, **options)
        finally:
            _TRIGGERS.forward(None, editor)

    handle.tisser_journal_aware = True
    flush.Command.handle = handle
