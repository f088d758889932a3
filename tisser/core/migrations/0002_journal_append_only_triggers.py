"""Database-level guard: the journal refuses UPDATE, and DELETE of rows younger than 12 months.

The ORM refuses both already (JournalEntryQuerySet); the triggers protect against raw SQL
and other clients. Only the purge command deletes, and only rows past retention.
"""

from django.db import migrations

RETENTION_DAYS = 365  # keep in step with settings.JOURNAL_RETENTION_DAYS

POSTGRES_FORWARD = f"""
CREATE OR REPLACE FUNCTION core_journal_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.created_at < now() - interval '{RETENTION_DAYS} days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'core_journalentry is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_journal_no_update BEFORE UPDATE ON core_journalentry
    FOR EACH ROW EXECUTE FUNCTION core_journal_append_only();
CREATE TRIGGER core_journal_no_delete BEFORE DELETE ON core_journalentry
    FOR EACH ROW EXECUTE FUNCTION core_journal_append_only();
CREATE TRIGGER core_journal_no_truncate BEFORE TRUNCATE ON core_journalentry
    FOR EACH STATEMENT EXECUTE FUNCTION core_journal_append_only();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS core_journal_no_update ON core_journalentry;
DROP TRIGGER IF EXISTS core_journal_no_delete ON core_journalentry;
DROP TRIGGER IF EXISTS core_journal_no_truncate ON core_journalentry;
DROP FUNCTION IF EXISTS core_journal_append_only();
"""

# SQLite stores datetimes as 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC, so text comparison works.
SQLITE_FORWARD = [
    """
    CREATE TRIGGER core_journal_no_update BEFORE UPDATE ON core_journalentry
    BEGIN SELECT RAISE(ABORT, 'core_journalentry is append-only (UPDATE refused)'); END;
    """,
    f"""
    CREATE TRIGGER core_journal_no_delete BEFORE DELETE ON core_journalentry
    WHEN OLD.created_at >= datetime('now', '-{RETENTION_DAYS} days')
    BEGIN SELECT RAISE(ABORT, 'core_journalentry is append-only (DELETE refused)'); END;
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_journal_no_update;",
    "DROP TRIGGER IF EXISTS core_journal_no_delete;",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # params=None: the PL/pgSQL body holds a literal "%" that is not a query placeholder.
        schema_editor.execute(POSTGRES_FORWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
